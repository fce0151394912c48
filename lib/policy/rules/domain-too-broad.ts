/** `domain-too-broad`: Domain is a parent of the host, so sibling subdomains get the cookie (ZAP 90033). */
import { byKind, describe, djangoSetting, type Rule } from '../rule.ts';

/**
 * `Domain=example.com` set by `app.example.com` sends the cookie to every subdomain of
 * example.com, including ones run by someone else.
 *
 * @example
 * domainTooBroad.check(ctx) // sessionid; Domain=example.com from https://app.example.com/
 */
export const domainTooBroad: Rule = {
  id: 'domain-too-broad',
  title: 'Cookie domain too broad',
  description: 'The Domain attribute is a parent of the host that set the cookie, so every subdomain receives it.',
  references: ['OWASP ZAP 90033', 'RFC 6265bis §5.6.3'],
  check(ctx) {
    const { cookie, host } = ctx;
    if (cookie.hostOnly || host === '' || cookie.domain === host) return null;
    if (!host.endsWith(`.${cookie.domain}`)) return null;
    const setting = djangoSetting(ctx.configured, 'DOMAIN');
    return {
      severity: byKind(ctx.kind, { session: 'medium', csrf: 'low', other: 'info' }),
      message: `${describe(ctx)} has Domain=${cookie.domain}: every subdomain of ${cookie.domain} receives it, not only ${host}.`,
      fix: setting ? `${setting} = None (ZAP 90033)` : 'response.set_cookie(…, domain=None) (ZAP 90033)',
    };
  },
};
