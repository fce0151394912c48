import { Component, type ComponentChildren, type JSX } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { AccessBanner } from './AccessBanner.tsx';
import { CookieDetails, type DecodeState } from './CookieDetails.tsx';
import { CookieTable } from './CookieTable.tsx';
import { FilterBox } from './FilterBox.tsx';
import { FindingsList } from './FindingsList.tsx';
import { escapeLine } from './escape.ts';
import { cookieKeyOf, filterCookies, findingKeyOf, plural, sortCookies, type SortOrder } from './format.ts';
import type { PanelSource, PanelUpdate } from './panel-source.ts';
import { Timeline } from './Timeline.tsx';
import type { CompanionView, CookieRow, PanelSnapshot, Theme } from './view-model.ts';

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
  const [snapshot, setSnapshot] = useState<PanelSnapshot | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  /** True while the site-wide findings are shown instead of the selected cookie. */
  const [siteView, setSiteView] = useState(false);
  const [decodes, setDecodes] = useState<ReadonlyMap<string, DecodeState>>(new Map());
  const [companion, setCompanion] = useState<{ key: string; view: CompanionView } | null>(null);
  const details = useRef<HTMLDivElement>(null);

  // Initial load + live pushes. Updates before the load resolves are already part of its result
  // (the PanelSource contract), so only later ones are applied. A layout effect: it starts right
  // after the first render instead of a frame later.
  useLayoutEffect(() => {
    let alive = true;
    let loaded = false;
    const off = source.subscribe((u: PanelUpdate) => {
      if (alive && loaded) setSnapshot((s) => (s ? { ...s, ...u } : s));
    });
    source.load().then(
      (s) => {
        if (!alive) return;
        loaded = true;
        setSnapshot(s);
        setLoadError(null);
      },
      (e: unknown) => alive && setLoadError(errorText(e)),
    );
    return () => {
      alive = false;
      off();
    };
  }, [source]);

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

  // Decode results are per value and per "epoch": any cookie push, or the panel becoming visible
  // again (keys may have been added in Options meanwhile), verifies the selected value afresh.
  const [visibleEpoch, setVisibleEpoch] = useState(0);
  const cookiesEpoch = useRef<{ cookies: unknown; n: number }>({ cookies: null, n: 0 });
  if (cookiesEpoch.current.cookies !== snapshot?.cookies) {
    cookiesEpoch.current = { cookies: snapshot?.cookies, n: cookiesEpoch.current.n + 1 };
  }
  const epoch = `${cookiesEpoch.current.n}.${visibleEpoch}`;
  useEffect(() => {
    const onVisible = () => document.visibilityState === 'visible' && setVisibleEpoch((e) => e + 1);
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);
  const valueKey = selected ? `${selected.id}\u0000${selected.value}` : null;
  const decodeKey = valueKey === null ? null : `${valueKey}\u0000${epoch}`;
  const settled = useRef(new Map<string, DecodeState>());

  // Decode the selected cookie (a new value — a login — decodes again).
  useEffect(() => {
    if (!selected || decodeKey === null || valueKey === null || decodes.has(decodeKey)) return;
    let alive = true;
    const done = (state: DecodeState) => {
      if (!alive) return;
      settled.current.set(valueKey, state);
      if (settled.current.size > 100) settled.current.delete(settled.current.keys().next().value as string);
      setDecodes((m) => new Map(m).set(decodeKey, state));
    };
    setDecodes((m) => {
      const next = new Map([...m].slice(-50)); // bounded: only recent values matter
      return next.set(decodeKey, { status: 'loading' });
    });
    source.decode(selected).then(
      (result) => done({ status: 'ok', result }),
      (e: unknown) => done({ status: 'error', error: errorInfo(e) }),
    );
    return () => {
      alive = false;
    };
  }, [decodeKey]);

  // While a value re-verifies, keep showing its last result instead of flashing "Decoding…".
  const current = decodeKey ? decodes.get(decodeKey) : undefined;
  const decoded: DecodeState =
    (current?.status !== 'loading' && current) || (valueKey && settled.current.get(valueKey)) || { status: 'loading' };
  const opaqueKey =
    decoded.status === 'ok' && decoded.result.format === 'django-session-key' && selected ? selected.value : null;

  // Server-side data changes without the key changing: look it up again on every epoch (any cookie
  // push, the panel shown again), keeping the last answer on screen meanwhile.
  const lookup = useCallback(
    (key: string) => {
      setCompanion((c) => (c?.key === key ? c : { key, view: { status: 'checking' } }));
      source.companion(key).then(
        (view) => setCompanion((c) => (c?.key === key ? { key, view } : c)),
        (e: unknown) =>
          setCompanion((c) => (c?.key === key ? { key, view: { status: 'down', message: errorText(e) } } : c)),
      );
    },
    [source],
  );
  useEffect(() => {
    if (opaqueKey !== null) lookup(opaqueKey);
  }, [opaqueKey, epoch]);

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
  const noAccess = !loading && !view.access.granted;
  const openKeys = source.openOptions ? () => source.openOptions?.('keys') : undefined;
  return (
    <>
      <header class="topbar">
        <FilterBox value={query} onInput={setQuery} shown={rows.length} total={sorted.length} />
        <span class="site muted" data-testid="site" title={escapeLine(view.url ?? '')}>
          {escapeLine(view.access.origin ?? view.url ?? '')}
        </span>
        <button
          type="button"
          class={`badge ${loading || noAccess ? 'unknown' : view.findingCount ? 'sev-warning' : 'ok'}`}
          data-testid="finding-total"
          data-state={loading ? 'loading' : noAccess ? 'no-access' : 'ok'}
          title="Show every policy finding for this site (the toolbar badge count: severity low and above)"
          aria-pressed={siteView}
          onClick={() => setSiteView(!siteView)}
        >
          {loading ? '… findings' : noAccess ? (view.access.pattern === null ? 'no site' : 'no access') : plural(view.findingCount, 'finding')}
        </button>
        <span class="spacer" />
        {source.openDecoder ? (
          <button type="button" onClick={source.openDecoder}>
            Paste &amp; decode
          </button>
        ) : null}
        {source.openOptions ? (
          <button type="button" data-testid="open-options" onClick={() => source.openOptions?.()} title="Keys, policy and companion">
            Options
          </button>
        ) : null}
        {source.openFullWindow ? (
          <button type="button" onClick={source.openFullWindow} title="Open this panel in a tab">
            Open in tab
          </button>
        ) : null}
      </header>
      <AccessBanner
        access={loading ? { ...view.access, granted: true } : view.access}
        url={view.url}
        onGrant={() => view.access.pattern && void source.requestAccess(view.access.pattern)}
      />
      <main class="split">
        <div class="left">
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
          />
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
          {selected ? (
            <CookieDetails
              cookie={selected}
              decoded={decoded}
              findings={selectedFindings}
              companion={opaqueKey !== null ? companion?.view : undefined}
              onCompanionRetry={opaqueKey !== null ? () => lookup(opaqueKey) : undefined}
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

const EMPTY_SNAPSHOT: PanelSnapshot = Object.freeze({
  url: null,
  access: { origin: null, pattern: null, granted: true },
  cookies: [],
  findings: [],
  findingCount: 0,
  timeline: [],
}) as PanelSnapshot;

/** `{ code, message }` from whatever a source rejected with. */
function errorInfo(e: unknown): { code: string; message: string } {
  if (typeof e === 'object' && e !== null && 'code' in e && 'message' in e) {
    return { code: String((e as { code: unknown }).code), message: String((e as { message: unknown }).message) };
  }
  return { code: 'ERR_MALFORMED', message: errorText(e) };
}

function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === 'object' && e !== null && 'message' in e) return String((e as { message: unknown }).message);
  return String(e);
}

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
