/**
 * What every rule under `lib/policy/rules/` implements, and small helpers they share.
 */
import type { CookieKind } from './classify.ts';
import type { PolicyCookie } from './cookie.ts';
import type { EffectivePolicy } from './policy.ts';
import type { RuleId, Severity } from './types.ts';

/** Everything a rule may look at. */
export interface RuleContext {
  cookie: PolicyCookie;
  /** What the cookie is for, severities-wise (configured names plus the `sess`/`login` heuristic). */
  kind: CookieKind;
  /**
   * Which framework setting family configures this cookie: `session` / `csrf` only for the
   * configured names (`SESSION_COOKIE_NAME`, `CSRF_COOKIE_NAME`), `other` for everything else — a
   * cookie whose name merely contains "sess" is set by application code, and the fix says so.
   */
  configured: CookieKind;
  /** The URL the cookie came from (or the page it belongs to), when known. */
  url: URL | null;
  /** Lower-case host of `url` ('' when unknown), IPv6 without brackets. */
  host: string;
  /** `url` is https. */
  https: boolean;
  /** `url` is http://localhost, *.localhost, 127.0.0.0/8 or [::1]. */
  local: boolean;
  /** Other URLs seen with this cookie (a redirect chain), for `session-id-in-url`. */
  relatedUrls: readonly URL[];
  policy: EffectivePolicy;
  /** Now, in milliseconds since the epoch. */
  now: number;
}

/** A rule's verdict on one cookie. */
export interface RuleHit {
  severity: Severity;
  message: string;
  fix: string;
}

/** One policy rule. Its `id` is its file name. */
export interface Rule {
  id: RuleId;
  /** Short title (SARIF shortDescription, panel headings). */
  title: string;
  /** What it checks and why, one or two sentences. */
  description: string;
  /** External references: Django check ids, ZAP rule ids, RFC sections. */
  references: readonly string[];
  check(ctx: RuleContext): RuleHit | null;
}

/** Picks a severity by cookie kind. */
export function byKind(kind: CookieKind, s: Record<CookieKind, Severity>): Severity {
  return s[kind];
}

/** `Session cookie "sessionid"` / `CSRF cookie "csrftoken"` / `Cookie "_ga"`. */
export function describe(ctx: RuleContext): string {
  const label = ctx.kind === 'session' ? 'Session cookie' : ctx.kind === 'csrf' ? 'CSRF cookie' : 'Cookie';
  return `${label} "${ctx.cookie.name}"`;
}

/**
 * The Django setting that configures a cookie: `SESSION_COOKIE_<suffix>` / `CSRF_COOKIE_<suffix>`
 * for the configured session / CSRF cookie (`ctx.configured`), or `null` for any other cookie
 * (set by application code, `response.set_cookie`).
 *
 * @example
 * djangoSetting(ctx.configured, 'SECURE') // 'SESSION_COOKIE_SECURE' for sessionid, null for "my_sess"
 */
export function djangoSetting(kind: CookieKind, suffix: string): string | null {
  if (kind === 'session') return `SESSION_COOKIE_${suffix}`;
  if (kind === 'csrf') return `CSRF_COOKIE_${suffix}`;
  return null;
}

/**
 * The fix for a cookie that application code sets (no framework setting configures it): the
 * `set_cookie` call with every protective attribute, whichever one is missing.
 */
export const SET_COOKIE_FIX = 'response.set_cookie(…, secure=True, httponly=True, samesite="Lax")';

/** Seconds as a short human duration: `14 days`, `8 hours`, `90 seconds`. */
export function humanDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s >= 86400) {
    const d = Math.round((s / 86400) * 10) / 10;
    return `${d} day${d === 1 ? '' : 's'}`;
  }
  if (s >= 3600) {
    const h = Math.round((s / 3600) * 10) / 10;
    return `${h} hour${h === 1 ? '' : 's'}`;
  }
  if (s >= 60) {
    const m = Math.round((s / 60) * 10) / 10;
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  return `${s} second${s === 1 ? '' : 's'}`;
}
