/** `expiry-too-long`: a persistent session cookie outlives the policy's maximum age. */
import { describe, humanDuration, type Rule } from '../rule.ts';

/** Clock skew tolerated between the server's Expires and our "now", in seconds. */
const SKEW = 60;

/**
 * A session cookie whose expiry is further away than `policy.maxAge` (Django's default
 * `SESSION_COOKIE_AGE` is two weeks) keeps a stolen session useful for longer.
 *
 * @example
 * expiryTooLong.check(ctx) // sessionid with Max-Age=31536000 under django-default
 */
export const expiryTooLong: Rule = {
  id: 'expiry-too-long',
  title: 'Session cookie lives too long',
  description: "A persistent session cookie expires later than the policy's maximum session age.",
  references: ['Django SESSION_COOKIE_AGE (default 1209600 s)', 'OWASP Session Management Cheat Sheet'],
  check(ctx) {
    if (ctx.kind !== 'session' || ctx.cookie.expires === undefined) return null;
    const lifetime = ctx.cookie.expires - ctx.now / 1000;
    if (lifetime <= ctx.policy.maxAge + SKEW) return null;
    return {
      severity: 'medium',
      message: `${describe(ctx)} lives ${humanDuration(lifetime)}, longer than the policy's maximum of ${humanDuration(ctx.policy.maxAge)}.`,
      fix:
        ctx.configured === 'session'
          ? `SESSION_COOKIE_AGE = ${ctx.policy.maxAge}, or SESSION_EXPIRE_AT_BROWSER_CLOSE = True`
          : `response.set_cookie(…, max_age=${ctx.policy.maxAge}) where the application sets it`,
    };
  },
};
