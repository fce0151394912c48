/** `samesite-invalid`: a SameSite value other than Strict, Lax or None (ZAP 10054, Observatory −20). */
import { SET_COOKIE_FIX, byKind, describe, djangoSetting, type Rule } from '../rule.ts';

/**
 * An unknown SameSite value is ignored by browsers, so the cookie gets the browser's default.
 *
 * @example
 * samesiteInvalid.check(ctx) // for `SameSite=Lox`
 */
export const samesiteInvalid: Rule = {
  id: 'samesite-invalid',
  title: 'Invalid SameSite value',
  description: 'The SameSite attribute is not Strict, Lax or None, so browsers ignore it.',
  references: ['RFC 6265bis §5.6.7', 'OWASP ZAP 10054', 'Mozilla Observatory'],
  check(ctx) {
    if (ctx.cookie.sameSite !== 'invalid') return null;
    const setting = djangoSetting(ctx.configured, 'SAMESITE');
    const raw = (ctx.cookie.sameSiteRaw ?? '').slice(0, 40);
    return {
      severity: byKind(ctx.kind, { session: 'medium', csrf: 'medium', other: 'low' }),
      message: `${describe(ctx)} has SameSite="${raw}", which is not Strict, Lax or None: browsers ignore it.`,
      fix: setting ? `${setting} = 'Lax' (ZAP 10054)` : `${SET_COOKIE_FIX} (ZAP 10054)`,
    };
  },
};
