/** `expired`: the cookie is already expired (usually a deletion, e.g. Django's delete_cookie). */
import { describe, type Rule } from '../rule.ts';

/**
 * An expiry in the past makes the browser delete the cookie. That is how logouts work, so it
 * is only informational; the other rules skip expired cookies (as ZAP does).
 *
 * @example
 * expired.check(ctx) // sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0
 */
export const expired: Rule = {
  id: 'expired',
  title: 'Cookie already expired',
  description: 'The cookie expires in the past, so browsers delete it instead of storing it (a logout or delete_cookie).',
  references: ['RFC 6265bis §5.7 step 22'],
  check(ctx) {
    if (ctx.cookie.expires === undefined || ctx.cookie.expires * 1000 > ctx.now) return null;
    return {
      severity: 'info',
      message: `${describe(ctx)} is already expired: browsers delete it (a logout or delete_cookie).`,
      fix: 'Nothing to fix if this deletes the cookie; otherwise check the server clock and Max-Age/Expires.',
    };
  },
};
