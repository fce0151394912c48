/** `secure-missing`: the cookie may travel over plain HTTP (ZAP 10011, Observatory −40). */
import { SET_COOKIE_FIX, byKind, describe, type Rule } from '../rule.ts';

/**
 * A cookie without `Secure` is sent over http:// too, where anyone on the network reads it.
 * Under a policy with `localExemption`, http://localhost and 127.0.0.1 are exempt.
 *
 * @example
 * secureMissing.check(ctx) // { severity: 'high', fix: 'SESSION_COOKIE_SECURE = True …' }
 */
export const secureMissing: Rule = {
  id: 'secure-missing',
  title: 'Cookie without Secure',
  description: 'The cookie has no Secure attribute, so the browser also sends it over unencrypted HTTP.',
  references: ['Django check --deploy security.W012 / W016', 'OWASP ZAP 10011', 'Mozilla Observatory'],
  check(ctx) {
    if (ctx.cookie.secure) return null;
    if (ctx.policy.localExemption && ctx.local && !ctx.https) return null;
    const fix =
      ctx.configured === 'session'
        ? 'SESSION_COOKIE_SECURE = True (check --deploy security.W012; ZAP 10011)'
        : ctx.configured === 'csrf'
          ? 'CSRF_COOKIE_SECURE = True (check --deploy security.W016; ZAP 10011)'
          : `${SET_COOKIE_FIX} (ZAP 10011)`;
    const over = ctx.url && !ctx.https ? ` It was set over ${ctx.url.protocol}//: serve the site over HTTPS.` : '';
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'medium', other: 'low' }),
      message: `${describe(ctx)} has no Secure attribute: browsers also send it over plain HTTP.${over}`,
      fix,
    };
  },
};
