/**
 * express-session's signed id cookie (`connect.sid`), via cookie-signature:
 * `s:` + ID + `.` + base64(HMAC-SHA256(secret, ID)) with the `=` padding stripped, e.g.
 * `s:hK1H3s9Zx5dQvJ0.mK5r8...` (usually URL-encoded in the cookie as `s%3A…`). The ID is opaque:
 * the data lives in the server's store.
 *
 * The same signature signs Express's other cookies: `res.cookie(name, obj, { signed: true })`
 * writes `s:` + sign(`j:` + JSON.stringify(obj)) (express 4.x lib/response.js `res.cookie`;
 * cookie-parser's `JSONCookie` reads the `j:`), which decodes as JSON here. A value signed with
 * cookie-signature directly has no `s:` (`VALUE.SIG`): it is recognised when a key verifies it.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from './backend.ts';
import { stdB64Encode } from './base64.ts';
import { BadSignatureError, isSessionLensError } from './errors.ts';
import { parseJson } from './json.ts';
import { resolveLimits } from './limits.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';

/** `s:VALUE.SIG` with a 43-character standard-base64 SHA-256 signature (VALUE up to its last `.`). */
export const EXPRESS_RE = /^s:([^\n]+)\.([A-Za-z0-9+/]{43})$/;
/** cookie-signature's `VALUE.SIG` without the `s:` Express adds. */
export const UNPREFIXED_RE = /^([^\s]+)\.([A-Za-z0-9+/]{43})$/;

/**
 * Reads an express-session cookie; with keys (express-session `secret`, newest first), verifies it.
 * @example (await decodeExpressSession('s:abc.sig…', { keys: ['keyboard cat'] })).details?.sessionId
 */
export async function decodeExpressSession(
  value: string,
  options: DecodeOptions = {},
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult> {
  const [, id, sig] = (EXPRESS_RE.exec(value) ?? UNPREFIXED_RE.exec(value))!;
  const result: DecodeResult = {
    format: 'express-session',
    data: null,
    verified: null,
    algorithm: 'sha256',
    compressed: false,
    serializer: 'none',
    details: { sessionId: id! },
  };
  if (id!.startsWith('j:')) {
    try {
      result.data = parseJson(id!.slice(2), resolveLimits(options.limits));
      result.serializer = 'json';
      result.details = { cookie: 'signed JSON cookie (res.cookie with signed: true; cookie-parser "j:")' };
    } catch (e) {
      if (!isSessionLensError(e)) throw e;
    }
  }
  if (!value.startsWith('s:')) result.details = { ...result.details, prefix: 'none: cookie-signature without Express\'s "s:"' };
  if (options.keys && options.keys.length > 0) {
    for (let i = 0; i < options.keys.length; i++) {
      const mac = stdB64Encode(await backend.hmac('sha256', utf8(options.keys[i]!), utf8(id!))).replace(/=+$/, '');
      if (constantTimeEqual(utf8(mac), utf8(sig!))) return { ...result, verified: true, keyIndex: i };
    }
    result.verified = false;
    result.error = new BadSignatureError(`Signature "${sig}" does not match`);
  }
  return result;
}

/**
 * A cookie-signature value without `s:` (`VALUE.SIG`), only when one of the keys verifies it:
 * without that proof a `x.y` string is too common to claim.
 * @example await decodeUnprefixedCookieSignature('hello.DGDUkGlIkCzPz+C0B064FNgHdEjox7ch8tOBGslZ5QI', { keys: ['tobiiscool'] })
 */
export async function decodeUnprefixedCookieSignature(
  value: string,
  options: DecodeOptions,
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult | undefined> {
  if (!options.keys?.length || !UNPREFIXED_RE.test(value)) return undefined;
  const r = await decodeExpressSession(value, options, backend);
  return r.verified ? r : undefined;
}
