/**
 * Ruby on Rails and Rack session cookies (values URL-decoded first).
 *
 * ```
 * Rails ≥ 5.2 encrypted (_app_session):  BASE64(ciphertext)--BASE64(iv, 12 bytes)--BASE64(tag, 16 bytes)
 *   AES-256-GCM, no AAD; key = PBKDF2(secret_key_base, "authenticated encrypted cookie", 1000, 32),
 *   HMAC-SHA1 up to 6.1, SHA256 from 7.0 (config.active_support.key_generator_hash_digest_class)
 * Rails 4.0–5.1 encrypted:  BASE64(BASE64(ciphertext)--BASE64(iv))--HEX(HMAC-SHA1)
 *   AES-256-CBC under PBKDF2(secret_key_base, "encrypted cookie", 1000, 64)[0, 32], MAC key
 *   PBKDF2(secret_key_base, "signed encrypted cookie", 1000, 64)
 * Rails signed (cookies.signed):  BASE64(payload)--HEX(HMAC-SHA1 or SHA256) under
 *   PBKDF2(secret_key_base, "signed cookie", 1000, 64)
 * Rack::Session::Cookie 2.x (and Rails 3 secret_token):  BASE64(Marshal)--HEX(HMAC-SHA1(secret))
 * ```
 * Payloads: JSON or Marshal, since Rails 6.0 inside `{"_rails":{"message":BASE64,"exp":…,"pur":"cookie.NAME"}}`
 * (7.1: `{"_rails":{"data":…,"pur":…}}`). From actionpack/lib/action_dispatch/middleware/cookies.rb,
 * activesupport/lib/active_support/message_{encryptor,verifier}.rb, messages/metadata.rb (Rails 6.1 and
 * 7.1) and rack/lib/rack/session/cookie.rb (Rack 2.2).
 */
import { constantTimeEqual, getDefaultBackend, utf8, type CodecBackend, type HashName } from '../backend.ts';
import { stdB64Decode } from '../base64.ts';
import { hex } from '../byte-reader.ts';
import { resolveLimits, type Limits } from '../limits.ts';
import type { DecodeOptions, DecodeResult } from '../types.ts';
import { isSessionObject, type SessionValue } from '../value.ts';
import { anyB64, hasKeys, noKeyMatched, readPayload, unverified, type Family } from './common.ts';
import { aesCbcDecrypt, aesGcmDecrypt, fromHex, pbkdf2 } from './crypto.ts';

const B64 = '[A-Za-z0-9+/]+={0,2}';
/** `data--iv--tag` (Rails ≥ 5.2 authenticated encryption). */
export const RAILS_GCM_RE = new RegExp(`^${B64}--${B64}--${B64}$`);
/** `data--hexdigest` (signed cookies, Rack, Rails 4–5.1 encrypted). */
export const RAILS_SIGNED_RE = new RegExp(`^${B64}--(?:[0-9a-f]{40}|[0-9a-f]{64})$`);

const RAILS_ENCRYPTED: Family = { format: 'rails-encrypted', framework: 'Ruby on Rails (≥ 5.2)', keyName: 'secret_key_base' };
const RAILS_CBC: Family = { format: 'rails-encrypted-cbc', framework: 'Ruby on Rails (4.0–5.1)', keyName: 'secret_key_base' };
const RAILS_SIGNED: Family = { format: 'rails-signed', framework: 'Ruby on Rails', keyName: 'secret_key_base' };
const RACK: Family = { format: 'rack', framework: 'Rack::Session::Cookie (or Rails 3 secret_token)', keyName: 'secret' };

/** Default salts (config.action_dispatch.*_cookie_salt). */
const SALT = {
  authenticated: 'authenticated encrypted cookie',
  encrypted: 'encrypted cookie',
  signedEncrypted: 'signed encrypted cookie',
  signed: 'signed cookie',
} as const;
/** Key generator digests: SHA1 (≤ 6.1, or 7.x upgraded apps), SHA256 (7.0 default). */
const DIGESTS: readonly HashName[] = ['sha1', 'sha256'];

const railsKey = (digest: HashName, secretKeyBase: string, salt: string, length: number) => pbkdf2(digest, utf8(secretKeyBase), utf8(salt), 1000, length);

/** Unwraps Rails 6+ metadata; `purpose`/`expires` when present. */
function unwrapMetadata(data: SessionValue, limits: Limits): { data: SessionValue; serializer?: string; purpose?: string; expires?: string } {
  if (!isSessionObject(data) || !isSessionObject(data._rails) || Object.keys(data).length !== 1) return { data };
  const meta = data._rails;
  const purpose = typeof meta.pur === 'string' ? meta.pur : undefined;
  const expires = typeof meta.exp === 'string' ? meta.exp : undefined;
  const extra = { ...(purpose ? { purpose } : {}), ...(expires ? { expires } : {}) };
  if ('data' in meta) return { data: meta.data!, ...extra };
  if (typeof meta.message === 'string') {
    const inner = anyB64(meta.message);
    if (inner) {
      const p = readPayload(inner, limits, 'json');
      return { data: p.data, serializer: p.serializer, ...extra };
    }
  }
  return { data, ...extra };
}

function withPayload(f: Family, bytes: Uint8Array, limits: Limits, now: number, details: Record<string, SessionValue> = {}): DecodeResult {
  const p = readPayload(bytes, limits, 'json');
  const m = unwrapMetadata(p.data, limits);
  const r = unverified(f, m.data, (m.serializer ?? p.serializer) as DecodeResult['serializer'], {
    ...details,
    ...(m.purpose ? { purpose: m.purpose } : {}),
    ...(m.expires ? { expires: m.expires } : {}),
  });
  if (m.expires) {
    const t = Date.parse(m.expires);
    if (!Number.isNaN(t)) {
      r.timestamp = new Date(t);
      r.expired = t < now;
    }
  }
  return r;
}

/** Checks the `pur` metadata against the cookie's name, when both are known. */
function purposeError(r: DecodeResult, cookieName: string | undefined): string | undefined {
  const pur = r.details?.purpose;
  if (cookieName && typeof pur === 'string' && pur !== `cookie.${cookieName}`) return `purpose "${pur}" is not cookie.${cookieName}`;
  return undefined;
}

/**
 * Rails ≥ 5.2 encrypted cookies. Without a key only the shape is known; with `secret_key_base`
 * they decrypt (SHA1 and SHA256 key generators both tried).
 */
export async function decodeRailsEncrypted(value: string, options: DecodeOptions = {}): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const [ct, iv, tag] = value.split('--').map((p) => stdB64Decode(p)) as [Uint8Array, Uint8Array, Uint8Array];
  const base = unverified(RAILS_ENCRYPTED, null, 'none', { cipher: 'aes-256-gcm', iv: hex(iv) });
  if (!hasKeys(options.keys)) return base;
  const salts = [...(options.salt ? [options.salt] : []), SALT.authenticated];
  for (const [i, k] of options.keys.entries()) {
    for (const digest of DIGESTS) {
      for (const salt of salts) {
        const plain = await aesGcmDecrypt(await railsKey(digest, k, salt, 32), iv, ct, tag);
        if (!plain) continue;
        const r = withPayload(RAILS_ENCRYPTED, plain, limits, options.now ?? Date.now(), { ...base.details, keyGeneratorDigest: digest });
        const bad = purposeError(r, options.cookieName);
        if (bad) return noKeyMatched(r, bad);
        return { ...r, verified: !r.expired, keyIndex: i, salt };
      }
    }
  }
  return noKeyMatched(base, 'No key decrypts it (AES-256-GCM tag does not verify)');
}

/**
 * Rails signed cookies, Rack::Session::Cookie and Rails 4–5.1 encrypted cookies: `BASE64--HEX`.
 * The payload tells them apart without a key; with one, whichever derivation verifies names it.
 */
export async function decodeRailsSigned(value: string, options: DecodeOptions = {}, backend: CodecBackend = getDefaultBackend()): Promise<DecodeResult> {
  const limits = resolveLimits(options.limits);
  const now = options.now ?? Date.now();
  const cut = value.lastIndexOf('--');
  const data = value.slice(0, cut);
  const mac = fromHex(value.slice(cut + 2))!;
  const hash: HashName = mac.length === 20 ? 'sha1' : 'sha256';
  const payload = stdB64Decode(data);
  const inner = new TextDecoder().decode(payload);
  const cbc = RAILS_CBC_INNER_RE.test(inner);
  let base: DecodeResult;
  if (cbc) {
    const [ct, iv] = inner.split('--').map((p) => stdB64Decode(p)) as [Uint8Array, Uint8Array];
    base = unverified(RAILS_CBC, null, 'none', { cipher: 'aes-256-cbc', iv: hex(iv) });
    if (!hasKeys(options.keys)) return base;
    for (const [i, k] of options.keys.entries()) {
      const signKey = await railsKey('sha1', k, SALT.signedEncrypted, 64);
      if (!constantTimeEqual(await backend.hmac(hash, signKey, data), mac)) continue;
      const plain = await aesCbcDecrypt((await railsKey('sha1', k, SALT.encrypted, 64)).subarray(0, 32), iv, ct);
      if (!plain) return noKeyMatched(base, 'The signature verifies but the cipher text does not decrypt');
      const r = withPayload(RAILS_CBC, plain, limits, now, base.details);
      return { ...r, verified: !r.expired, keyIndex: i, salt: SALT.signedEncrypted, algorithm: hash };
    }
    return noKeyMatched(base, `Signature "${value.slice(cut + 2)}" does not match`);
  }
  const p = readPayload(payload, limits, 'json');
  const family = p.serializer === 'marshal' ? RACK : RAILS_SIGNED;
  base = { ...withPayload(family, payload, limits, now), algorithm: hash };
  if (!hasKeys(options.keys)) return base;
  for (const [i, k] of options.keys.entries()) {
    // Rack (and Rails 3's secret_token) sign with the secret itself.
    if (constantTimeEqual(await backend.hmac(hash, utf8(k), data), mac)) return { ...base, ...RACK_FIELDS, verified: true, keyIndex: i };
    for (const digest of DIGESTS) {
      for (const salt of [...(options.salt ? [options.salt] : []), SALT.signed]) {
        if (!constantTimeEqual(await backend.hmac(hash, await railsKey(digest, k, salt, 64), data), mac)) continue;
        const r = { ...base, ...RAILS_FIELDS, details: { ...base.details, keyGeneratorDigest: digest } };
        const bad = purposeError(r, options.cookieName);
        if (bad) return noKeyMatched(r, bad);
        return { ...r, verified: !r.expired, keyIndex: i, salt };
      }
    }
  }
  return noKeyMatched(base, `Signature "${value.slice(cut + 2)}" does not match`);
}

const RAILS_CBC_INNER_RE = new RegExp(`^${B64}--${B64}$`);
const RACK_FIELDS = { format: RACK.format, framework: RACK.framework, keyName: RACK.keyName };
const RAILS_FIELDS = { format: RAILS_SIGNED.format, framework: RAILS_SIGNED.framework, keyName: RAILS_SIGNED.keyName };
