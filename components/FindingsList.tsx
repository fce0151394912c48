import type { JSX } from 'preact';
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
            <li key={`${f.cookie}|${f.rule}|${i}`} class="finding" data-rule={f.rule} data-severity={f.severity}>
              <span class={`badge sev-${f.severity}`}>{f.severity}</span>{' '}
              {showCookie ? <code class="finding-cookie">{f.cookie}</code> : null}
              {showCookie ? ' ' : null}
              {f.source === 'dropped' ? <span class="badge dropped">dropped by the browser</span> : null}
              {f.source === 'dropped' ? ' ' : null}
              <span class="finding-message">{f.message}</span>
              <div class="finding-fix">
                <span class="muted">Fix: </span>
                {f.fix}
              </div>
              <div class="finding-rule muted">{f.rule}</div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
