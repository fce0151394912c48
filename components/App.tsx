import { Component, type ComponentChildren, type JSX } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AccessBanner } from './AccessBanner.tsx';
import { CookieDetails } from './CookieDetails.tsx';
import { hostOfPage } from './edit-source.ts';
import { CookieTable } from './CookieTable.tsx';
import { downloadText } from './download.ts';
import { FindingsList } from './FindingsList.tsx';
import { cookieKeyOf, filterCookies, findingKeyOf, sortCookies, type SortOrder } from './format.ts';
import { errorText, useCompanionLookup, useDecoded, usePanelSnapshot, useVerifyEpoch } from './panel-hooks.ts';
import type { PanelSource } from './panel-source.ts';
import { buildReport, reportFileName, reportJson, reportMarkdown } from './report.ts';
import { Timeline } from './Timeline.tsx';
import { useEditing } from './use-editing.ts';
import { TopBar } from './TopBar.tsx';
import type { CookieRow, PanelSnapshot, Theme } from './view-model.ts';

export interface AppProps {
  /** The inspected tab (shown in the title; the source is already bound to it). */
  tabId: number;
  source: PanelSource;
  theme: Theme;
  /** "Now" provider, for tests. */
  now?: () => number;
}

/**
 * The Sessions panel: the inspected site's cookies (session cookies first), the selected cookie
 * decoded, the findings, the companion's server-side data and the live timeline.
 */
export function App(props: AppProps): JSX.Element {
  return (
    <div class="app" data-theme={props.theme} data-testid="app">
      <ErrorBoundary>
        <Panel {...props} />
      </ErrorBoundary>
    </div>
  );
}

function Panel({ tabId, source, now = Date.now }: AppProps): JSX.Element {
  const { snapshot, loadError } = usePanelSnapshot(source);
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  /** True while the site-wide findings are shown instead of the selected cookie. */
  const [siteView, setSiteView] = useState(false);
  const details = useRef<HTMLDivElement>(null);

  const [sort, setSort] = useState<SortOrder>({ key: 'name', dir: 'asc' });
  const sorted = useMemo(() => sortCookies(snapshot?.cookies ?? [], sort), [snapshot?.cookies, sort]);
  const rows = useMemo(() => filterCookies(sorted, query), [sorted, query]);
  const findingCounts = useMemo(() => {
    const m = new Map<string, number>();
    for (const f of snapshot?.findings ?? []) {
      const k = findingKeyOf(f);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
    return m;
  }, [snapshot?.findings]);

  // Select the first session cookie once there is one and nothing (visible) is selected.
  useEffect(() => {
    if (selectedId !== null && rows.some((r) => r.id === selectedId)) return;
    const first = rows[0];
    setSelectedId(first?.isSession ? first.id : null);
  }, [rows, selectedId]);

  const select = useCallback((id: string) => {
    setSelectedId(id);
    setSiteView(false);
  }, []);
  const selected: CookieRow | undefined = siteView ? undefined : rows.find((r) => r.id === selectedId);

  const epoch = useVerifyEpoch(snapshot?.cookies);
  const decoded = useDecoded(source, selected, epoch);
  const opaqueKey =
    decoded.status === 'ok' && decoded.result.format === 'django-session-key' && selected ? selected.value : null;
  const { companion, lookup } = useCompanionLookup(source, opaqueKey, epoch);
  // The editing UI and the companion's Sessions view, loaded after the first snapshot (a chunk of their own).
  const editing = useEditing(snapshot !== null);

  const open = () => {
    setSiteView(false);
    const el = details.current?.querySelector<HTMLElement>('[data-testid="details"]');
    el?.focus();
  };

  if (loadError !== null) {
    return (
      <p class="error" role="alert">
        Could not load the cookies of tab {tabId}: {loadError}
      </p>
    );
  }
  // Until the first snapshot, the same layout with nothing in it: no jump when the data lands, and
  // the browser has styled and laid out the panel while the background was answering.
  const loading = snapshot === null || snapshot.pending === true;
  const view: PanelSnapshot = snapshot ?? EMPTY_SNAPSHOT;
  const t = now();
  // Findings belong to one cookie (name, domain, path, partition), not to every cookie of its name.
  const selectedKey = selected ? cookieKeyOf(selected) : null;
  const selectedFindings = selectedKey === null ? [] : view.findings.filter((f) => findingKeyOf(f) === selectedKey);
  // Django's is the form's default family: `#keys` alone
  const openKeys = source.openOptions ? (family?: string) => source.openOptions?.(family && family !== 'django' ? `keys=${family}` : 'keys') : undefined;
  // Editing needs the site's cookies: host access and a page with a host.
  const host = hostOfPage(view.url);
  const edit = !loading && view.access.granted && host !== '' ? source.edit : undefined;
  return (
    <>
      <TopBar
        view={view}
        loading={loading}
        query={query}
        onQuery={setQuery}
        shown={rows.length}
        total={sorted.length}
        siteView={siteView}
        onSiteView={setSiteView}
        source={source}
      />
      <AccessBanner
        access={loading ? { ...view.access, granted: true } : view.access}
        url={view.url}
        onGrant={() => view.access.pattern && void source.requestAccess(view.access.pattern)}
      />
      <main class="split">
        <div class="left">
          {edit && editing ? <editing.CookieImportExport edit={edit} host={host} count={view.cookies.length} /> : null}
          <CookieTable
            rows={rows}
            selectedId={selectedId}
            onSelect={select}
            onOpen={open}
            findingCounts={findingCounts}
            now={t}
            emptyText={loading ? 'Loading cookies…' : undefined}
            sort={sort}
            onSort={setSort}
          />
          <Timeline
            entries={view.timeline}
            onClear={source.clearTimeline ? () => void source.clearTimeline?.().catch(() => undefined) : undefined}
            onExport={(format) => exportReport(view, format, now())}
          />
          {editing ? <editing.CompanionSessions source={source} /> : null}
        </div>
        <aside
          class="right"
          ref={details}
          onKeyDown={(e) => {
            if (e.key !== 'Escape') return;
            details.current?.closest('.app')?.querySelector<HTMLElement>('[data-testid="cookie-table"]')?.focus();
            e.preventDefault();
          }}
        >
          {selected && edit && editing ? <editing.CookieActions cookie={selected} decoded={decoded} host={host} edit={edit} /> : null}
          {selected ? (
            <CookieDetails
              cookie={selected}
              decoded={decoded}
              findings={selectedFindings}
              companion={opaqueKey !== null ? companion?.view : undefined}
              onCompanionRetry={opaqueKey !== null ? () => lookup(opaqueKey) : undefined}
              onCompanionUpdate={opaqueKey !== null && source.companionUpdate ? (json) => source.companionUpdate!(opaqueKey, json) : undefined}
              onCompanionDelete={opaqueKey !== null && source.companionDelete ? () => source.companionDelete!(opaqueKey) : undefined}
              onAddKey={openKeys}
              now={t}
            />
          ) : (
            <FindingsList findings={view.findings} title="Findings for this site" showCookie />
          )}
        </aside>
      </main>
    </>
  );
}

/** Downloads the site's findings and timeline as JSON or Markdown. */
function exportReport(view: PanelSnapshot, format: 'json' | 'markdown', at: number): void {
  const report = buildReport(view, at);
  const name = reportFileName(report.site, at, format);
  if (format === 'json') downloadText(name, 'application/json', reportJson(report));
  else downloadText(name, 'text/markdown', reportMarkdown(report));
}

const EMPTY_SNAPSHOT: PanelSnapshot = Object.freeze({
  url: null,
  access: { origin: null, pattern: null, granted: true },
  cookies: [],
  findings: [],
  findingCount: 0,
  timeline: [],
}) as PanelSnapshot;

interface BoundaryState {
  error: string | null;
}

/** The panel's error boundary: an unexpected render error shows a message instead of a blank panel. */
export class ErrorBoundary extends Component<{ children?: ComponentChildren }, BoundaryState> {
  override state: BoundaryState = { error: null };
  override componentDidCatch(error: unknown): void {
    this.setState({ error: errorText(error) });
  }
  override render(): ComponentChildren {
    if (this.state.error !== null) {
      return (
        <div class="error" role="alert">
          Session Lens hit an unexpected error: {this.state.error}{' '}
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}
