/** `samesite-missing`: no SameSite attribute (ZAP 10054). */
import { SET_COOKIE_FIX, byKind, describe, djangoSetting, type Rule } from '../rule.ts';

/**
 * Without `SameSite`, the cookie relies on each browser's default (Lax in Chromium, not everywhere).
 *
 * @example
 * samesiteMissing.check(ctx) // { severity: 'medium', fix: "SESSION_COOKIE_SAMESITE = 'Lax' …" }
 */
export const samesiteMissing: Rule = {
  id: 'samesite-missing',
  title: 'Cookie without SameSite',
  description: 'The cookie has no SameSite attribute, so cross-site requests may carry it depending on the browser.',
  references: ['OWASP ZAP 10054', 'RFC 6265bis §5.6.7'],
  check(ctx) {
    if (ctx.cookie.sameSite !== 'unspecified') return null;
    const setting = djangoSetting(ctx.configured, 'SAMESITE');
    return {
      severity: byKind(ctx.kind, { session: 'medium', csrf: 'low', other: 'info' }),
      message: `${describe(ctx)} has no SameSite attribute: cross-site requests may send it, depending on the browser.`,
      fix: setting ? `${setting} = 'Lax' (ZAP 10054)` : `${SET_COOKIE_FIX} (ZAP 10054)`,
    };
  },
};
