/**
 * Starlette / FastAPI `SessionMiddleware` cookies (`session`):
 *
 * ```
 * eyJ1c2VyX2lkIjogNDJ9.ZVPxAA.5jS0I5e5073Z-zc7IYWqBEYhDLU
 * └ BASE64(json.dumps) ┘└ ts ┘└ HMAC-SHA1, URL-safe ┘
 * ```
 * itsdangerous `TimestampSigner(secret_key)` with its defaults: key = SHA1("itsdangerous.Signer" +
 * "signer" + secret_key) ("django-concat"), signature = HMAC-SHA1(key, "PAYLOAD.TS"). The payload is
 * standard base64 (padding kept) of Python's `json.dumps` with its default `", "`/`": "` separators,
 * which is how it differs from Flask's cookie. From starlette/middleware/sessions.py and
 * itsdangerous/signer.py, timed.py.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { b64Decode, b64Encode, stdB64Decode } from '../base64.ts';
import { resolveLimits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { hasKeys, jsonOf, noKeyMatched, unverified, type Family } from './common.ts';
import { dateOf } from '../time.ts';

const STARLETTE: Family = { format: 'starlette', framework: 'Starlette / FastAPI', keyName: 'SessionMiddleware secret_key' };

/** `BASE64.TS.SIG` with a standard-base64 payload and a 27-character SHA1 signature. */
export const STARLETTE_RE = /^[A-Za-z0-9+/]+={0,2}\.[A-Za-z0-9_-]{2,12}\.[A-Za-z0-9_-]{27}$/;

/** True when the payload is what Starlette writes rather than Flask: padding, `+`/`/`, or json.dumps spacing. */
export function looksLikeStarlette(value: string): boolean {
  const payload = value.slice(0, value.indexOf('.'));
  if (/[+/=]/.test(payload)) return true;
  try {
    const text = new TextDecoder().decode(stdB64Decode(payload));
    return /^\{"/.test(text) && /": |, "/.test(text);
  } catch {
    return false;
  }
}

/**
 * Decodes (with `secret_key`: verifies) a Starlette session cookie.
 * @example (await decodeStarlette(cookie, { keys: [SECRET_KEY] })).data
 */
export async function decodeStarlette(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const [payload, ts, sig] = value.split('.') as [string, string, string];
  const data = jsonOf(stdB64Decode(payload), limits, 'Starlette session payload');
  let seconds = 0;
  for (const b of b64Decode(ts)) seconds = seconds * 256 + b;
  const r: DecodeResult = { ...unverified(STARLETTE, data, 'json'), algorithm: 'sha1', timestamp: dateOf(seconds * 1000) };
  if (options.maxAge !== undefined) r.expired = (options.now ?? Date.now()) / 1000 - seconds > options.maxAge;
  if (!hasKeys(options.keys)) return r;
  const salt = options.salt ?? 'itsdangerous.Signer';
  const signed = value.slice(0, value.lastIndexOf('.'));
  for (const [i, k] of options.keys.entries()) {
    const key = await backend.digest('sha1', utf8(`${salt}signer${k}`));
    if (constantTimeEqual(utf8(b64Encode(await backend.hmac('sha1', key, signed))), utf8(sig))) return { ...r, verified: !r.expired, keyIndex: i, salt };
  }
  return noKeyMatched(r, `Signature "${sig}" does not match`);
}
