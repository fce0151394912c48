/**
 * express-session's signed id cookie (`connect.sid`), via cookie-signature:
 * `s:` + ID + `.` + base64(HMAC-SHA256(secret, ID)) with the `=` padding stripped, e.g.
 * `s:hK1H3s9Zx5dQvJ0.mK5r8...` (usually URL-encoded in the cookie as `s%3A…`). The ID is opaque:
 * the data lives in the server's store.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from './backend.ts';
import { stdB64Encode } from './base64.ts';
import { BadSignatureError } from './errors.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';

/** `s:ID.SIG` with a 43-character standard-base64 SHA-256 signature. */
export const EXPRESS_RE = /^s:([^.]+)\.([A-Za-z0-9+/]{43})$/;

/**
 * Reads an express-session cookie; with keys (express-session `secret`, newest first), verifies it.
 * @example (await decodeExpressSession('s:abc.sig…', { keys: ['keyboard cat'] })).details?.sessionId
 */
export async function decodeExpressSession(
  value: string,
  options: DecodeOptions = {},
  backend: CodecBackend = getDefaultBackend(),
): Promise<DecodeResult> {
  const [, id, sig] = EXPRESS_RE.exec(value)!;
  const result: DecodeResult = {
    format: 'express-session',
    data: null,
    verified: null,
    algorithm: 'sha256',
    compressed: false,
    serializer: 'none',
    details: { sessionId: id! },
  };
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
