import type { JSX } from 'preact';
import { escapeLine } from './escape.ts';
import type { TimelineDiff, TimelineEntry, TimelineRequestView } from './view-model.ts';

const SIGN = { added: '+', removed: '−', changed: '~' } as const;

/** The path of a request URL (`/login?…`), or the URL itself when it is not one. */
function pathOf(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(url);
  return m ? (m[1] ?? '/') : url;
}

/** `POST /login → 302`, the full URL in the tooltip. */
export function RequestSummary({ request }: { request: TimelineRequestView }): JSX.Element {
  return (
    <span class="tl-request" data-testid="tl-request" title={escapeLine(request.url)}>
      {escapeLine(request.method)} {escapeLine(pathOf(request.url))} → {request.status || '?'}
    </span>
  );
}

/** `+_auth_user_id −cart ~theme`: the keys that changed, in one line. */
export function DiffSummary({ diff }: { diff: TimelineDiff }): JSX.Element {
  return (
    <span class="tl-diff" data-testid="tl-diff">
      {diff.entries.map((d) => (
        <span key={d.key} class={`tl-key tl-${d.change}`} data-change={d.change}>
          {SIGN[d.change]}
          {escapeLine(d.key)}
        </span>
      ))}
      {diff.more > 0 ? <span class="muted"> +{diff.more} more</span> : null}
    </span>
  );
}

/** An event's before/after: each changed key's value before and after, and the request in full. */
export function ChangeDetails({ entry, id }: { entry: TimelineEntry; id: string }): JSX.Element {
  return (
    <div class="tl-details" id={id} data-testid="tl-details">
      {entry.request ? (
        <p class="tl-req-full">
          Request: <code>{escapeLine(entry.request.method)}</code> <code>{escapeLine(entry.request.url)}</code> → status{' '}
          <code>{entry.request.status || 'unknown'}</code>
        </p>
      ) : (
        <p class="muted">No request seen for this change (set by a script, the browser or before the panel was watching).</p>
      )}
      {entry.diff ? (
        <table class="tl-changes" data-testid="tl-changes">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {entry.diff.entries.map((d) => (
              <tr key={d.key} data-key={d.key} data-change={d.change}>
                <th scope="row">
                  <code>{escapeLine(d.key)}</code>
                </th>
                <td>{d.before !== undefined ? <code>{escapeLine(d.before)}</code> : <span class="muted">(absent)</span>}</td>
                <td>{d.after !== undefined ? <code>{escapeLine(d.after)}</code> : <span class="muted">(absent)</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">No data change to show (an opaque session key: its data is on the server).</p>
      )}
      {entry.diff && entry.diff.more > 0 ? <p class="muted">{entry.diff.more} more keys changed.</p> : null}
      {entry.diff?.entries.some((d) => d.masked) ? <p class="muted">•••• : a secret value (hash, token), masked.</p> : null}
    </div>
  );
}
