import type { JSX } from 'preact';
import { escapeLine, escapeText } from './escape.ts';
import type { FindingView, Severity } from './view-model.ts';

export interface FindingsListProps {
  findings: readonly FindingView[];
  /** Heading shown above the list. */
  title?: string;
  /** Show which cookie each finding is about (site-wide list). */
  showCookie?: boolean;
}

const ORDER: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

/** Policy findings, most severe first, each with its fix. */
export function FindingsList({ findings, title = 'Findings', showCookie = false }: FindingsListProps): JSX.Element {
  // Two cookies of one name (paths, domains): say which one each finding is about.
  const names = new Map<string, Set<string>>();
  for (const f of findings) names.set(f.cookie, (names.get(f.cookie) ?? new Set()).add(`${f.domain}|${f.path}|${f.partition}`));
  const showPath = [...names.values()].some((s) => s.size > 1);
  const sorted = [...findings].sort((a, b) => ORDER[a.severity] - ORDER[b.severity] || a.rule.localeCompare(b.rule));
  return (
    <section class="findings" aria-label={title} data-testid="findings">
      <h3>
        {title} <span class="count">({findings.length})</span>
      </h3>
      {sorted.length === 0 ? (
        <p class="muted">No findings.</p>
      ) : (
        <ul>
          {sorted.map((f, i) => (
            <li
              key={`${f.cookie}|${f.domain}|${f.path}|${f.rule}|${i}`}
              class="finding"
              data-rule={f.rule}
              data-severity={f.severity}
              data-cookie={f.cookie}
              data-path={f.path}
            >
              <span class={`badge sev-${f.severity}`}>{f.severity}</span>{' '}
              {showCookie ? (
                <code class="finding-cookie" title={`${f.domain}${f.path}`}>
                  {escapeLine(f.cookie)}
                  {showPath ? <span class="muted"> ({escapeLine(f.domain)}{escapeLine(f.path)})</span> : null}
                </code>
              ) : null}
              {showCookie ? ' ' : null}
              {f.source === 'dropped' ? <span class="badge dropped">dropped by the browser</span> : null}
              {f.source === 'dropped' ? ' ' : null}
              <span class="finding-message">{escapeText(f.message)}</span>
              <div class="finding-fix">
                <span class="muted">Fix: </span>
                {escapeText(f.fix)}
              </div>
              <div class="finding-rule muted">{f.rule}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
