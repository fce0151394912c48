/**
 * The one cookie shape the policy engine reads, and the adapter from `browser.cookies`.
 * (The adapter from a `Set-Cookie` header is {@link parseSetCookie} in `set-cookie.ts`.)
 *
 * A cookie as the browser stores it (`browser.cookies.Cookie`):
 * ```
 * { name: 'sessionid', value: 'k3…', domain: '.example.com', hostOnly: false, path: '/',
 *   secure: true, httpOnly: true, sameSite: 'lax', session: false, expirationDate: 1767225600,
 *   storeId: '0' }
 * ```
 * becomes
 * ```
 * { name: 'sessionid', value: 'k3…', domain: 'example.com', hostOnly: false, path: '/',
 *   secure: true, httpOnly: true, sameSite: 'lax', expires: 1767225600, partitioned: false,
 *   source: 'browser', size: 41 }
 * ```
 */

/**
 * SameSite as the engine sees it. `unspecified`: no attribute (browsers then apply Lax by default);
 * `invalid`: an attribute whose value is not Strict/Lax/None (kept in `sameSiteRaw`).
 */
export type CookieSameSite = 'strict' | 'lax' | 'none' | 'unspecified' | 'invalid';

/** A cookie, normalised from a browser cookie or a `Set-Cookie` header. */
export interface PolicyCookie {
  name: string;
  value: string;
  /** Lower-case host or Domain attribute, without a leading dot. */
  domain: string;
  /** True when no Domain attribute was given: only the exact host receives the cookie. */
  hostOnly: boolean;
  /** Effective path (a missing or relative Path attribute becomes the default path). */
  path: string;
  /** True when the header had a Path attribute that was used. Browser cookies: always true. */
  pathSet: boolean;
  secure: boolean;
  httpOnly: boolean;
  sameSite: CookieSameSite;
  /** The SameSite value as written, when it is not one of the three known ones. */
  sameSiteRaw?: string;
  /** Expiry in seconds since the epoch; absent for a cookie that ends with the browser session. */
  expires?: number;
  /** CHIPS: the `Partitioned` attribute (browser: a `partitionKey`). */
  partitioned: boolean;
  /** The partition's top-level site, when known (browser cookies with a `partitionKey`). */
  partitionSite?: string;
  /** Where it came from. */
  source: 'set-cookie' | 'browser';
  /** Bytes of name + value in UTF-8 (browsers cap this at 4096). */
  size: number;
  /** The header as received, for `Set-Cookie` cookies. */
  raw?: string;
}

/**
 * A cookie as `browser.cookies.getAll()` returns it (Chrome and Firefox); only the fields the
 * engine reads. Declared here so lib/policy needs no browser types.
 */
export interface BrowserCookieLike {
  name: string;
  value: string;
  domain: string;
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  /** Chrome: 'no_restriction' | 'lax' | 'strict' | 'unspecified'; Firefox the same. */
  sameSite?: string;
  /** Seconds since the epoch; absent for session cookies. */
  expirationDate?: number;
  session: boolean;
  /** Present (an object, `{ topLevelSite }`) for partitioned (CHIPS) cookies. */
  partitionKey?: unknown;
  storeId?: string;
}

/** UTF-8 byte length without TextEncoder allocation per call being needed by callers. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * Normalises a cookie from `browser.cookies` into a {@link PolicyCookie}.
 *
 * @example
 * const cookies = (await browser.cookies.getAll({ url })).map(fromBrowserCookie);
 * const findings = evaluateCookies(cookies, { url, policy });
 */
export function fromBrowserCookie(c: BrowserCookieLike): PolicyCookie {
  const sameSite: CookieSameSite =
    c.sameSite === 'no_restriction' || c.sameSite === 'none'
      ? 'none'
      : c.sameSite === 'lax'
        ? 'lax'
        : c.sameSite === 'strict'
          ? 'strict'
          : 'unspecified';
  const cookie: PolicyCookie = {
    name: c.name,
    value: c.value,
    domain: c.domain.replace(/^\./, '').toLowerCase(),
    hostOnly: c.hostOnly,
    path: c.path || '/',
    pathSet: true,
    secure: c.secure,
    httpOnly: c.httpOnly,
    sameSite,
    partitioned: c.partitionKey !== undefined && c.partitionKey !== null,
    source: 'browser',
    size: utf8Length(c.name) + utf8Length(c.value),
  };
  const site = (c.partitionKey as { topLevelSite?: unknown } | null | undefined)?.topLevelSite;
  if (cookie.partitioned && typeof site === 'string') cookie.partitionSite = site;
  if (!c.session && typeof c.expirationDate === 'number' && Number.isFinite(c.expirationDate)) {
    cookie.expires = c.expirationDate;
  }
  return cookie;
}
