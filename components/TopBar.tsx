import type { JSX } from 'preact';
import { escapeLine } from './escape.ts';
import { FilterBox } from './FilterBox.tsx';
import { plural } from './format.ts';
import type { PanelSource } from './panel-source.ts';
import type { PanelSnapshot } from './view-model.ts';

/** Props of {@link TopBar}. */
export interface TopBarProps {
  view: PanelSnapshot;
  /** True until the first snapshot (or while the background is still reading). */
  loading: boolean;
  query: string;
  onQuery: (query: string) => void;
  /** Rows shown after the filter, and in all. */
  shown: number;
  total: number;
  /** True while the site-wide findings are shown. */
  siteView: boolean;
  onSiteView: (siteView: boolean) => void;
  /** The page links the source offers (decode page, options, a tab). */
  source: Pick<PanelSource, 'openDecoder' | 'openOptions' | 'openFullWindow'>;
}

/**
 * The panel's top bar: the filter, the site, the findings total (a toggle for the site-wide list)
 * and the links to the other pages.
 *
 * @example
 * <TopBar view={view} loading={false} query="" onQuery={setQuery} shown={3} total={5} siteView={false} onSiteView={setSiteView} source={source} />
 */
export function TopBar({ view, loading, query, onQuery, shown, total, siteView, onSiteView, source }: TopBarProps): JSX.Element {
  const noAccess = !loading && !view.access.granted;
  return (
    <header class="topbar">
      <FilterBox value={query} onInput={onQuery} shown={shown} total={total} />
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
        onClick={() => onSiteView(!siteView)}
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
  );
}
