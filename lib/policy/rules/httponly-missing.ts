/** `httponly-missing`: the cookie is readable by page JavaScript (ZAP 10010, Observatory −30). */
import { SET_COOKIE_FIX, byKind, describe, type Rule } from '../rule.ts';

/**
 * A cookie without `HttpOnly` can be read by any script on the page, so one XSS steals it.
 *
 * @example
 * httponlyMissing.check(ctx) // { severity: 'high', … } for sessionid without HttpOnly
 */
export const httponlyMissing: Rule = {
  id: 'httponly-missing',
  title: 'Cookie without HttpOnly',
  description: 'The cookie has no HttpOnly attribute, so page scripts (and an XSS payload) can read it.',
  references: ['Django check --deploy security.W013', 'OWASP ZAP 10010', 'Mozilla Observatory'],
  check(ctx) {
    if (ctx.cookie.httpOnly) return null;
    const fix =
      ctx.configured === 'session'
        ? 'SESSION_COOKIE_HTTPONLY = True (check --deploy security.W013; ZAP 10010)'
        : ctx.configured === 'csrf'
          ? 'CSRF_COOKIE_HTTPONLY = True if no script reads the token (ZAP 10010)'
          : `${SET_COOKIE_FIX}; leave httponly off only if a script must read it (ZAP 10010)`;
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'info', other: 'info' }),
      message: `${describe(ctx)} has no HttpOnly attribute: page scripts can read it.`,
      fix,
    };
  },
};
