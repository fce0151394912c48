/** `partitioned-without-secure`: a CHIPS `Partitioned` cookie without Secure, which browsers reject. */
import { byKind, describe, type Rule } from '../rule.ts';

/**
 * Partitioned cookies (CHIPS) must be Secure; browsers reject them otherwise.
 *
 * @example
 * partitionedWithoutSecure.check(ctx) // sessionid=…; Partitioned; SameSite=None
 */
export const partitionedWithoutSecure: Rule = {
  id: 'partitioned-without-secure',
  title: 'Partitioned without Secure',
  description: 'A cookie with the Partitioned attribute (CHIPS) must also be Secure, or browsers reject it.',
  references: ['draft-cutler-httpbis-partitioned-cookies §2.1', 'RFC 6265bis'],
  check(ctx) {
    if (!ctx.cookie.partitioned || ctx.cookie.secure) return null;
    return {
      severity: byKind(ctx.kind, { session: 'high', csrf: 'high', other: 'medium' }),
      message: `${describe(ctx)} is Partitioned but not Secure: browsers reject it.`,
      fix:
        ctx.configured === 'session'
          ? 'SESSION_COOKIE_SECURE = True (Partitioned cookies must be Secure)'
          : ctx.configured === 'csrf'
            ? 'CSRF_COOKIE_SECURE = True (Partitioned cookies must be Secure)'
            : 'response.set_cookie(…, secure=True) wherever the Partitioned cookie is set',
    };
  },
};
