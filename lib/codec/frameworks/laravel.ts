/**
 * Laravel's encrypted cookies (`laravel_session`, `XSRF-TOKEN`, any cookie EncryptCookies handles)
 * and `encrypt()` payloads:
 *
 * ```
 * eyJpdiI6IjFxNHh3…  = BASE64({"iv":BASE64(16 bytes),"value":BASE64(ciphertext),"mac":HEX,"tag":""})
 * ```
 * AES-256-CBC (or -128-CBC / -GCM: `config/app.php` cipher) under APP_KEY (`base64:` + 32 bytes);
 * mac = HMAC-SHA256(key, iv . value) in hex, empty for GCM, whose 16-byte `tag` authenticates instead.
 * Cookie plaintexts start with `HMAC-SHA1(key, NAME . "v2") . "|"` (CookieValuePrefix, Laravel ≥ 8);
 * `encrypt()` payloads are PHP `serialize()`d. From Illuminate/Encryption/Encrypter.php and
 * Illuminate/Cookie/CookieValuePrefix.php (laravel/framework 8.x).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend } from '../backend.ts';
import { stdB64Decode } from '../base64.ts';
import { hex } from '../byte-reader.ts';
import { parseJson } from '../json.ts';
import { resolveLimits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { isSessionObject, type SessionObject, type SessionValue } from '../value.ts';
import { hasKeys, noKeyMatched, readPayload, unverified, type Family } from './common.ts';
import { aesCbcDecrypt, aesGcmDecrypt, fromHex } from './crypto.ts';

const LARAVEL: Family = { format: 'laravel-encrypted', framework: 'Laravel', keyName: 'APP_KEY' };

/** Standard base64 of a JSON object starting `{"iv":`. */
export const LARAVEL_RE = /^eyJpdiI6[A-Za-z0-9+/]+={0,2}$/;
const PREFIX_RE = /^[0-9a-f]{40}\|/;

/** The parts of a Laravel payload, or `undefined` when the text is not one. */
export function parseLaravel(value: string): SessionObject | undefined {
  try {
    const o = parseJson(new TextDecoder().decode(stdB64Decode(value)));
    if (isSessionObject(o) && typeof o.iv === 'string' && typeof o.value === 'string' && typeof o.mac === 'string') return o;
  } catch {
    // not Laravel
  }
  return undefined;
}

/**
 * APP_KEY as config/app.php holds it: `base64:…` is decoded, anything else is the raw key.
 * @example laravelKey('base64:c2Vzc2lvbi1sZW5z…') // 32 bytes
 */
export function laravelKey(appKey: string): Uint8Array {
  if (appKey.startsWith('base64:')) {
    try {
      return stdB64Decode(appKey.slice(7));
    } catch {
      return utf8(appKey);
    }
  }
  return utf8(appKey);
}

/** Cookie names Laravel sets itself, tried for the prefix when `cookieName` is not given. */
const DEFAULT_NAMES = ['laravel_session', 'XSRF-TOKEN', 'remember_web'];

async function cookiePrefix(key: Uint8Array, plain: string, cookieName: string | undefined, backend: CodecBackend): Promise<{ name?: string; value: string; prefix?: string }> {
  if (!PREFIX_RE.test(plain)) return { value: plain };
  const prefix = plain.slice(0, 40);
  for (const name of cookieName ? [cookieName] : DEFAULT_NAMES) {
    const expect = hex(await backend.hmac('sha1', key, `${name}v2`));
    if (expect === prefix) return { name, value: plain.slice(41), prefix };
  }
  return { value: plain.slice(41), prefix };
}

/**
 * Decodes (with APP_KEY: decrypts) a Laravel encrypted value.
 * @example (await decodeLaravel(cookie, { keys: [process.env.APP_KEY] })).data // the session id
 */
export async function decodeLaravel(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const o = parseLaravel(value)!;
  const iv = stdB64Decode(o.iv as string);
  const ct = stdB64Decode(o.value as string);
  const tag = typeof o.tag === 'string' && o.tag !== '' ? stdB64Decode(o.tag) : undefined;
  const cipher = tag ? 'aes-gcm' : 'aes-cbc';
  const base = unverified(LARAVEL, null, 'none', { cipher, iv: o.iv as string, mac: o.mac as string });
  if (!hasKeys(options.keys)) return base;
  const mac = fromHex(o.mac as string);
  for (const [i, k] of options.keys.entries()) {
    const key = laravelKey(k);
    let plain: Uint8Array | undefined;
    if (tag) plain = await aesGcmDecrypt(key, iv, ct, tag);
    else {
      if (!mac || !constantTimeEqual(await backend.hmac('sha256', key, `${o.iv as string}${o.value as string}`), mac)) continue;
      plain = await aesCbcDecrypt(key, iv, ct);
      if (!plain) return noKeyMatched(base, 'The MAC verifies but the payload does not decrypt');
    }
    if (!plain) continue;
    const text = new TextDecoder().decode(plain);
    const p = await cookiePrefix(key, text, options.cookieName, backend);
    const details: Record<string, SessionValue> = { ...base.details, ...(p.name ? { cookieName: p.name } : {}), ...(p.prefix ? { cookiePrefix: p.prefix } : {}) };
    // The plaintext is the cookie's value as the application set it; `serialize()`d values are read.
    const payload = readPayload(utf8(p.value), limits);
    const php = payload.serializer === 'php';
    const data = php ? payload.data : p.value;
    const serializer = php ? 'php' : 'text';
    const r: DecodeResult = { ...base, data, serializer, details, verified: true, keyIndex: i, algorithm: 'sha256' };
    if (options.cookieName && p.prefix && !p.name) return noKeyMatched(r, `The value was encrypted for another cookie than "${options.cookieName}"`);
    return r;
  }
  return noKeyMatched(base, tag ? 'No key decrypts it (AES-GCM tag does not verify)' : `MAC "${o.mac as string}" does not match`);
}
