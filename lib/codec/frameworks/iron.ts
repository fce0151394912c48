/**
 * iron-session (Next.js) and @hapi/iron seals:
 *
 * ```
 * Fe26.2*1*<encSalt>*<iv>*<encrypted>*<expiration ms>*<hmacSalt>*<hmac>~2
 * ```
 * Both keys are PBKDF2-HMAC-SHA1(password, salt as text, 1 iteration, 32 bytes): AES-256-CBC for
 * the JSON, HMAC-SHA256 (URL-safe base64) over the first six parts. `1` is iron-session's password
 * id, `~2` its token version (older tokens wrap the data in `{persistent: …}`). From hapijs/iron
 * lib/index.js (seal, unseal, generateKey) and vvo/iron-session src/core.ts (v8).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { b64Decode, b64Encode } from '../base64.ts';
import { resolveLimits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { isSessionObject, type SessionValue } from '../value.ts';
import { hasKeys, jsonOf, noKeyMatched, unverified, type Family } from './common.ts';
import { aesCbcDecrypt, pbkdf2 } from './crypto.ts';
import { dateOf } from '../time.ts';

const IRON: Family = { format: 'iron-session', framework: 'iron-session / @hapi/iron', keyName: 'password (SECRET_COOKIE_PASSWORD)' };

/** `Fe26.2*` and seven more `*`-separated parts, maybe `~VERSION`. */
export const IRON_RE = /^Fe26\.2\*\w*\*[0-9a-f]*\*[A-Za-z0-9_-]+\*[A-Za-z0-9_-]+\*\d*\*[0-9a-f]*\*[A-Za-z0-9_-]+(?:~\d+)?$/;

const ironKey = (password: string, salt: string) => pbkdf2('sha1', utf8(password), utf8(salt), 1, 32);

/** iron-session's password map `{"1":"…"}` (JSON) or a plain password. */
function passwords(key: string, id: string): string[] {
  if (key.startsWith('{')) {
    try {
      const m = JSON.parse(key) as Record<string, unknown>;
      const p = m[id || 'default'];
      return typeof p === 'string' ? [p] : [];
    } catch {
      // a password that starts with "{"
    }
  }
  return [key];
}

/**
 * Decodes an iron seal; with the password, verifies and decrypts it.
 * @example (await decodeIron(cookie, { keys: [process.env.SECRET_COOKIE_PASSWORD] })).data
 */
export async function decodeIron(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const [seal, version] = value.split('~') as [string, string | undefined];
  const p = seal.split('*') as [string, string, string, string, string, string, string, string];
  const expiration = p[5] ? Number(p[5]) : undefined;
  const details: Record<string, SessionValue> = { passwordId: p[1], ...(version ? { tokenVersion: Number(version) } : {}) };
  const r: DecodeResult = { ...unverified(IRON, null, 'none', details), algorithm: 'sha256' };
  if (expiration !== undefined) {
    r.timestamp = dateOf(expiration);
    r.expired = expiration <= (options.now ?? Date.now());
    details.expires = r.timestamp?.toISOString() ?? String(p[5]);
  }
  if (!hasKeys(options.keys)) return r;
  const macBase = p.slice(0, 6).join('*');
  const mac = utf8(p[7]);
  for (const [i, k] of options.keys.entries()) {
    for (const password of passwords(k, p[1])) {
      const digest = await backend.hmac('sha256', await ironKey(password, p[6]), macBase);
      if (!constantTimeEqual(utf8(b64Encode(digest)), mac)) continue;
      const plain = await aesCbcDecrypt(await ironKey(password, p[2]), b64Decode(p[3]), b64Decode(p[4]));
      if (!plain) return noKeyMatched(r, 'The HMAC verifies but the seal does not decrypt');
      let data = jsonOf(plain, limits, 'iron seal');
      if (version === undefined && isSessionObject(data) && 'persistent' in data) data = data.persistent!;
      return { ...r, data, serializer: 'json', verified: !r.expired, keyIndex: i };
    }
  }
  return noKeyMatched(r, `HMAC "${p[7]}" does not match`);
}

