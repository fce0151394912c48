/**
 * HKDF-SHA256 (RFC 5869) for the audit's one-candidate-at-a-time path (framework-check.ts: the
 * engines other than SIMD, and candidates too long for a SIMD lane), on the pure-JS SHA-256 of
 * fast-hmac.ts. A key salt is the same for every candidate, so its HMAC pad states (RFC 2104) are
 * computed once; the first Expand block's message (`info ‖ 0x01`) is padded once. Per candidate:
 * Extract (the candidate's blocks, then one outer block), the PRK's two pad blocks, then two or
 * three blocks per 32 bytes of output — no node:crypto object, no allocation but the result.
 *
 * Checked against node:crypto's hkdfSync in tests/unit/cli/audit-hkdf.test.ts.
 */
import { createHash } from 'node:crypto';
import { bytesToWords, compress256, IV256, padToWords } from './fast-hmac.ts';

/** The SHA-256 state after one key block `K ⊕ pad` (K zero-padded to 64 bytes). */
function padState(key: Int32Array, pad: number, w: Int32Array, block: Int32Array): Int32Array {
  for (let i = 0; i < 16; i++) block[i] = (key[i] ?? 0) ^ pad;
  const h = Int32Array.from(IV256);
  compress256(h, w, block, 0);
  return h;
}

/**
 * HKDF-SHA256 with one (salt, info).
 *
 * @example new Hkdf256('', 'NextAuth.js Generated Encryption Key').derive(utf8(NEXTAUTH_SECRET), 32)
 */
export class Hkdf256 {
  private readonly saltIpad: Int32Array;
  private readonly saltOpad: Int32Array;
  private readonly info: Uint8Array;
  /** `info ‖ 0x01` padded as an HMAC message (after the key block), and its block count. */
  private readonly first: Int32Array;
  private readonly firstBlocks: number;
  private readonly w = new Int32Array(64);
  private readonly st = new Int32Array(8);
  private readonly block = new Int32Array(16);
  private readonly prkIpad = new Int32Array(8);
  private readonly prkOpad = new Int32Array(8);
  private words = new Int32Array(64);
  private bytes = new Uint8Array(0);

  constructor(salt: string | Uint8Array, info: string | Uint8Array) {
    const enc = new TextEncoder();
    let key: Uint8Array = typeof salt === 'string' ? enc.encode(salt) : salt;
    // RFC 2104 §2: a key longer than the block is hashed first.
    if (key.length > 64) key = createHash('sha256').update(key).digest();
    const keyWords = bytesToWords(key);
    this.saltIpad = padState(keyWords, 0x36363636, this.w, this.block);
    this.saltOpad = padState(keyWords, 0x5c5c5c5c, this.w, this.block);
    this.info = typeof info === 'string' ? enc.encode(info) : info;
    const message = new Uint8Array(this.info.length + 1);
    message.set(this.info);
    message[this.info.length] = 1;
    this.first = new Int32Array(Math.ceil((message.length + 9) / 64) * 16);
    this.firstBlocks = padToWords(message, message.length, 64 + message.length, this.first);
  }

  /** OKM = HKDF-SHA256(ikm, salt, info) of `length` bytes (at most 255 × 32, RFC 5869 §2.3). */
  derive(ikm: Uint8Array, length: number): Buffer {
    if (length > 255 * 32) throw new RangeError('HKDF-SHA256 gives at most 8160 bytes');
    const { st, w, block } = this;
    // Extract: PRK = HMAC(salt, ikm).
    const words = this.wordsFor(ikm.length);
    const blocks = padToWords(ikm, ikm.length, 64 + ikm.length, words);
    this.hmac(this.saltIpad, this.saltOpad, words, blocks);
    // The PRK's pad states.
    for (let i = 0; i < 16; i++) block[i] = (i < 8 ? st[i]! : 0) ^ 0x36363636;
    this.prkIpad.set(IV256);
    compress256(this.prkIpad, w, block, 0);
    for (let i = 0; i < 16; i++) block[i] = (i < 8 ? st[i]! : 0) ^ 0x5c5c5c5c;
    this.prkOpad.set(IV256);
    compress256(this.prkOpad, w, block, 0);
    // Expand: T(i) = HMAC(PRK, T(i - 1) ‖ info ‖ i).
    const out = Buffer.allocUnsafe(length);
    for (let i = 1, at = 0; at < length; i++, at += 32) {
      if (i === 1) this.hmac(this.prkIpad, this.prkOpad, this.first, this.firstBlocks);
      else {
        const n = 32 + this.info.length + 1;
        if (this.bytes.length < n) this.bytes = new Uint8Array(n);
        for (let k = 0; k < 32; k++) this.bytes[k] = st[k >> 2]! >>> (24 - (k & 3) * 8);
        this.bytes.set(this.info, 32);
        this.bytes[n - 1] = i;
        const ws = this.wordsFor(n);
        this.hmac(this.prkIpad, this.prkOpad, ws, padToWords(this.bytes, n, 64 + n, ws));
      }
      for (let k = 0; k < 32 && at + k < length; k++) out[at + k] = st[k >> 2]! >>> (24 - (k & 3) * 8);
    }
    return out;
  }

  /** Scratch words for a padded message of `n` bytes. */
  private wordsFor(n: number): Int32Array {
    const need = Math.ceil((n + 9) / 64) * 16;
    if (this.words.length < need) this.words = new Int32Array(need);
    return this.words;
  }

  /** HMAC from the key's pad states over padded message words, into `st`. */
  private hmac(ipad: Int32Array, opad: Int32Array, words: Int32Array, blocks: number): void {
    const { st, w, block } = this;
    st.set(ipad);
    for (let b = 0; b < blocks; b++) compress256(st, w, words, b * 16);
    block.set(st);
    block[8] = 0x80000000 | 0;
    block.fill(0, 9, 15);
    block[15] = (64 + 32) * 8;
    st.set(opad);
    compress256(st, w, block, 0);
  }
}
