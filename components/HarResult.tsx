import type { JSX } from 'preact';
import { DecodedResult } from './DecodedResult.tsx';
import { escapeLine, escapeText } from './escape.ts';
import { FindingsList } from './FindingsList.tsx';
import { plural } from './format.ts';
import { RequestSummary } from './TimelineChange.tsx';
import type { HarReport } from './view-model.ts';

/** Findings grouped by the response that set their cookie: `GET /bad-cookies → 200`. */
function byRequest(findings: HarReport['findings']): [string, HarReport['findings']][] {
  const groups = new Map<string, HarReport['findings']>();
  for (const f of findings) {
    const key = `${f.request.method} ${f.request.url} ${f.request.status}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  return [...groups];
}

/**
 * A HAR file read: every session cookie its requests sent and its responses set, decoded, with
 * the request; then the policy's findings per Set-Cookie, under the response that set the cookie.
 */
export function HarResult({ report, now }: { report: HarReport; now: () => number }): JSX.Element {
  return (
    <section class="har" data-testid="har-result">
      <p data-testid="har-summary">
        HAR file: {plural(report.exchanges, 'request')}, {plural(report.cookies.length, 'session cookie value')}, {plural(report.findings.length, 'finding')}.
      </p>
      <h2>Session cookies</h2>
      {report.cookies.length === 0 ? <p class="muted">No session cookie in this capture.</p> : null}
      {report.cookies.map((c, i) => (
        <section key={`${c.source}-${i}`} class="har-cookie" data-testid="har-cookie" data-source={c.source}>
          <h3>
            <code>{escapeLine(c.name)}</code> {c.source === 'request' ? 'sent with' : 'set by'} <RequestSummary request={c.request} />
            {c.seen > 1 ? <span class="muted"> (seen {c.seen}×)</span> : null}
          </h3>
          {c.decoded === undefined ? <p class="muted">Empty value: the cookie is deleted.</p> : null}
          {c.decoded?.status === 'error' ? (
            <p class="error">
              {c.decoded.error.code}: {escapeText(c.decoded.error.message)}
            </p>
          ) : null}
          {c.decoded?.status === 'ok' ? <DecodedResult result={c.decoded.result} now={now} /> : null}
        </section>
      ))}
      <h2>Findings per Set-Cookie</h2>
      {report.findings.length === 0 ? <p class="muted">No findings.</p> : null}
      {byRequest(report.findings).map(([key, list]) => (
        <div key={key} class="har-findings" data-testid="har-findings">
          <FindingsList findings={list} showCookie title={`Set-Cookie from ${list[0]!.request.method} ${list[0]!.request.url} → ${list[0]!.request.status}`} />
        </div>
      ))}
      {report.warnings.length > 0 ? (
        <ul class="muted" data-testid="har-warnings">
          {report.warnings.map((w, i) => (
            <li key={i}>{escapeLine(w)}</li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
