/**
 * The site's story for a bug report or a security review: its findings and its session timeline
 * (what changed, which request did it), as JSON and as Markdown. No cookie values: findings carry
 * none and the timeline's values are short and masked where the policy says so. Every untrusted
 * text in the Markdown is escaped ({@link markdownText}), so a cookie name or session value cannot
 * become a link, an image, HTML or a new table cell. Pure; the download is download.ts.
 *
 * @example
 * const text = reportMarkdown(buildReport(snapshot, Date.now()));
 */
import { escapeLine } from './escape.ts';
import type { FindingView, PanelSnapshot, TimelineEntry } from './view-model.ts';

/** The export's format version (bump when a field changes meaning). */
export const REPORT_VERSION = 1;

/** What is exported. */
export interface SessionReport {
  tool: 'session-lens';
  version: typeof REPORT_VERSION;
  /** The site's origin (`null` when the page has none). */
  site: string | null;
  /** ISO 8601. */
  exportedAt: string;
  findings: FindingView[];
  /** Oldest first; times as ISO 8601 besides the ms. */
  timeline: (TimelineEntry & { time: string })[];
}

/**
 * The report of a panel snapshot.
 *
 * @example
 * buildReport(view, Date.now()).timeline[0].request // { method: 'POST', url: 'http://localhost:8000/login', status: 302 }
 */
export function buildReport(view: Pick<PanelSnapshot, 'access' | 'findings' | 'timeline'>, now: number): SessionReport {
  return {
    tool: 'session-lens',
    version: REPORT_VERSION,
    site: view.access.origin,
    exportedAt: new Date(now).toISOString(),
    findings: view.findings,
    timeline: [...view.timeline].sort((a, b) => a.at - b.at).map((e) => ({ ...e, time: new Date(e.at).toISOString() })),
  };
}

/** The JSON export: the report, indented. */
export function reportJson(report: SessionReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

/**
 * Untrusted text as inert Markdown: one line (controls and bidi characters escaped as the panel
 * shows them) with every ASCII punctuation character backslash-escaped (CommonMark §2.4), so it
 * cannot open emphasis, code, a link, an autolink, HTML, an entity or a table cell.
 *
 * @example
 * markdownText('a|b <img src=x>') // 'a\\|b \\<img src\\=x\\>'
 */
export function markdownText(s: string): string {
  return escapeLine(s).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function findingsMarkdown(findings: readonly FindingView[]): string[] {
  if (findings.length === 0) return ['No findings.'];
  return [
    row(['Severity', 'Cookie', 'Rule', 'Message', 'Fix']),
    row(['---', '---', '---', '---', '---']),
    ...findings.map((f) => row([f.severity, `${markdownText(f.cookie)} (${markdownText(f.domain + f.path)})`, markdownText(f.rule), markdownText(f.message), markdownText(f.fix)])),
  ];
}

function changesMarkdown(e: TimelineEntry): string {
  if (!e.diff) return '';
  const sign = { added: '+', removed: '−', changed: '~' } as const;
  const parts = e.diff.entries.map((d) => {
    const values = d.change === 'added' ? ` ${d.after ?? ''}` : d.change === 'removed' ? ` (was ${d.before ?? ''})` : ` ${d.before ?? ''} → ${d.after ?? ''}`;
    return `${sign[d.change]}${markdownText(d.key)}${markdownText(values)}`;
  });
  if (e.diff.more > 0) parts.push(`${e.diff.more} more`);
  return parts.join('<br>');
}

function timelineMarkdown(timeline: SessionReport['timeline']): string[] {
  if (timeline.length === 0) return ['No session events.'];
  return [
    row(['Time', 'Event', 'Cookie', 'Detail', 'Request', 'Data changes']),
    row(['---', '---', '---', '---', '---', '---']),
    ...timeline.map((e) =>
      row([
        e.time,
        `${e.kind}${(e.count ?? 1) > 1 ? ` ×${e.count}` : ''}`,
        markdownText(e.cookie),
        markdownText(e.detail ?? ''),
        e.request ? `${markdownText(e.request.method)} ${markdownText(e.request.url)} → ${e.request.status}` : '',
        changesMarkdown(e),
      ]),
    ),
  ];
}

/**
 * The Markdown export: a heading, the findings table and the timeline table.
 *
 * @example
 * reportMarkdown(buildReport(view, Date.now())).split('\n')[0] // '# Session Lens report: http\\://localhost\\:8000'
 */
export function reportMarkdown(report: SessionReport): string {
  return [
    `# Session Lens report: ${markdownText(report.site ?? '(no site)')}`,
    '',
    `Exported ${report.exportedAt}. Values are shortened; secrets (hashes, tokens) show as ••••.`,
    '',
    `## Findings (${report.findings.length})`,
    '',
    ...findingsMarkdown(report.findings),
    '',
    `## Session timeline (${report.timeline.length} events)`,
    '',
    ...timelineMarkdown(report.timeline),
    '',
  ].join('\n');
}

/**
 * A file name for the export: `session-lens-localhost-8000-2026-11-26T08-00-00Z.md`.
 *
 * @example
 * reportFileName('http://localhost:8000', 0, 'json') // 'session-lens-localhost-8000-1970-01-01T00-00-00Z.json'
 */
export function reportFileName(site: string | null, now: number, format: 'json' | 'markdown'): string {
  const host = (site ?? 'site').replace(/^[a-z]+:\/\//i, '').replace(/[^a-z0-9.-]+/gi, '-').replace(/^-+|-+$/g, '') || 'site';
  const time = new Date(now).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  return `session-lens-${host}-${time}.${format === 'json' ? 'json' : 'md'}`;
}
