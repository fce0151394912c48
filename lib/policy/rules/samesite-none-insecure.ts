/** `samesite-none-insecure`: SameSite=None without Secure, which browsers reject. */
import { SET_COOKIE_FIX, byKind, describe, djangoSetting, type Rule } from '../rule.ts';

/**
 * Browsers reject a `SameSite=None` cookie that lacks `Secure` (RFC 6265bis §5.7; Observatory
 * counts it as invalid SameSite).
 *
 * @example
 * samesiteNoneInsecure.check(ctx) // { severity: 'high', … } for sessionid=…; SameSite=None
 */
export const samesiteNoneInsecure: Rule = {
  id: 'samesite-none-insecure',
  title: 'SameSite=None without Secure',
  description: 'SameSite=None requires Secure; browsers drop the cookie otherwise, and it would be sent cross-site over HTTP.',
  references: ['RFC 6265bis §5.7', 'OWASP ZAP 10054', 'Mozilla Observatory'],
  check(ctx) {
    if (ctx.cookie.sameSite !== 'none' || ctx.cookie.secure) return null;
    const secure = djangoSetting(ctx.configured, 'SECURE');
    const samesite = djangoSetting(ctx.configured, 'SAMESITE');
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'high', other: 'medium' }),
      message: `${describe(ctx)} has SameSite=None without Secure: browsers reject it.`,
      fix:
        secure && samesite
          ? `${secure} = True, or ${samesite} = 'Lax' (ZAP 10054)`
          : `${SET_COOKIE_FIX}, or keep samesite="None" with secure=True if it must go cross-site (ZAP 10054)`,
    };
  },
};
