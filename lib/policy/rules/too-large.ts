/** `too-large`: name + value over 4096 bytes, which browsers drop. */
import { byKind, describe, type Rule } from '../rule.ts';

/** Browsers cap a cookie's name + value at 4096 bytes (RFC 6265bis §5.6 step 5). */
export const MAX_COOKIE_BYTES = 4096;

/**
 * A cookie over 4096 bytes is ignored by the browser: with the signed_cookies session engine the
 * user is silently logged out.
 *
 * @example
 * tooLarge.check(ctx) // sessionid with a 5000-byte signed session
 */
export const tooLarge: Rule = {
  id: 'too-large',
  title: 'Cookie too large',
  description: 'The name and value together exceed 4096 bytes, the size browsers store.',
  references: ['RFC 6265bis §5.6', 'RFC 6265 §6.1'],
  check(ctx) {
    if (ctx.cookie.size <= MAX_COOKIE_BYTES) return null;
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'high', other: 'medium' }),
      message: `${describe(ctx)} is ${ctx.cookie.size} bytes (name + value), over the ${MAX_COOKIE_BYTES} bytes browsers keep: it is dropped.`,
      fix:
        ctx.configured === 'session'
          ? "Store less in the session, or use a server-side SESSION_ENGINE ('django.contrib.sessions.backends.db') instead of signed_cookies"
          : 'Store less in the cookie (keep data server-side and put only an id in the cookie)',
    };
  },
};
