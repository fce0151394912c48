import type { JSX } from 'preact';
import { formatClock } from './format.ts';
import type { TimelineEntry, TimelineKind } from './view-model.ts';

export interface TimelineProps {
  entries: readonly TimelineEntry[];
  /** Forget the site's events (absent: no Clear button). */
  onClear?: () => void;
  /** Most entries shown (newest first). */
  limit?: number;
}

const LABEL: Record<TimelineKind, string> = {
  created: 'created',
  'value-changed': 'value changed',
  refreshed: 'refreshed',
  rotated: 'key rotated',
  removed: 'removed',
  flushed: 'flushed',
  expired: 'expired',
};

/** The site's session timeline, newest first. A live region: pushed events are announced. */
export function Timeline({ entries, limit = 200, onClear }: TimelineProps): JSX.Element {
  const newest = [...entries].sort((a, b) => b.at - a.at).slice(0, limit);
  return (
    <section class="timeline" aria-label="Session timeline" data-testid="timeline">
      <h3>
        Timeline <span class="count">({entries.length})</span>{' '}
        {onClear && entries.length > 0 ? (
          <button type="button" class="link" onClick={onClear}>
            Clear
          </button>
        ) : null}
      </h3>
      {newest.length === 0 ? (
        <p class="muted">No session events yet. Log in, log out or reload the page to see them here.</p>
      ) : (
        <ol role="log" aria-live="polite">
          {newest.map((e) => (
            <li key={e.id} data-kind={e.kind} title={e.domain}>
              <time dateTime={new Date(e.at).toISOString()}>{formatClock(e.at)}</time>{' '}
              <span class={`badge tl-kind tl-${e.kind}`}>{LABEL[e.kind]}</span> <code>{e.cookie}</code>
              {e.detail ? <span class="tl-detail"> — {e.detail}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
