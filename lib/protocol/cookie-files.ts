/**
 * A site's cookies as files other tools read and write: Cookie-Editor's JSON and the Netscape
 * `cookies.txt` of curl, wget and Python's `MozillaCookieJar`. Pure: text in, cookies out.
 *
 * Cookie-Editor's JSON (its "Export → JSON"), one object per cookie:
 *
 * ```
 * [{ "domain": "localhost", "expirationDate": 1767225600, "hostOnly": true, "httpOnly": true,
 *    "name": "sessionid", "path": "/", "sameSite": "lax", "secure": false, "session": false,
 *    "storeId": "0", "value": "k3…" }]
 * ```
 *
 * Netscape cookies.txt (curl's lib/cookie.c, Python's http/cookiejar.py `MozillaCookieJar`), one
 * cookie a line, seven TAB-separated fields; `#HttpOnly_` before the domain marks an HttpOnly
 * cookie (curl 7.x); an expiry of 0 is a browser-session cookie:
 *
 * ```
 * # Netscape HTTP Cookie File
 * #HttpOnly_localhost	FALSE	/	FALSE	1767225600	sessionid	k3…
 * .example.com	TRUE	/	TRUE	0	theme	dark
 * └ domain ┘	└ subdomains ┘	└ path ┘	└ secure ┘	└ expiry ┘	└ name ┘	└ value ┘
 * ```
 */
import { LimitExceededError, MalformedInputError } from '../codec/index.ts';
import { formatZodError } from './wire.ts';
import { z } from './zod.ts';

/** The cookies API's SameSite values, as Cookie-Editor writes them. */
export const PORTABLE_SAME_SITE = ['no_restriction', 'lax', 'strict', 'unspecified'] as const;
export type PortableSameSite = (typeof PORTABLE_SAME_SITE)[number];

/** A cookie as both file formats carry it (Cookie-Editor's fields). */
export interface PortableCookie {
  domain: string;
  /** Seconds since the epoch; absent for a browser-session cookie. */
  expirationDate?: number;
  hostOnly: boolean;
  httpOnly: boolean;
  name: string;
  path: string;
  sameSite: PortableSameSite;
  secure: boolean;
  session: boolean;
  storeId?: string;
  value: string;
}

/** The file formats. */
export type CookieFileFormat = 'json' | 'netscape';

/** Most text an import reads (characters), and most cookies. */
export const COOKIE_FILE_LIMITS = Object.freeze({ maxLength: 1_000_000, maxCookies: 1000 });
/** RFC 6265 §6.1: a user agent keeps at least 4096 bytes of name plus value; Chrome keeps no more. */
const MAX_NAME_VALUE = 4096;

const SameSiteInputSchema = z.optional(z.nullable(z.string().check(z.maxLength(32))));

/** One Cookie-Editor cookie as read (lenient where Cookie-Editor's own versions differ). */
export const CookieEditorCookieSchema = z.object({
  domain: z.string().check(z.minLength(1), z.maxLength(255)),
  expirationDate: z.optional(z.nullable(z.number().check(z.nonnegative()))),
  hostOnly: z.optional(z.boolean()),
  httpOnly: z.optional(z.boolean()),
  name: z.string().check(z.maxLength(MAX_NAME_VALUE)),
  path: z.optional(z.string().check(z.maxLength(1024))),
  sameSite: SameSiteInputSchema,
  secure: z.optional(z.boolean()),
  session: z.optional(z.boolean()),
  storeId: z.optional(z.nullable(z.string().check(z.maxLength(256)))),
  value: z.string().check(z.maxLength(MAX_NAME_VALUE)),
});

/** `no_restriction` for `none` (Firefox and Cookie-Editor say both), `unspecified` for anything unknown. */
function portableSameSite(s: string | null | undefined): PortableSameSite {
  const v = (s ?? '').toLowerCase();
  if (v === 'none' || v === 'no_restriction') return 'no_restriction';
  return v === 'lax' || v === 'strict' ? v : 'unspecified';
}

/** A control character other than HTAB, or `;`. */
function forbidden(ch: string): boolean {
  const code = ch.charCodeAt(0);
  return (code < 0x20 && code !== 0x09) || code === 0x7f || ch === ';';
}

function checkCookie(c: PortableCookie, where: string): PortableCookie {
  if (c.name.length + c.value.length > MAX_NAME_VALUE) throw new LimitExceededError(`${where}: name and value are longer than ${MAX_NAME_VALUE} characters`);
  // RFC 6265bis §5.6: no control character but HTAB in a name or value; no `;` in either, no `=` in a name.
  if ([...c.name, ...c.value].some(forbidden) || c.name.includes('=')) throw new MalformedInputError(`${where}: the name or value of "${c.name.slice(0, 64)}" has characters a cookie cannot hold`);
  if (!c.path.startsWith('/')) throw new MalformedInputError(`${where}: path "${c.path.slice(0, 64)}" does not start with "/"`);
  return c;
}

/**
 * Reads Cookie-Editor's JSON export.
 *
 * @example
 * parseCookieEditorJson('[{"domain":"localhost","name":"a","value":"1"}]')[0].path // '/'
 */
export function parseCookieEditorJson(text: string): PortableCookie[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new MalformedInputError(`Not JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(raw)) throw new MalformedInputError('Expected a JSON array of cookies (Cookie-Editor’s export)');
  if (raw.length > COOKIE_FILE_LIMITS.maxCookies) throw new LimitExceededError(`More than ${COOKIE_FILE_LIMITS.maxCookies} cookies`);
  return raw.map((item, i) => {
    const r = CookieEditorCookieSchema.safeParse(item);
    if (!r.success) throw new MalformedInputError(`Cookie ${i + 1}: ${formatZodError(r.error)}`);
    const d = r.data;
    const session = d.session ?? (d.expirationDate === undefined || d.expirationDate === null);
    const c: PortableCookie = {
      domain: d.domain,
      hostOnly: d.hostOnly ?? !d.domain.startsWith('.'),
      httpOnly: d.httpOnly ?? false,
      name: d.name,
      path: d.path || '/',
      sameSite: portableSameSite(d.sameSite),
      secure: d.secure ?? false,
      session,
      value: d.value,
    };
    if (!session && typeof d.expirationDate === 'number') c.expirationDate = d.expirationDate;
    if (typeof d.storeId === 'string') c.storeId = d.storeId;
    return checkCookie(c, `Cookie ${i + 1}`);
  });
}

/**
 * Writes Cookie-Editor's JSON export (its field order; `expirationDate` only on persistent cookies).
 *
 * @example
 * toCookieEditorJson([cookie]) // '[\n  {\n    "domain": "localhost", …'
 */
export function toCookieEditorJson(cookies: readonly PortableCookie[]): string {
  const out = cookies.map((c) => ({
    domain: c.domain,
    ...(c.session || c.expirationDate === undefined ? {} : { expirationDate: c.expirationDate }),
    hostOnly: c.hostOnly,
    httpOnly: c.httpOnly,
    name: c.name,
    path: c.path,
    sameSite: c.sameSite,
    secure: c.secure,
    session: c.session,
    storeId: c.storeId ?? null,
    value: c.value,
  }));
  return JSON.stringify(out, null, 2);
}

const HTTP_ONLY_PREFIX = '#HttpOnly_';
const BOOL = { TRUE: true, FALSE: false } as const;

function netscapeBool(field: string, what: string, line: number): boolean {
  const v = BOOL[field.toUpperCase() as keyof typeof BOOL];
  if (v === undefined) throw new MalformedInputError(`Line ${line}: ${what} is "${field.slice(0, 16)}", not TRUE or FALSE`);
  return v;
}

/**
 * Reads a Netscape `cookies.txt`: `#` comments and blank lines skipped, `#HttpOnly_` honoured, CRLF
 * accepted, an empty value allowed (six fields, as curl writes it).
 *
 * @example
 * parseNetscape('#HttpOnly_localhost\tFALSE\t/\tFALSE\t0\tsessionid\tabc')[0] // { httpOnly: true, session: true, … }
 */
export function parseNetscape(text: string): PortableCookie[] {
  const out: PortableCookie[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const httpOnly = line.startsWith(HTTP_ONLY_PREFIX);
    if (httpOnly) line = line.slice(HTTP_ONLY_PREFIX.length);
    else if (line.startsWith('#') || line.trim() === '') continue;
    const f = line.split('\t');
    if (f.length < 6) throw new MalformedInputError(`Line ${i + 1}: expected 7 TAB-separated fields, found ${f.length}`);
    const [domain, sub, path, secure, expiry, name] = f as [string, string, string, string, string, string];
    const value = f.slice(6).join('\t');
    if (domain === '' || domain.length > 255) throw new MalformedInputError(`Line ${i + 1}: no domain`);
    if (!/^\d{1,12}(\.\d+)?$/.test(expiry)) throw new MalformedInputError(`Line ${i + 1}: expiry "${expiry.slice(0, 16)}" is not a number of seconds`);
    const expires = Math.floor(Number(expiry));
    const includeSubdomains = netscapeBool(sub, 'the subdomains flag', i + 1);
    const c: PortableCookie = {
      // curl writes a domain cookie with its leading dot; `TRUE` says the same.
      domain: includeSubdomains && !domain.startsWith('.') ? `.${domain}` : domain,
      hostOnly: !includeSubdomains,
      httpOnly,
      name,
      path: path || '/',
      sameSite: 'unspecified',
      secure: netscapeBool(secure, 'the secure flag', i + 1),
      session: expires === 0,
      value,
    };
    if (expires !== 0) c.expirationDate = expires;
    out.push(checkCookie(c, `Line ${i + 1}`));
    if (out.length > COOKIE_FILE_LIMITS.maxCookies) throw new LimitExceededError(`More than ${COOKIE_FILE_LIMITS.maxCookies} cookies`);
  }
  return out;
}

/**
 * Writes a Netscape `cookies.txt` (curl's header; `#HttpOnly_` for HttpOnly cookies; expiry 0 for
 * browser-session cookies, whole seconds otherwise).
 *
 * @example
 * toNetscape([cookie]) // '# Netscape HTTP Cookie File\n#HttpOnly_localhost\tFALSE\t/\tFALSE\t0\tsessionid\tk3…\n'
 */
export function toNetscape(cookies: readonly PortableCookie[]): string {
  const lines = ['# Netscape HTTP Cookie File', '# Exported by Session Lens. Edit at your own risk.', ''];
  for (const c of cookies) {
    const expiry = c.session || c.expirationDate === undefined ? 0 : Math.floor(c.expirationDate);
    const domain = `${c.httpOnly ? HTTP_ONLY_PREFIX : ''}${c.domain}`;
    lines.push([domain, c.hostOnly ? 'FALSE' : 'TRUE', c.path, c.secure ? 'TRUE' : 'FALSE', String(expiry), c.name, c.value].join('\t'));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Reads either format, told apart by the first character (`[`: JSON).
 *
 * @example
 * parseCookieFile(text) // { format: 'netscape', cookies: […] }
 */
export function parseCookieFile(text: string): { format: CookieFileFormat; cookies: PortableCookie[] } {
  if (text.length > COOKIE_FILE_LIMITS.maxLength) throw new LimitExceededError(`The file is longer than ${COOKIE_FILE_LIMITS.maxLength} characters`);
  const body = text.replace(/^\uFEFF/, '');
  return body.trimStart().startsWith('[') ? { format: 'json', cookies: parseCookieEditorJson(body) } : { format: 'netscape', cookies: parseNetscape(body) };
}

/**
 * Writes cookies in a format.
 *
 * @example
 * serializeCookieFile(cookies, 'netscape')
 */
export function serializeCookieFile(cookies: readonly PortableCookie[], format: CookieFileFormat): string {
  return format === 'json' ? toCookieEditorJson(cookies) : toNetscape(cookies);
}
