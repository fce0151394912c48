/**
 * NextAuth.js (v4) and Auth.js (v5) session tokens (`next-auth.session-token`,
 * `authjs.session-token`, with `__Secure-` on HTTPS): JWE compact serialization (RFC 7516 §7.1)
 * with `alg: "dir"`:
 *
 * ```
 * eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..<iv>.<ciphertext>.<tag>
 * ```
 * v4: key = HKDF-SHA256(NEXTAUTH_SECRET, salt "", info "NextAuth.js Generated Encryption Key", 32),
 * enc A256GCM (AAD = the protected header as sent). v5: salt = the cookie's name, info
 * "Auth.js Generated Encryption Key (<name>)", 64 bytes, enc A256CBC-HS512 (RFC 7518 §5.2.5:
 * MAC key then AES key; tag = HMAC-SHA512(AAD . IV . ciphertext . AL)[0, 32]). The plaintext is
 * the JWT claims. From nextauthjs/next-auth packages/next-auth/src/jwt/index.ts (v4) and
 * packages/core/src/jwt.ts (@auth/core).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { b64Decode } from '../base64.ts';
import { parseJson } from '../json.ts';
import { resolveLimits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { isSessionObject, type SessionValue } from '../value.ts';
import { hasKeys, jsonOf, noKeyMatched, unverified, type Family } from './common.ts';
import { aesCbcDecrypt, aesGcmDecrypt, hkdf } from './crypto.ts';
import { dateOf } from '../time.ts';

const NEXTAUTH: Family = { format: 'nextauth', framework: 'NextAuth.js / Auth.js', keyName: 'NEXTAUTH_SECRET / AUTH_SECRET' };

/** `HEADER..IV.CIPHERTEXT.TAG` (empty encrypted key: `dir`). */
export const JWE_DIR_RE = /^eyJ[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Cookie names Auth.js salts v5 keys with, tried when `cookieName` is not given. */
const AUTHJS_NAMES = ['authjs.session-token', '__Secure-authjs.session-token', 'next-auth.session-token', '__Secure-next-auth.session-token'];

/** The protected header, when the text is a `dir` JWE. */
export function jweHeader(value: string): Record<string, SessionValue> | undefined {
  try {
    const h = parseJson(new TextDecoder().decode(b64Decode(value.slice(0, value.indexOf('.')))));
    if (isSessionObject(h) && h.alg === 'dir' && typeof h.enc === 'string') return h;
  } catch {
    // not a JWE
  }
  return undefined;
}

/** The candidate keys for one secret: [key, salt] pairs, v4 first. */
async function candidateKeys(secret: string, enc: string, cookieName: string | undefined): Promise<[Uint8Array, string][]> {
  const out: [Uint8Array, string][] = [];
  const len = enc === 'A256CBC-HS512' ? 64 : 32;
  if (enc === 'A256GCM') out.push([await hkdf(utf8(secret), new Uint8Array(), utf8('NextAuth.js Generated Encryption Key'), 32), '']);
  for (const salt of cookieName ? [cookieName] : AUTHJS_NAMES) {
    out.push([await hkdf(utf8(secret), utf8(salt), utf8(`Auth.js Generated Encryption Key (${salt})`), len), salt]);
  }
  return out;
}

async function decryptCbcHs512(key: Uint8Array, aad: Uint8Array, iv: Uint8Array, ct: Uint8Array, tag: Uint8Array, backend: CodecBackend): Promise<Uint8Array | undefined> {
  const al = new Uint8Array(8);
  new DataView(al.buffer).setUint32(4, aad.length * 8);
  const macInput = new Uint8Array(aad.length + iv.length + ct.length + 8);
  macInput.set(aad);
  macInput.set(iv, aad.length);
  macInput.set(ct, aad.length + iv.length);
  macInput.set(al, aad.length + iv.length + ct.length);
  const mac = (await backend.hmac('sha512', key.subarray(0, 32), macInput)).subarray(0, 32);
  if (!constantTimeEqual(mac, tag)) return undefined;
  return aesCbcDecrypt(key.subarray(32), iv, ct);
}

/**
 * Decodes a NextAuth / Auth.js session token; with the secret, decrypts it.
 * @example (await decodeNextAuth(cookie, { keys: [process.env.NEXTAUTH_SECRET] })).data // claims
 */
export async function decodeNextAuth(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const header = jweHeader(value)!;
  const [h, , ivText, ctText, tagText] = value.split('.') as [string, string, string, string, string];
  const enc = header.enc as string;
  const base = unverified(NEXTAUTH, null, 'none', { header, version: enc === 'A256CBC-HS512' ? 'Auth.js v5' : 'NextAuth.js v4 (or Auth.js with A256GCM)' });
  if (!hasKeys(options.keys)) return base;
  const aad = utf8(h);
  const iv = b64Decode(ivText);
  const ct = b64Decode(ctText);
  const tag = b64Decode(tagText);
  for (const [i, k] of options.keys.entries()) {
    for (const [key, salt] of await candidateKeys(k, enc, options.cookieName)) {
      const plain = enc === 'A256GCM' ? await aesGcmDecrypt(key, iv, ct, tag, aad) : enc === 'A256CBC-HS512' ? await decryptCbcHs512(key, aad, iv, ct, tag, backend) : undefined;
      if (!plain) continue;
      const data = jsonOf(plain, limits, 'NextAuth token');
      const r: DecodeResult = { ...base, data, serializer: 'json', verified: true, keyIndex: i, salt };
      if (isSessionObject(data)) {
        if (typeof data.iat === 'number') r.timestamp = dateOf(data.iat * 1000);
        if (typeof data.exp === 'number' && data.exp * 1000 < (options.now ?? Date.now())) {
          r.expired = true;
          r.verified = false;
        }
      }
      return r;
    }
  }
  return noKeyMatched(base, 'No secret decrypts the token');
}
