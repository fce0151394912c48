/**
 * `decode`: recognises any session string and reads it. Detection, first match wins:
 *
 * | looks like                                   | format               |
 * | -------------------------------------------- | -------------------- |
 * | `s:ID.SIG` (or `s%3A…`)                      | express-session      |
 * | `eyJ….….…` whose header has `alg`            | jwt                  |
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
import { UnknownFormatError, LimitExceededError, isSessionLensError } from './errors.ts';
import { decodeExpressSession, EXPRESS_RE } from './express-session.ts';
import { decodeFlask, FLASK_RE } from './flask.ts';
import { frameworkDecoder } from './frameworks/index.ts';
import { decodeJwt, JWT_RE } from './jwt.ts';
import { resolveLimits } from './limits.ts';
import { decodeLegacySessionData } from './session-data.ts';
import { decodeSigned } from './signing.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';

/** Django's session keys: 32 characters of `[a-z0-9]` (`get_random_string(32, VALID_KEY_CHARS)`). */
export const DJANGO_SESSION_KEY_RE = /^[a-z0-9]{32}$/;
/** `VALUE[:TS]:SIG`; VALUE is base64 for signing.dumps, any text for Signer.sign / set_signed_cookie. */
const DJANGO_SIGNED_RE = /^[^\s:][^\n]*:[A-Za-z0-9_-]{27,86}$/;
const STD_B64_RE = /^[A-Za-z0-9+/]+={0,2}$/;

/** Trims whitespace and cookie quoting, and undoes URL encoding (`s%3A…`). */
export function normalizeValue(value: string): string {
  let v = value.trim();
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
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
  const limits = resolveLimits(options.limits);
  if (value.length > limits.maxInputLength) {
    throw new LimitExceededError(`Input is ${value.length} characters, over the limit of ${limits.maxInputLength}`);
  }
  let first: DecodeResult | undefined;
  let failure: unknown;
  try {
    first = await decodeNormalized(normalizeValue(value), options, backend);
  } catch (e) {
    if (!(e instanceof UnknownFormatError)) throw e;
    failure = e;
  }
  // Nothing readable, or only a "signed plain string": perhaps a pasted `name=value` pair or a
  // Set-Cookie/Cookie header line. Then read the value, with its name (set_signed_cookie salts).
  const pair = !first || (first.format === 'django-signed' && first.serializer === 'text') ? COOKIE_PAIR_RE.exec(value.trim()) : null;
  if (pair) {
    try {
      return await decodeNormalized(normalizeValue(pair[2]!), { ...options, cookieName: options.cookieName ?? pair[1] }, backend);
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
    }
  }
  if (first) return first;
  throw failure;
}

/** `[Set-]Cookie: name=value[; …]` or `name=value`: RFC 6265 §4.1.1 cookie-name (a token), then the value. */
const COOKIE_PAIR_RE = /^(?:(?:set-)?cookie:\s*)?([!#$%&'*+.^_`|~0-9A-Za-z-]+)=([^;]+)/i;

async function decodeNormalized(v: string, options: DecodeOptions, backend: CodecBackend): Promise<DecodeResult> {
  if (EXPRESS_RE.test(v)) return decodeExpressSession(v, options, backend);
  const framework = frameworkDecoder(v);
  if (framework) return framework(v, options, backend);
  if (JWT_RE.test(v)) {
    try {
      return await decodeJwt(v, options, backend);
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
      // fall through: perhaps a Flask cookie whose payload starts with eyJ
    }
  }
  if (DJANGO_SIGNED_RE.test(v)) return decodeSigned(v, options, undefined, backend);
  if (FLASK_RE.test(v)) return decodeFlask(v, options, backend);
  if (DJANGO_SESSION_KEY_RE.test(v)) {
    return { format: 'django-session-key', data: null, verified: null, compressed: false, serializer: 'none', details: { key: v } };
  }
  if (STD_B64_RE.test(v) && v.length % 4 === 0) {
    try {
      return await decodeLegacySessionData(v, options, backend);
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
    }
  }
  if (COOKIE_SESSION_RE.test(v)) return decodeCookieSession(v, options);
  throw new UnknownFormatError(`Not a recognised session format (${v.length} characters)`);
}
