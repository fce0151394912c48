/**
 * `decode`: recognises any session string and reads it. Detection, first match wins:
 *
 * | looks like                                   | format               |
 * | -------------------------------------------- | -------------------- |
 * | `s:ID.SIG` (or `s%3A…`), `s:j:{json}.SIG`    | express-session      |
 * | `VALUE.SIG` that a given key verifies        | express-session      |
 * | `eyJ….….…` whose header has `alg`            | jwt                  |
 * | `SHA1HEX$JSON`                               | django-messages-legacy |
 * | `PAYLOAD[:TS]:SIG` (colons)                  | django-signed        |
 * | `[.]PAYLOAD.TS.SIG` with a short TS          | flask                |
 * | 32 × `[a-z0-9]`                              | django-session-key   |
 * | base64 of `40 hex digits:…`                  | django-legacy        |
 * | base64 of a JSON object                      | cookie-session       |
 *
 * Other frameworks' shapes (Rails, Rack, Laravel, Starlette, Tornado, Phoenix, gorilla, iron-session,
 * NextAuth, Yii2) are tested right after express-session: see lib/codec/frameworks/detect.ts.
 */
import { getDefaultBackend, type CodecBackend } from './backend.ts';
import { decodeCookieSession, COOKIE_SESSION_RE } from './cookie-session.ts';
import { parseCookieHeader, isSessionCookieName, unquoteCookieValue } from './cookie-text.ts';
import { UnknownFormatError, LimitExceededError, isSessionLensError, type SessionLensError } from './errors.ts';
import { decodeExpressSession, decodeUnprefixedCookieSignature, EXPRESS_RE } from './express-session.ts';
import { decodeFlask, FLASK_RE } from './flask.ts';
import { detectFramework } from './frameworks/index.ts';
import { decodeJwt, JWT_RE } from './jwt.ts';
import { resolveLimits } from './limits.ts';
import { decodeLegacyMessages, LEGACY_MESSAGES_RE } from './messages.ts';
import { decodeLegacySessionData } from './session-data.ts';
import { decodeSigned } from './signing.ts';
import type { DecodeOptions, DecodeResult, SessionFormat } from './types.ts';

/** Django's session keys: 32 characters of `[a-z0-9]` (`get_random_string(32, VALID_KEY_CHARS)`). */
export const DJANGO_SESSION_KEY_RE = /^[a-z0-9]{32}$/;
/** `VALUE[:TS]:SIG`; VALUE is base64 for signing.dumps, any text for Signer.sign / set_signed_cookie. */
const DJANGO_SIGNED_RE = /^[^\s:][^\n]*:[A-Za-z0-9_-]{27,86}$/;
const STD_B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Trims whitespace, undoes cookie quoting exactly as Python's `http.cookies` does (`"a\054b"` is
 * `a,b`), and URL encoding (`s%3A…`).
 */
export function normalizeValue(value: string): string {
  let v = unquoteCookieValue(value.trim());
  if (/%[0-9A-Fa-f]{2}/.test(v)) {
    try {
      v = decodeURIComponent(v);
    } catch {
      // not URL-encoded after all
    }
  }
  return v;
}

/**
 * Recognises and decodes any supported session string. Lenient: a value that does not verify
 * still returns its data with `verified: false` and the reason in `error`.
 * Throws a typed {@link SessionLensError} only when the value cannot be read at all.
 *
 * @example
 * const r = await decode(cookie, { keys: [SECRET_KEY] });
 * r.format   // 'django-signed'
 * r.verified // true, r.keyIndex 0, r.salt 'django.contrib.sessions.backends.signed_cookies'
 */
export async function decode(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const all = await decodeCookies(value, options, backend);
  const found = all.find((c) => c.result);
  if (found?.result) return found.result;
  throw all[0]?.error ?? new UnknownFormatError('Nothing to decode');
}

/** One cookie of pasted text and what it decoded to (or why not). */
export interface NamedDecodeResult {
  /** The cookie's name, when the text named it (`name=value`, a `Cookie:` header …). */
  name?: string;
  result?: DecodeResult;
  error?: SessionLensError;
}

/**
 * Decodes every cookie in pasted text — a bare value, `name=value`, a `Set-Cookie:` line, or a
 * whole `Cookie:` header / `document.cookie` string — each with its name (so name-dependent salts
 * such as `set_signed_cookie`'s verify). Session cookies come first, then the rest in order.
 * Values are unquoted and unescaped as Python's `http.cookies` does.
 *
 * @example
 * const [first] = await decodeCookies('csrftoken=abc; sessionid=.eJy…:1r31eq:…', { keys: [SECRET_KEY] });
 * first.name // 'sessionid'
 */
export async function decodeCookies(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<NamedDecodeResult[]> {
  const limits = resolveLimits(options.limits);
  if (value.length > limits.maxInputLength) {
    throw new LimitExceededError(`Input is ${value.length} characters, over the limit of ${limits.maxInputLength}`);
  }
  let bare: NamedDecodeResult;
  try {
    bare = { result: await decodeNormalized(normalizeValue(value), options, backend) };
  } catch (e) {
    if (!(e instanceof UnknownFormatError)) throw e;
    bare = { error: e };
  }
  // Nothing readable, or only a "signed plain string": perhaps a pasted `name=value` pair or a
  // Set-Cookie/Cookie header line. Then read each value, with its name (set_signed_cookie salts).
  const r = bare.result;
  if (r && !(r.format === 'django-signed' && r.serializer === 'text')) return [bare];
  const pairs = parseCookieHeader(value);
  if (pairs.length === 0) return [bare];
  const named: NamedDecodeResult[] = [];
  for (const p of pairs) {
    try {
      named.push({ name: p.name, result: await decodeNormalized(normalizeValue(p.value), { ...options, cookieName: options.cookieName ?? p.name }, backend) });
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
      named.push({ name: p.name, error: e });
    }
  }
  if (!named.some((n) => n.result) && r) return [bare];
  const rank = (n: NamedDecodeResult) => (n.result ? 0 : 2) + (isSessionCookieName(n.name ?? '') ? 0 : 1);
  return named.map((n, i) => [n, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([n]) => n);
}

/** The options for reading `format`: the keyring's keys (and salts) for it, when there is one. */
function keysFor(options: DecodeOptions, format: SessionFormat): DecodeOptions {
  if (!options.keyring) return options;
  const { keys, salts } = options.keyring(format);
  return salts === undefined ? { ...options, keys } : { ...options, keys, salts };
}

async function decodeNormalized(v: string, options: DecodeOptions, backend: CodecBackend): Promise<DecodeResult> {
  if (EXPRESS_RE.test(v)) return decodeExpressSession(v, keysFor(options, 'express-session'), backend);
  const framework = detectFramework(v);
  if (framework) return framework.decoder(v, keysFor(options, framework.format), backend);
  if (JWT_RE.test(v)) {
    try {
      return await decodeJwt(v, keysFor(options, 'jwt'), backend);
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
      // fall through: perhaps a Flask cookie whose payload starts with eyJ
    }
  }
  // after JWT: an HS256 JWT's signature is also cookie-signature's HMAC of "header.payload"
  const unprefixed = await decodeUnprefixedCookieSignature(v, keysFor(options, 'express-session'), backend);
  if (unprefixed) return unprefixed;
  if (LEGACY_MESSAGES_RE.test(v)) return decodeLegacyMessages(v, keysFor(options, 'django-messages-legacy'), backend);
  if (DJANGO_SIGNED_RE.test(v)) return decodeSigned(v, keysFor(options, 'django-signed'), undefined, backend);
  if (FLASK_RE.test(v)) return decodeFlask(v, keysFor(options, 'flask'), backend);
  if (DJANGO_SESSION_KEY_RE.test(v)) {
    return { format: 'django-session-key', data: null, verified: null, compressed: false, serializer: 'none', details: { key: v } };
  }
  if (STD_B64_RE.test(v) && v.length % 4 === 0) {
    try {
      return await decodeLegacySessionData(v, keysFor(options, 'django-legacy'), backend);
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
    }
  }
  if (COOKIE_SESSION_RE.test(v)) return decodeCookieSession(v, keysFor(options, 'cookie-session'));
  throw new UnknownFormatError(`Not a recognised session format (${v.length} characters)`);
}
