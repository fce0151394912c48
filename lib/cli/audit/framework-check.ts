/**
 * Checks candidate keys against another framework's cookie (a {@link FrameworkAuditSpec} from the
 * codec) with node:crypto: the key derivation the framework uses (raw, Laravel's `base64:`,
 * itsdangerous, PBKDF2, HKDF), then its MAC or authenticated cipher. One checker per worker.
 */
import { createDecipheriv, createHash, createHmac, hkdfSync, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import type { AuditCheck, FrameworkAuditSpec, KeyDerivation } from '../../codec/index.ts';
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

/** HMAC-SHA256 (RFC 2104) as two one-shot hashes: no Hmac object per call. */
function hmac256(key: Uint8Array, ...message: Uint8Array[]): Buffer {
  const hash = oneShotHash!;
  const k = key.length > 64 ? hash('sha256', key, 'buffer') : key;
  const pad = Buffer.alloc(64);
  pad.set(k);
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36;
  const inner = hash('sha256', Buffer.concat([pad, ...message]), 'buffer');
  for (let i = 0; i < 64; i++) pad[i]! ^= 0x36 ^ 0x5c;
  return hash('sha256', Buffer.concat([pad, inner]), 'buffer');
}

/** HKDF-SHA256 (RFC 5869 §2.2–2.3), through {@link hmac256} where `crypto.hash` exists (hkdfSync costs several times more per call). */
function hkdf(ikm: Buffer, salt: string, info: string, length: number): Buffer {
  if (!oneShotHash || length > 255 * 32) return Buffer.from(hkdfSync('sha256', ikm, salt, info, length));
  const prk = hmac256(Buffer.from(salt), ikm);
  const infoBytes = Buffer.from(info);
  const blocks: Buffer[] = [];
  let t: Buffer = Buffer.alloc(0);
  for (let i = 1; blocks.length * 32 < length; i++) {
    t = hmac256(prk, t, infoBytes, Uint8Array.of(i));
    blocks.push(t);
  }
  return Buffer.concat(blocks).subarray(0, length);
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
      if (c.plaintextStart !== undefined && c.iv.length === 12 && gcmKeystream(key, c.iv, c.ciphertext.subarray(0, 1))[0] !== c.plaintextStart) return false;
      try {
        const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, c.iv);
        if (c.aad) d.setAAD(c.aad);
        d.setAuthTag(c.tag);
        d.update(c.ciphertext);
        d.final();
        return true;
      } catch {
        return false;
      }
    }
    case 'plug-gcm':
      // needs the candidate for its second key: plugGcm()
      return false;
    case 'cbc-hs512': {
      const al = Buffer.alloc(8);
      al.writeUInt32BE(c.aad.length * 8, 4);
      const mac = createHmac('sha512', key.subarray(0, 32)).update(c.aad).update(c.iv).update(c.ciphertext).update(al).digest().subarray(0, 32);
      return mac.length === c.tag.length && timingSafeEqual(mac, c.tag);
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

/** AES-GCM authenticated decryption, or `undefined` for a wrong key. */
function gcmOpen(key: Buffer, iv: Uint8Array, ciphertext: Uint8Array, tag: Uint8Array, aad: Uint8Array): Buffer | undefined {
  try {
    const d = createDecipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, iv);
    d.setAAD(aad);
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
