/**
 * Sites, origins and which cookies belong to them. A "site" here is a page's origin
 * (`http://localhost:8000`): the panel, timeline and badge are all keyed by it.
 */
import type { BrowserCookieLike } from '../policy/index.ts';

/** The cookies API's cookie, as far as the background reads it (Chrome and Firefox). */
export interface CookieLike extends BrowserCookieLike {
  storeId: string;
  /** CHIPS partition (Chrome 119+, Firefox): `{ topLevelSite }`. */
  partitionKey?: { topLevelSite?: string } | null;
}

/**
 * The site key of a URL: its origin for http(s), `null` for anything else (chrome://, about:).
 *
 * @example
 * siteOf('http://localhost:8000/login?user=alice') // 'http://localhost:8000'
 */
export function siteOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : null;
  } catch {
    return null;
  }
}

/**
 * The host name of a URL, `''` when there is none.
 *
 * @example
 * hostOf('http://localhost:8000/x') // 'localhost'
 */
export function hostOf(url: string | undefined | null): string {
  if (!url) return '';
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

/**
 * The match pattern that grants host access to a URL's host (match patterns carry no port).
 *
 * @example
 * originPatternOf('https://app.example.com:8443/x') // 'https://app.example.com/*'
 */
export function originPatternOf(url: string | undefined | null): string | null {
  const site = siteOf(url);
  if (!site) return null;
  const u = new URL(site);
  return `${u.protocol}//${u.hostname}/*`;
}

/**
 * True when a cookie is sent to (or visible on) a host: RFC 6265 §5.1.3 domain-match,
 * host-only cookies only on their exact host. Paths are not considered: the panel shows a site's
 * cookies for every path.
 *
 * @example
 * cookieMatchesHost({ domain: '.example.com', hostOnly: false }, 'app.example.com') // true
 */
export function cookieMatchesHost(cookie: Pick<CookieLike, 'domain' | 'hostOnly'>, host: string): boolean {
  const domain = cookie.domain.replace(/^\./, '').toLowerCase();
  const h = host.toLowerCase();
  if (cookie.hostOnly) return h === domain;
  return h === domain || h.endsWith(`.${domain}`);
}

/**
 * A stable identity for a stored cookie: store, partition, domain, path, name.
 *
 * @example
 * cookieId(c) // '0||localhost|/|sessionid'
 */
export function cookieId(c: Pick<CookieLike, 'storeId' | 'partitionKey' | 'domain' | 'path' | 'name'>): string {
  return [c.storeId, c.partitionKey?.topLevelSite ?? '', c.domain, c.path, c.name].join('|');
}

/**
 * The cookie domains whose cookies a host sees, most specific first: the timeline is kept per
 * cookie domain, and a site's timeline merges them.
 *
 * @example
 * timelineKeys('app.example.com') // ['app.example.com', 'example.com', 'com']
 * timelineKeys('127.0.0.1')       // ['127.0.0.1']
 */
export function timelineKeys(host: string): string[] {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (/^[\d.]+$/.test(h) || h.includes(':')) return [h];
  const labels = h.split('.');
  return labels.map((_, i) => labels.slice(i).join('.')).filter((k) => k !== '');
}
