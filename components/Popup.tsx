import type { JSX } from 'preact';
import type { Theme } from './view-model.ts';

export interface PopupProps {
  theme: Theme;
  /** The active tab's site, or `null` on pages without one. */
  site: string | null;
  /** Findings for the site (the badge count); `null` while unknown or without access. */
  findingCount: number | null;
  /** Session cookies on the site. */
  sessionCount: number | null;
  granted: boolean;
  onGrant?: () => void;
  onOpenPanel?: () => void;
  onOpenDecoder: () => void;
  onOpenOptions: () => void;
}

/** The toolbar popup: the active site's summary and the ways into the extension. */
export function Popup(props: PopupProps): JSX.Element {
  const { theme, site, findingCount, sessionCount, granted } = props;
  return (
    <div class="app popup" data-theme={theme} data-testid="popup">
      <h2>Session Lens</h2>
      {site === null && !granted ? (
        <p data-testid="popup-no-access">
          No access to this page, or it is not a web site: Session Lens cannot read its cookies. Open DevTools →
          Sessions on it to grant access to its site.
        </p>
      ) : site === null ? (
        <p class="muted">This page has no cookies to inspect.</p>
      ) : (
        <>
          <p>
            <code>{site}</code>
          </p>
          {granted ? (
            <p data-testid="popup-summary">
              {sessionCount ?? 0} session {sessionCount === 1 ? 'cookie' : 'cookies'} ·{' '}
              <span class={`badge ${findingCount ? 'sev-warning' : 'ok'}`}>
                {findingCount ?? 0} {findingCount === 1 ? 'finding' : 'findings'}
              </span>
            </p>
          ) : (
            <p>
              No access to this site.{' '}
              {props.onGrant ? (
                <button type="button" class="primary" onClick={props.onGrant}>
                  Grant access
                </button>
              ) : null}
            </p>
          )}
        </>
      )}
      <div class="actions">
        {props.onOpenPanel ? (
          <button type="button" onClick={props.onOpenPanel}>
            Open the Sessions view for this tab
          </button>
        ) : null}
        <button type="button" onClick={props.onOpenDecoder}>
          Paste and decode…
        </button>
        <button type="button" onClick={props.onOpenOptions}>
          Options
        </button>
      </div>
      <p class="muted">Tip: the full panel is in DevTools → Sessions.</p>
    </div>
  );
}
