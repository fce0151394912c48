/**
 * Strict-but-lenient `Set-Cookie` parsing, following the user-agent algorithm of RFC 6265bis
 * (draft-ietf-httpbis-rfc6265bis, §5.6 "The Set-Cookie Header Field", §5.1.1 dates, §5.1.4 paths),
 * the way browsers read a header rather than the way a server should write one.
 *
 * ```
 * Set-Cookie: sessionid=abc123; expires=Tue, 02 Jun 2026 10:00:00 GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax
 * ```
 * gives `{ name: 'sessionid', value: 'abc123', httpOnly: true, secure: false, sameSite: 'lax',
 * path: '/', expires: <now + 1209600 s>, hostOnly: true, … }` (Max-Age wins over Expires).
 *
 * Differences from a browser, on purpose: a cookie over 4096 bytes is kept (and flagged by the
 * `too-large` rule) instead of being dropped, and an unknown SameSite value is kept as `invalid`.
 */
import { utf8Length, type CookieSameSite, type PolicyCookie } from './cookie.ts';

/** Result of {@link parseSetCookie}: a cookie, or why a browser would ignore the header. */
export type SetCookieParseResult =
  | { ok: true; cookie: PolicyCookie; warnings: string[] }
  | { ok: false; reason: string };

/** Options of {@link parseSetCookie}. */
export interface SetCookieParseOptions {
  /** The URL the header came from: gives the default domain (host) and default path. */
  url?: string | URL;
  /** "Now" in milliseconds since the epoch, for Max-Age. Default `Date.now()`. */
  now?: number;
}

/** RFC 6265bis §5.6 step 1: a CTL other than HTAB makes the whole header ignored. */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_CTL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** RFC 6265bis §5.6: attribute values longer than 1024 octets are ignored. */
const MAX_ATTRIBUTE_VALUE = 1024;
/** Longest header we read at all (a header this long is hostile, not a cookie). */
const MAX_HEADER = 64 * 1024;
/** RFC 6265 §5.2: WSP is SP / HTAB. */
const trimWsp = (s: string): string => s.replace(/^[ \t]+|[ \t]+$/g, '');

/**
 * RFC 6265 §5.1.1 cookie-date parsing. Returns milliseconds since the epoch, or `null` when a
 * browser would ignore the date.
 *
 * @example
 * parseCookieDate('Thu, 01 Jan 1970 00:00:00 GMT') // 0
 */
export function parseCookieDate(input: string): number | null {
  // delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
  // eslint-disable-next-line no-control-regex
  const tokens = input.split(/[\x09\x20-\x2f\x3b-\x40\x5b-\x60\x7b-\x7e]+/).filter(Boolean);
  let time: [number, number, number] | null = null;
  let day: number | null = null;
  let month: number | null = null;
  let year: number | null = null;
  const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
  for (const token of tokens) {
    if (time === null) {
      // hms-time = time-field ":" time-field ":" time-field; time = hms-time [ non-digit *OCTET ]
      const m = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\D.*)?$/.exec(token);
      if (m) {
        time = [Number(m[1]), Number(m[2]), Number(m[3])];
        continue;
      }
    }
    if (day === null) {
      const m = /^(\d{1,2})(?:\D.*)?$/.exec(token);
      if (m) {
        day = Number(m[1]);
        continue;
      }
    }
    if (month === null) {
      const i = MONTHS.indexOf(token.slice(0, 3).toLowerCase());
      if (i >= 0 && token.length >= 3) {
        month = i;
        continue;
      }
    }
    if (year === null) {
      const m = /^(\d{2,4})(?:\D.*)?$/.exec(token);
      if (m) {
        year = Number(m[1]);
        continue;
      }
    }
  }
  if (time === null || day === null || month === null || year === null) return null;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const [h, mi, s] = time;
  if (day < 1 || day > 31 || year < 1601 || h > 23 || mi > 59 || s > 59) return null;
  const ms = Date.UTC(year, month, day, h, mi, s);
  // A date that does not exist (30 February) rolls over in Date.UTC: reject it.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/**
 * RFC 6265 §5.1.4 default-path of a request URL's path.
 *
 * @example
 * defaultPath('/accounts/login/') // '/accounts/login'
 */
export function defaultPath(uriPath: string): string {
  if (!uriPath.startsWith('/')) return '/';
  const i = uriPath.lastIndexOf('/');
  return i <= 0 ? '/' : uriPath.slice(0, i);
}

/** A URL from a string or URL; `null` when absent or unparseable (never throws). */
export function safeUrl(u: string | URL | undefined): URL | null {
  if (u === undefined) return null;
  if (u instanceof URL) return u;
  try {
    return new URL(u);
  } catch {
    return null;
  }
}

/**
 * Parses one `Set-Cookie` header value (without the `Set-Cookie:` name) into a
 * {@link PolicyCookie}. Never throws.
 *
 * @example
 * const r = parseSetCookie('sessionid=abc; Path=/; HttpOnly', { url: 'https://example.com/login' });
 * if (r.ok) r.cookie.httpOnly // true
 */
export function parseSetCookie(header: string, options: SetCookieParseOptions = {}): SetCookieParseResult {
  if (typeof header !== 'string') return { ok: false, reason: 'not a string' };
  if (header.length > MAX_HEADER) return { ok: false, reason: `header longer than ${MAX_HEADER} characters` };
  if (FORBIDDEN_CTL.test(header)) return { ok: false, reason: 'contains a control character (RFC 6265bis §5.6)' };
  const url = safeUrl(options.url);
  const now = options.now ?? Date.now();
  const warnings: string[] = [];

  const semi = header.indexOf(';');
  const nameValue = semi === -1 ? header : header.slice(0, semi);
  const attributes = semi === -1 ? '' : header.slice(semi + 1);
  const eq = nameValue.indexOf('=');
  const name = eq === -1 ? '' : trimWsp(nameValue.slice(0, eq));
  const value = eq === -1 ? trimWsp(nameValue) : trimWsp(nameValue.slice(eq + 1));
  if (name === '' && value === '') return { ok: false, reason: 'empty name and value' };
  const size = utf8Length(name) + utf8Length(value);
  if (size > 4096) warnings.push(`name + value is ${size} bytes: browsers ignore cookies over 4096 bytes`);

  let expiresAttr: number | null = null;
  let maxAgeAttr: number | null = null;
  let domainAttr: string | null = null;
  let pathAttr: string | null = null;
  let secure = false;
  let httpOnly = false;
  let partitioned = false;
  let sameSite: CookieSameSite = 'unspecified';
  let sameSiteRaw: string | undefined;

  for (const av of attributes === '' ? [] : attributes.split(';')) {
    const i = av.indexOf('=');
    const attrName = trimWsp(i === -1 ? av : av.slice(0, i)).toLowerCase();
    const attrValue = i === -1 ? '' : trimWsp(av.slice(i + 1));
    if (attrName === '') continue;
    if (utf8Length(attrValue) > MAX_ATTRIBUTE_VALUE) {
      warnings.push(`${attrName} value over ${MAX_ATTRIBUTE_VALUE} bytes ignored`);
      continue;
    }
    switch (attrName) {
      case 'expires': {
        const t = parseCookieDate(attrValue);
        if (t === null) warnings.push(`Expires "${attrValue.slice(0, 64)}" is not a cookie date: ignored`);
        else expiresAttr = t;
        break;
      }
      case 'max-age': {
        // RFC 6265bis §5.6.2: first char DIGIT or "-", the rest DIGITs; else ignore.
        if (!/^-?\d+$/.test(attrValue)) {
          warnings.push(`Max-Age "${attrValue.slice(0, 64)}" is not an integer: ignored`);
          break;
        }
        const delta = Number(attrValue);
        // Clamped only so that absurd values stay finite dates.
        maxAgeAttr = delta <= 0 ? 0 : now + Math.min(delta, 1e11) * 1000;
        break;
      }
      case 'domain':
        // §5.6.3: an empty Domain is ignored; a leading dot is dropped.
        if (attrValue !== '') domainAttr = attrValue.replace(/^\./, '').toLowerCase();
        break;
      case 'path':
        pathAttr = attrValue !== '' && attrValue.startsWith('/') ? attrValue : null;
        break;
      case 'secure':
        secure = true;
        break;
      case 'httponly':
        httpOnly = true;
        break;
      case 'partitioned':
        partitioned = true;
        break;
      case 'samesite': {
        const v = attrValue.toLowerCase();
        if (v === 'strict' || v === 'lax' || v === 'none') {
          sameSite = v;
          sameSiteRaw = undefined;
        } else {
          sameSite = 'invalid';
          sameSiteRaw = attrValue;
        }
        break;
      }
      default:
        break;
    }
  }

  const host = url?.hostname.replace(/^\[|\]$/g, '').toLowerCase() ?? '';
  if (domainAttr !== null && host !== '' && host !== domainAttr && !host.endsWith(`.${domainAttr}`)) {
    warnings.push(`Domain "${domainAttr}" does not domain-match host "${host}": browsers reject the cookie`);
  }
  const cookie: PolicyCookie = {
    name,
    value,
    domain: domainAttr ?? host,
    hostOnly: domainAttr === null,
    path: pathAttr ?? defaultPath(url?.pathname ?? '/'),
    pathSet: pathAttr !== null,
    secure,
    httpOnly,
    sameSite,
    partitioned,
    source: 'set-cookie',
    size,
    raw: header,
  };
  if (sameSiteRaw !== undefined) cookie.sameSiteRaw = sameSiteRaw;
  // §5.6.2: Max-Age has precedence over Expires.
  const expiresMs = maxAgeAttr ?? expiresAttr;
  if (expiresMs !== null) cookie.expires = expiresMs / 1000;
  return { ok: true, cookie, warnings };
}
