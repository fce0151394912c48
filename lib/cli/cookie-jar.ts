/**
 * The cookie jar `check` keeps along a redirect chain: it stores only what a browser would store
 * and sends each cookie only where a browser would (RFC 6265bis §5.7 "Storage Model" and §5.8.3
 * "Retrieval Algorithm", plus the rejections Chrome and Firefox add). A cookie that a browser
 * rejects is still reported by `check` — it is only kept out of the requests that follow.
 *
 * ```
 * http://127.0.0.1:8000/  Set-Cookie: sid=1; Domain=localhost   → rejected: Domain does not domain-match
 * http://localhost:8000/  Set-Cookie: __Host-x=1; Path=/       → rejected: __Host- needs Secure
 * ```
 */
import type { PolicyCookie } from '../policy/index.ts';

/** 4096 bytes for name + value (RFC 6265bis §5.7 step 3, and what browsers enforce). */
const MAX_NAME_VALUE_BYTES = 4096;

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;
const isIp = (host: string) => IPV4.test(host) || host.includes(':');

/** `[::1]` → `::1`, lower-cased. */
const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '').toLowerCase();

/**
 * Why a browser would refuse to store `cookie` set by a response from `url`, or `null`.
 *
 * @example
 * browserRejects({ ...parsed, domain: 'localhost', hostOnly: false }, new URL('http://127.0.0.1/')) // 'Domain "localhost" does not domain-match 127.0.0.1'
 */
export function browserRejects(cookie: PolicyCookie, url: URL): string | null {
  const host = hostOf(url);
  if (!cookie.hostOnly) {
    const d = cookie.domain;
    // §5.7 step 9 (§5.1.3 domain-match): an IP address matches only itself, a name itself or a parent.
    if (isIp(host) ? d !== host : d !== host && !host.endsWith(`.${d}`)) return `Domain "${d}" does not domain-match ${host}`;
    // §5.7 step 8 (public suffixes): at least a single-label parent such as "com" or "localhost".
    if (d !== host && !d.includes('.')) return `Domain "${d}" is a top-level domain`;
  }
  // §5.7 ("Leave Secure Cookies Alone"): only secure origins set Secure cookies. (Some browsers count
  // http://localhost as secure; the jar takes the strict reading and never sends Secure over http.)
  if (cookie.secure && url.protocol !== 'https:') return 'a Secure cookie set over plain http';
  if (cookie.name.startsWith('__Secure-') && !cookie.secure) return '__Secure- without Secure';
  if (cookie.name.startsWith('__Host-') && (!cookie.secure || !cookie.hostOnly || cookie.path !== '/' || !cookie.pathSet)) {
    return '__Host- needs Secure, Path=/ and no Domain';
  }
  if (cookie.sameSite === 'none' && !cookie.secure) return 'SameSite=None without Secure';
  if (cookie.partitioned && !cookie.secure) return 'Partitioned without Secure';
  if (new TextEncoder().encode(cookie.name + cookie.value).length > MAX_NAME_VALUE_BYTES) return `name and value over ${MAX_NAME_VALUE_BYTES} bytes`;
  return null;
}

/**
 * Cookies kept between the requests of one `check` run.
 *
 * @example
 * const jar = new CookieJar();
 * jar.store(cookies, url, Date.now());
 * const header = jar.headerFor(nextUrl, Date.now()); // 'sid=…; csrftoken=…' or undefined
 */
export class CookieJar {
  private readonly cookies = new Map<string, PolicyCookie>();

  /** Stores what a browser would store; an expired cookie deletes its namesake. Returns the rejections. */
  store(cookies: readonly PolicyCookie[], url: URL, nowMs: number): { cookie: string; reason: string }[] {
    const rejected: { cookie: string; reason: string }[] = [];
    for (const c of cookies) {
      const reason = browserRejects(c, url);
      if (reason) {
        rejected.push({ cookie: c.name, reason });
        continue;
      }
      const key = `${c.domain};${c.path};${c.name}`;
      if (c.expires !== undefined && c.expires * 1000 <= nowMs) this.cookies.delete(key);
      else this.cookies.set(key, c);
    }
    return rejected;
  }

  /** The `Cookie` header a browser would send to `url` (§5.8.3), or `undefined`. */
  headerFor(url: URL, nowMs: number): string | undefined {
    const host = hostOf(url);
    const pairs: string[] = [];
    for (const c of this.cookies.values()) {
      if (c.expires !== undefined && c.expires * 1000 <= nowMs) continue;
      const domainOk = c.hostOnly ? host === c.domain : host === c.domain || host.endsWith(`.${c.domain}`);
      const pathOk = url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`);
      if (domainOk && pathOk && (!c.secure || url.protocol === 'https:')) pairs.push(c.name ? `${c.name}=${c.value}` : c.value);
    }
    return pairs.length ? pairs.join('; ') : undefined;
  }
}
