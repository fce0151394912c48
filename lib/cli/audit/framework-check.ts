/**
 * Checks candidate keys against another framework's cookie (a {@link FrameworkAuditSpec} from the
 * codec) with node:crypto: the key derivation the framework uses (raw, Laravel's `base64:`,
 * itsdangerous, PBKDF2, HKDF), then its MAC or authenticated cipher. One checker per worker.
 */
import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type { AuditCheck, FrameworkAuditSpec, KeyDerivation } from '../../codec/index.ts';
import { Aes256 } from './aes-block.ts';
import { Hkdf256 } from './hkdf.ts';
import { oneShotHash } from './native-hmac.ts';

/** What matched: the format, the setting to rotate, and how the key was derived. */
export interface FrameworkMatch {
  format: string;
  setting: string;
  note: string;
}

type Derived = { key: Buffer; note: string };

/** Derived keys of one candidate, shared by every cookie that derives the same way (two Rails cookies: one PBKDF2). */
export type DerivationCache = Map<string, Buffer>;

/** The cache id of a PBKDF2-derived key (simd-pbkdf2.ts fills a batch's caches ahead with these ids). */
export function pbkdf2CacheId(digest: string, iterations: number, length: number, salt: string): string {
  return `p\0${digest}\0${iterations}\0${length}\0${salt}`;
}

function cached(cache: DerivationCache | undefined, id: string, make: () => Buffer): Buffer {
  if (!cache) return make();
  let k = cache.get(id);
  if (!k) cache.set(id, (k = make()));
  return k;
}

function derivations(d: KeyDerivation, candidate: Buffer, cache?: DerivationCache): Derived[] {
  switch (d.kind) {
    case 'raw':
      return [{ key: candidate, note: '' }];
    case 'laravel': {
      const text = candidate.toString('utf8');
      return [{ key: text.startsWith('base64:') ? Buffer.from(text.slice(7), 'base64') : candidate, note: '' }];
    }
    case 'itsdangerous': {
      const prefix = Buffer.from(`${d.salt}signer`);
      const data = Buffer.concat([prefix, candidate]);
      return [{ key: oneShotHash ? oneShotHash('sha1', data, 'buffer') : createHash('sha1').update(data).digest(), note: `salt ${d.salt}` }];
    }
    case 'pbkdf2':
      return d.digests.flatMap((digest) =>
        d.salts.map((salt) => ({
          key: cached(cache, pbkdf2CacheId(digest, d.iterations, d.length, salt), () => pbkdf2Sync(candidate, salt, d.iterations, d.length, digest)),
          note: `PBKDF2-${digest.toUpperCase()} salt "${salt}"`,
        })),
      );
    case 'hkdf':
      return d.params.map((p) => ({
        key: cached(cache, `h\0${d.length}\0${p.salt}\0${p.info}`, () => hkdf(candidate, p.salt, p.info, d.length)),
        note: `HKDF salt "${p.salt}"`,
      }));
  }
}

const BLOCK = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 } as const;

const hkdfs = new Map<string, Hkdf256>();

/** HKDF-SHA256 (RFC 5869), one {@link Hkdf256} per (salt, info): the salt's pad states are computed once. */
function hkdf(ikm: Buffer, salt: string, info: string, length: number): Buffer {
  const id = `${salt}\0${info}`;
  let h = hkdfs.get(id);
  if (!h) hkdfs.set(id, (h = new Hkdf256(salt, info)));
  return h.derive(ikm, length);
}

/**
 * HMAC (RFC 2104) as two one-shot hashes over buffers prepared once per cookie: each candidate only
 * rewrites the padded key bytes — no Hmac object per candidate (node:crypto `crypto.hash`, Node ≥ 20.12).
 */
function oneShotHmac(c: Extract<AuditCheck, { kind: 'hmac' }>): ((key: Buffer) => boolean) | undefined {
  const hash = oneShotHash;
  if (!hash) return undefined;
  const block = BLOCK[c.hash];
  const inner = Buffer.alloc(block + c.message.length);
  inner.set(c.message, block);
  const digestLength = createHash(c.hash).digest().length;
  const outer = Buffer.alloc(block + digestLength);
  const expected = Buffer.from(c.mac);
  return (key) => {
    const k = key.length > block ? hash(c.hash, key, 'buffer') : key;
    inner.fill(0x36, 0, block);
    outer.fill(0x5c, 0, block);
    for (let i = 0; i < k.length; i++) {
      inner[i] = k[i]! ^ 0x36;
      outer[i] = k[i]! ^ 0x5c;
    }
    hash(c.hash, inner, 'buffer').copy(outer, block);
    const mac = hash(c.hash, outer, 'buffer');
    return mac.length === expected.length && timingSafeEqual(mac, expected);
  };
}

const fastHmac = new WeakMap<AuditCheck, ((key: Buffer) => boolean) | undefined>();
const cbcMacs = new WeakMap<AuditCheck, (key: Buffer) => boolean>();

/**
 * A256CBC-HS512's MAC check (RFC 7518 §5.2.2.1): HMAC-SHA512 under the key's first 32 bytes over
 * aad ‖ iv ‖ ciphertext ‖ AL, cut to 32 bytes, equals the tag — as two one-shot hashes over
 * buffers prepared once per cookie where `crypto.hash` exists (no Hmac object per candidate).
 * @example cbcHs512Mac(spec.check)(key) // true when the key's MAC half signs the token
 */
export function cbcHs512Mac(c: Extract<AuditCheck, { kind: 'cbc-hs512' }>): (key: Buffer) => boolean {
  const al = Buffer.alloc(8);
  al.writeUInt32BE(c.aad.length * 8, 4);
  const message = Buffer.concat([c.aad, c.iv, c.ciphertext, al]);
  const tag = Buffer.from(c.tag);
  const hash = oneShotHash;
  if (!hash) {
    return (key) => {
      const mac = createHmac('sha512', key.subarray(0, 32)).update(message).digest().subarray(0, 32);
      return mac.length === tag.length && timingSafeEqual(mac, tag);
    };
  }
  const inner = Buffer.alloc(128 + message.length);
  message.copy(inner, 128);
  const outer = Buffer.alloc(128 + 64);
  return (key) => {
    if (tag.length !== 32) return false;
    const k = Math.min(32, key.length);
    inner.fill(0x36, 0, 128);
    outer.fill(0x5c, 0, 128);
    for (let i = 0; i < k; i++) {
      inner[i] = key[i]! ^ 0x36;
      outer[i] = key[i]! ^ 0x5c;
    }
    hash('sha512', inner, 'buffer').copy(outer, 128);
    return timingSafeEqual(hash('sha512', outer, 'buffer').subarray(0, 32), tag);
  };
}

function passes(c: AuditCheck, key: Buffer): boolean {
  switch (c.kind) {
    case 'hmac': {
      if (!fastHmac.has(c)) fastHmac.set(c, oneShotHmac(c));
      const fast = fastHmac.get(c);
      if (fast) return fast(key);
      const mac = createHmac(c.hash, key).update(c.message).digest();
      return mac.length === c.mac.length && timingSafeEqual(mac, c.mac);
    }
    case 'gcm': {
      if (key.length !== 16 && key.length !== 24 && key.length !== 32) return false;
      // A wrong key gives the expected first byte 1 time in 256: AES-CTR on one byte, no tag, turns the rest away.
      if (c.plaintextStart !== undefined && c.iv.length === 12 && (firstKeystreamByte(key, c.iv) ^ c.ciphertext[0]!) !== c.plaintextStart) return false;
      return gcmOpen(key, c.iv, c.ciphertext, c.tag, c.aad) !== undefined;
    }
    case 'plug-gcm':
      // needs the candidate for its second key: plugGcm()
      return false;
    case 'cbc-hs512': {
      let mac = cbcMacs.get(c);
      if (!mac) cbcMacs.set(c, (mac = cbcHs512Mac(c)));
      return mac(key);
    }
  }
}

/** AES-GCM's keystream from its first block (counter = IV ‖ 2, NIST SP 800-38D §7.2 with a 96-bit IV) over `data`: CTR, no tag. */
function gcmKeystream(key: Buffer, iv: Uint8Array, data: Uint8Array): Buffer {
  const counter = Buffer.alloc(16);
  counter.set(iv);
  counter[15] = 2;
  return createDecipheriv(`aes-${key.length * 8}-ctr` as 'aes-256-ctr', key, counter).update(data);
}

const aes256 = new Aes256();
const keyWords = new Int32Array(8);

/** The first byte of AES-GCM's keystream with a 96-bit IV: AES-256 in TypeScript for 32-byte keys (no Decipher object), else {@link gcmKeystream}. */
function firstKeystreamByte(key: Buffer, iv: Uint8Array): number {
  if (key.length !== 32) return gcmKeystream(key, iv, Uint8Array.of(0))[0]!;
  for (let i = 0; i < 8; i++) keyWords[i] = key.readInt32BE(4 * i);
  const ivw = Buffer.from(iv.buffer, iv.byteOffset, 12);
  return aes256.encrypt(keyWords, 0, 1, ivw.readInt32BE(0), ivw.readInt32BE(4), ivw.readInt32BE(8), 2) >>> 24;
}

/** AES-GCM authenticated decryption, or `undefined` for a wrong key. */
export function gcmOpen(key: Buffer, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad?: Uint8Array): Buffer | undefined {
  try {
    const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, iv);
    if (aad) d.setAAD(aad);
    d.setAuthTag(tag);
    return Buffer.concat([d.update(ciphertext), d.final()]);
  } catch {
    return undefined;
  }
}

/** The Erlang external term format's version byte (erts external.h VERSION_MAGIC): every term_to_binary starts with it. */
const TERM_VERSION = 131;

/**
 * An encrypted Plug cookie (phoenix-audit.ts): the encryption key unwraps a content key that must
 * decrypt the session's first byte to 131 — checked without tags first, so the signing key's
 * PBKDF2 (Plug's AAD) is only derived for the 1 in 256 candidates that pass; then both AES-GCM tags
 * are verified. Returns the signing salt's note when the candidate opens the cookie.
 */
function plugGcm(c: Extract<AuditCheck, { kind: 'plug-gcm' }>, key: Buffer, candidate: Buffer, cache?: DerivationCache): string | undefined {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) return undefined;
  const cek = gcmKeystream(key, c.wrapped.iv, c.wrapped.ciphertext);
  if (gcmKeystream(cek, c.content.iv, c.content.ciphertext.subarray(0, 1))[0] !== TERM_VERSION) return undefined;
  for (const sign of derivations(c.sign, candidate, cache)) {
    const unwrapped = gcmOpen(key, c.wrapped.iv, c.wrapped.ciphertext, c.wrapped.tag, sign.key);
    if (unwrapped && gcmOpen(unwrapped, c.content.iv, c.content.ciphertext, c.content.tag, c.content.aad)) return `signing ${sign.note}`;
  }
  return undefined;
}

/**
 * A function that says whether (and how) a candidate key opens the cookie.
 * @example frameworkChecker(spec)(Buffer.from('changeme')) // { format: 'rails-encrypted', … } or undefined
 */
export function frameworkChecker(spec: FrameworkAuditSpec): (candidate: Buffer, cache?: DerivationCache) => FrameworkMatch | undefined {
  const variants = [spec, ...(spec.alternatives ?? [])];
  return (candidate, cache) => {
    for (const v of variants) {
      for (const { key, note } of derivations(v.derive, candidate, cache)) {
        if (v.check.kind === 'plug-gcm') {
          const signing = plugGcm(v.check, key, candidate, cache);
          if (signing) return { format: v.format, setting: v.setting, note: `encryption ${note}, ${signing}` };
        } else if (passes(v.check, key)) return { format: v.format, setting: v.setting, note };
      }
    }
    return undefined;
  };
}
