/**
 * The toolbar badge: the number of policy findings for the tab's site, coloured by the worst one.
 */
import { summarize, type Severity } from '../policy/index.ts';

/** What to show on the toolbar for one tab. */
export interface BadgeState {
  /** '' hides the badge. */
  text: string;
  color: string;
  title: string;
}

/** Badge colours by the highest severity present. */
export const BADGE_COLORS: Record<Severity, string> = {
  critical: '#a50e0e',
  high: '#d93025',
  medium: '#e37400',
  low: '#1a73e8',
  info: '#5f6368',
};

/**
 * How many findings the badge counts: severity low and above. Info findings are shown in the
 * panel but never inflate the badge.
 *
 * @example
 * countBadge([{ severity: 'info' }, { severity: 'low' }]) // 1
 */
export function countBadge(findings: readonly { severity: Severity }[]): number {
  let n = 0;
  for (const f of findings) if (f.severity !== 'info') n++;
  return n;
}

/**
 * The badge for a list of findings (info ones are left out: see {@link countBadge}).
 *
 * @example
 * computeBadge([{ severity: 'high' }, { severity: 'low' }]) // { text: '2', color: '#d93025', title: … }
 */
export function computeBadge(findings: readonly { severity: Severity }[]): BadgeState {
  const s = summarize(findings.filter((f) => f.severity !== 'info'));
  if (!s.highest) return { text: '', color: BADGE_COLORS.info, title: 'Session Lens: no cookie findings' };
  const parts = (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`);
  return {
    text: s.total > 999 ? '999+' : String(s.total),
    color: BADGE_COLORS[s.highest],
    title: `Session Lens: ${s.total} cookie finding${s.total === 1 ? '' : 's'} (${parts.join(', ')})`,
  };
}
