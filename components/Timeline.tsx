import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { escapeLine, escapeText } from './escape.ts';
import { formatClock, formatDuration, mergeBursts, plural } from './format.ts';
import { ChangeDetails, DiffSummary, RequestSummary } from './TimelineChange.tsx';
import type { TimelineEntry, TimelineKind } from './view-model.ts';

export interface TimelineProps {
  entries: readonly TimelineEntry[];
  /** Forget the site's events (absent: no Clear button). */
  onClear?: () => void;
  /** Most entries shown (newest first). */
  limit?: number;
  /** Download the timeline and the site's findings (absent: no Export buttons). */
  onExport?: (format: 'json' | 'markdown') => void;
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

/** A burst's length: `1.2 s` under a minute, else as {@link formatDuration}. */
function formatSpan(ms: number): string {
  return ms < 60_000 ? `${(Math.round(ms / 100) / 10).toFixed(1)} s` : formatDuration(ms);
}

/** One event: time, kind, cookie, detail, the request and the keys that changed; a click shows the before/after. */
function EventRow({ e, open, onToggle }: { e: TimelineEntry; open: boolean; onToggle: () => void }): JSX.Element {
  const line = (
    <>
      <time dateTime={new Date(e.at).toISOString()}>{formatClock(e.at)}</time>{' '}
      <span class={`badge tl-kind tl-${e.kind}`}>
        {LABEL[e.kind]}
        {(e.count ?? 1) > 1 ? ` ×${e.count} in ${formatSpan(e.at - (e.firstAt ?? e.at))}` : ''}
      </span>{' '}
      <code>{escapeLine(e.cookie)}</code>
      {e.detail ? <span class="tl-detail"> — {escapeText(e.detail)}</span> : null}
      {e.request ? <> <RequestSummary request={e.request} /></> : null}
      {e.diff ? <> <DiffSummary diff={e.diff} /></> : null}
    </>
  );
  const detailsId = `tl-details-${e.id}`;
  return (
    <li data-kind={e.kind} data-count={e.count ?? 1} data-open={open ? 'true' : undefined} title={escapeLine(e.domain)}>
      <button type="button" class="tl-event" aria-expanded={open} aria-controls={open ? detailsId : undefined} onClick={onToggle}>
        {line}
      </button>
      {open ? <ChangeDetails entry={e} id={detailsId} /> : null}
    </li>
  );
}

/** The site's session timeline, newest first; repeated events of one cookie merged ("key rotated ×500 in 1.2 s"). A live region: pushed events are announced. */
export function Timeline({ entries, limit = 200, onClear, onExport }: TimelineProps): JSX.Element {
  const [openId, setOpenId] = useState<string | null>(null);
  const newest = mergeBursts(entries).reverse().slice(0, limit);
  return (
    <section class="timeline" aria-label="Session timeline" data-testid="timeline">
      <h3>
        Timeline <span class="count">({plural(entries.reduce((n, e) => n + (e.count ?? 1), 0), 'event')})</span>{' '}
        {onClear && entries.length > 0 ? (
          <button type="button" class="link" onClick={onClear}>
            Clear
          </button>
        ) : null}{' '}
        {onExport ? (
          <span class="tl-export">
            Export:{' '}
            <button type="button" class="link" data-testid="export-json" onClick={() => onExport('json')}>
              JSON
            </button>{' '}
            <button type="button" class="link" data-testid="export-markdown" onClick={() => onExport('markdown')}>
              Markdown
            </button>
          </span>
        ) : null}
      </h3>
      {newest.length === 0 ? (
        <p class="muted">No session events yet. Log in, log out or reload the page to see them here.</p>
      ) : (
        <ol role="log" aria-live="polite">
          {newest.map((e) => (
            <EventRow key={e.id} e={e} open={openId === e.id} onToggle={() => setOpenId(openId === e.id ? null : e.id)} />
          ))}
        </ol>
      )}
    </section>
  );
}
