/**
 * Cookie values as users copy them: quoted and escaped the way Python's `http.cookies` writes
 * them (Django sets every cookie through `SimpleCookie`), and whole `Cookie:` headers.
 *
 * ```
 * messages="abc\054def\073:1r31eq:sig"     a value holding `,` and `;` (CPython Lib/http/cookies.py
 *                                          `_quote`: `"` → `\"`, `\` → `\\`, other bytes outside
 *                                          `_UnescapedChars` → `\NNN` octal)
 * csrftoken=x; sessionid=y; messages="…"   a Cookie header / document.cookie: `; `-separated pairs
 * ```
 *
 * Unquoting is CPython's `http.cookies._unquote` (3.8–3.13, the same rule in both its loop and
 * its later regex form): only a value that starts and ends with `"` is touched; inside it
 * `\NNN` (first digit 0–3) is `chr(0oNNN)` and `\x` is `x`. Splitting a header is Django's
 * `django.http.cookie.parse_cookie` (3.2–6.1): split on `;`, each chunk at its first `=`, both
 * sides stripped, a chunk without `=` is a value with an empty name.
 */

/** `\NNN` (Python's `_OctalPatt`, `\\[0-3][0-7][0-7]`) or `\x` (`_QuotePatt`, `[\\].`). */
const ESCAPE_RE = /\\(?:([0-3][0-7][0-7])|([\s\S]))/g;

/**
 * Python's `http.cookies._unquote`: strips the quotes of a quoted cookie value and undoes its
 * escapes. Anything not in quotes comes back unchanged.
 * @example unquoteCookieValue('"a\\054b\\"c"') // 'a,b"c'
 */
export function unquoteCookieValue(value: string): string {
  if (value.length < 2 || value[0] !== '"' || value[value.length - 1] !== '"') return value;
  return value.slice(1, -1).replace(ESCAPE_RE, (_m, octal: string | undefined, ch: string | undefined) =>
    octal !== undefined ? String.fromCharCode(parseInt(octal, 8)) : ch!,
  );
}

/** One cookie of a header. */
export interface CookiePair {
  name: string;
  /** Unquoted and unescaped, as Django's `request.COOKIES` holds it. */
  value: string;
}

/** Set-Cookie attribute names (RFC 6265bis §5.6): a `name=value` pair with one of these is not a cookie. */
const ATTRIBUTES = new Set(['expires', 'max-age', 'domain', 'path', 'secure', 'httponly', 'samesite', 'partitioned', 'priority']);

/** `Cookie:` / `Set-Cookie:` in front of a pasted header line. */
const HEADER_PREFIX_RE = /^(set-)?cookie:\s*/i;

/**
 * Splits pasted cookie text into named cookies, as Django's `parse_cookie` does:
 * - a `Cookie:` header or `document.cookie` string: every pair, in order;
 * - a `Set-Cookie:` line (or `name=value; Path=/; …`): only its first pair, the rest are attributes;
 * - `name=value`: one pair.
 * Returns `[]` when the text holds no `name=value` pair (a bare value).
 * @example parseCookieHeader('Cookie: csrftoken=a; sessionid="b\\073c"') // [{name:'csrftoken',value:'a'}, {name:'sessionid',value:'b;c'}]
 */
export function parseCookieHeader(text: string): CookiePair[] {
  const trimmed = text.trim();
  const prefix = HEADER_PREFIX_RE.exec(trimmed);
  const body = trimmed.slice(prefix?.[0].length ?? 0);
  const chunks = body.split(';');
  const pairs: CookiePair[] = [];
  for (const chunk of chunks) {
    const eq = chunk.indexOf('=');
    if (eq < 0) continue; // a flag (Secure, HttpOnly) or an unnamed value
    const name = chunk.slice(0, eq).trim();
    if (!name || /[\s"]/.test(name)) continue;
    pairs.push({ name, value: unquoteCookieValue(chunk.slice(eq + 1).trim()) });
  }
  if (pairs.length === 0) return [];
  // Set-Cookie: the first pair is the cookie, the rest its attributes
  const isSetCookie = prefix?.[1] !== undefined || pairs.slice(1).some((p) => ATTRIBUTES.has(p.name.toLowerCase())) || /;\s*(secure|httponly|partitioned)\s*(;|$)/i.test(body);
  return isSetCookie ? pairs.slice(0, 1) : pairs.filter((p) => !ATTRIBUTES.has(p.name.toLowerCase()));
}

/**
 * Whether a cookie name is a session cookie's: Django's `sessionid`, or (as Mozilla Observatory
 * and `session-lens check` judge) any name containing `sess` or `login`.
 * @example isSessionCookieName('sessionid') // true
 */
export function isSessionCookieName(name: string): boolean {
  const n = name.toLowerCase();
  return n.includes('sess') || n.includes('login');
}
