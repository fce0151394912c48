/**
 * JSON Web Tokens (RFC 7519) in JWS compact form (RFC 7515 §7.1):
 * `BASE64URL(header).BASE64URL(payload).BASE64URL(signature)`, e.g.
 * `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.<sig>`. Header and payload are decoded; HS256/384/512
 * tokens verify against the given keys (raw UTF-8 secrets). `iat` becomes the timestamp and an
 * `exp` in the past marks the token expired.
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend, type HashName } from './backend.ts';
import { b64Decode, b64Encode } from './base64.ts';
import { BadSignatureError, LimitExceededError, MalformedInputError } from './errors.ts';
import { parseJson } from './json.ts';
import { resolveLimits } from './limits.ts';
import type { DecodeOptions, DecodeResult } from './types.ts';
import { isSessionObject, PyObject, pyBytesRepr, toNumber, type SessionValue } from './value.ts';
import { dateOf } from './time.ts';

/** Three URL-safe base64 parts; the header starts `{"` (`eyJ`). */
export const JWT_RE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

const HMAC_ALGS: Record<string, HashName> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

/**
 * Decodes a JWT; HMAC tokens verify with `keys`.
 * @example (await decodeJwt(token, { keys: ['secret'] })).verified
 */
export async function decodeJwt(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const [h, p, s] = value.split('.') as [string, string, string];
  const text = (part: string) => new TextDecoder('utf-8', { fatal: true }).decode(b64Decode(part));
  let header;
  try {
    header = parseJson(text(h), limits);
  } catch (e) {
    throw new MalformedInputError('JWT header is not base64url JSON', { cause: e });
  }
  if (!isSessionObject(header) || typeof header.alg !== 'string') throw new MalformedInputError('JWT header has no "alg"');
  // A JWS payload is any bytes (RFC 7515 §7.1): JSON claims usually, else text (or bytes)
  let payload: SessionValue;
  let serializer: DecodeResult['serializer'] = 'json';
  let raw: Uint8Array;
  try {
    raw = b64Decode(p);
  } catch (e) {
    throw new MalformedInputError('JWT payload is not base64url', { cause: e });
  }
  try {
    payload = parseJson(new TextDecoder('utf-8', { fatal: true }).decode(raw), limits);
  } catch (e) {
    if (e instanceof LimitExceededError) throw e;
    serializer = 'text';
    try {
      payload = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      payload = new PyObject('bytes', { value: pyBytesRepr(raw), bytes: raw });
    }
  }
  const alg = header.alg;
  const result: DecodeResult = { format: 'jwt', data: payload, verified: null, compressed: false, serializer, details: { header } };
  if (isSessionObject(payload)) {
    const iat = toNumber(payload.iat);
    const exp = toNumber(payload.exp);
    if (iat !== undefined) result.timestamp = dateOf(iat * 1000);
    if (exp !== undefined && !Number.isNaN(exp)) result.expired = exp * 1000 < (options.now ?? Date.now());
  }
  const hash = HMAC_ALGS[alg];
  if (hash) result.algorithm = hash;
  if (options.keys && options.keys.length > 0) {
    if (alg === 'none') {
      result.verified = false;
      result.error = new BadSignatureError('Token is unsigned (alg "none")');
    } else if (hash) {
      for (let i = 0; i < options.keys.length; i++) {
        const mac = b64Encode(await backend.hmac(hash, utf8(options.keys[i]!), utf8(`${h}.${p}`)));
        if (constantTimeEqual(utf8(mac), utf8(s))) return { ...result, verified: !result.expired, keyIndex: i };
      }
      result.verified = false;
      result.error = new BadSignatureError(`Signature "${s.slice(0, 100)}" does not match`);
    }
  }
  return result;
}
