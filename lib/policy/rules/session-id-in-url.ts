/** `session-id-in-url`: the session id appears in a URL (ZAP 3, "Session ID in URL Rewrite"). */
import { describe, type Rule } from '../rule.ts';

/** Shorter values are too likely to appear by chance. */
const MIN_VALUE_LENGTH = 8;

function leaks(url: URL, name: string, value: string): string | null {
  for (const [k] of url.searchParams) if (k.toLowerCase() === name.toLowerCase()) return `a "${k}" query parameter`;
  if (new RegExp(`;${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=`, 'i').test(url.pathname)) return `a ";${name}=" path parameter`;
  if (value.length >= MIN_VALUE_LENGTH) {
    let href = url.href;
    try {
      href = decodeURIComponent(url.href);
    } catch {
      // keep the encoded form
    }
    if (href.includes(value) || url.href.includes(value)) return 'its value';
  }
  return null;
}

/**
 * A session id in a URL leaks through Referer headers, logs and browser history.
 *
 * @example
 * sessionIdInUrl.check(ctx) // url https://example.com/?sessionid=abc… with cookie sessionid
 */
export const sessionIdInUrl: Rule = {
  id: 'session-id-in-url',
  title: 'Session id in URL',
  description: 'The session cookie\'s name or value appears in the URL, where Referer headers, logs and history leak it.',
  references: ['OWASP ZAP 3'],
  check(ctx) {
    if (ctx.kind !== 'session') return null;
    const { name, value } = ctx.cookie;
    for (const url of ctx.url ? [ctx.url, ...ctx.relatedUrls] : ctx.relatedUrls) {
      const how = leaks(url, name, value);
      if (how) {
        return {
          severity: 'high',
          message: `${describe(ctx)} leaks into the URL ${url.origin}${url.pathname} (${how}): Referer headers, logs and history expose it.`,
          fix: 'Keep the session id in the cookie only; never add it to links or redirects (ZAP 3)',
        };
      }
    }
    return null;
  },
};
