/**
 * AES-256 encryption of one block (FIPS 197), for the audit's cheap first-byte check of AES-GCM
 * cookies (NextAuth v4): keystream block 1 of GCM with a 96-bit IV is AES_K(IV ‖ 00000002)
 * (NIST SP 800-38D §7.2), and a candidate key is only worth an authenticated decryption when
 * that keystream turns the first cipher text byte into the byte every plaintext starts with.
 * node:crypto would create a Decipher object per candidate key — more than the AES itself
 * costs — so this expands each key as its rounds run and encrypts with the usual 32-bit T-tables.
 * Not constant-time: only for keys being guessed, never for a real secret in use.
 *
 * Checked against node:crypto's aes-256-ecb in tests/unit/cli/audit-hkdf.test.ts.
 */

/** FIPS 197 §5.1.1 S-box, built from its definition (multiplicative inverse in GF(2⁸), then the affine map). */
const SBOX = new Uint8Array(256);
{
  const rotl8 = (x: number, n: number) => ((x << n) | (x >>> (8 - n))) & 0xff;
  // p runs over GF(2⁸)* by multiplying by 3, q over the inverses by dividing by 3.
  let p = 1;
  let q = 1;
  do {
    p = (p ^ (p << 1) ^ (p & 0x80 ? 0x1b : 0)) & 0xff;
    q ^= q << 1;
    q ^= q << 2;
    q ^= q << 4;
    q &= 0xff;
    if (q & 0x80) q ^= 0x09;
    SBOX[p] = q ^ rotl8(q, 1) ^ rotl8(q, 2) ^ rotl8(q, 3) ^ rotl8(q, 4) ^ 0x63;
  } while (p !== 1);
  SBOX[0] = 0x63;
}

/** Round tables: SubBytes, ShiftRows and MixColumns (FIPS 197 §5.1.3) of one byte as a column word, in its four rotations. */
const TE0 = new Int32Array(256);
const TE1 = new Int32Array(256);
const TE2 = new Int32Array(256);
const TE3 = new Int32Array(256);
for (let x = 0; x < 256; x++) {
  const s = SBOX[x]!;
  const s2 = ((s << 1) ^ (s & 0x80 ? 0x1b : 0)) & 0xff;
  const w = (s2 << 24) | (s << 16) | (s << 8) | (s2 ^ s);
  TE0[x] = w;
  TE1[x] = (w >>> 8) | (w << 24);
  TE2[x] = (w >>> 16) | (w << 16);
  TE3[x] = (w >>> 24) | (w << 8);
}

/** FIPS 197 §5.2 round constants for AES-256's seven SubWord(RotWord) steps. */
const RCON = [0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40];

const subWord = (t: number) => (SBOX[t >>> 24]! << 24) | (SBOX[(t >>> 16) & 0xff]! << 16) | (SBOX[(t >>> 8) & 0xff]! << 8) | SBOX[t & 0xff]!;
/** SubWord(RotWord(t)) (FIPS 197 §5.2). */
const subRotWord = (t: number) => (SBOX[(t >>> 16) & 0xff]! << 24) | (SBOX[(t >>> 8) & 0xff]! << 16) | (SBOX[t & 0xff]! << 8) | SBOX[t >>> 24]!;

/**
 * AES-256 encryption of single blocks, each under its own key: the key schedule (FIPS 197 §5.2)
 * is expanded as the rounds use it, eight words at a time in locals — nothing is stored per key.
 * Words are big-endian, as FIPS 197 writes them: byte 0 of the block is the top byte of word 0.
 *
 * @example
 * const aes = new Aes256();
 * aes.encrypt(keyWords, 0, 1, iv0, iv1, iv2, 2) >>> 24 // the first keystream byte of AES-GCM block 1
 */
export class Aes256 {
  /** The last block {@link encrypt}ed, as four words. */
  readonly out = new Int32Array(4);

  /**
   * Encrypts the block (four words) under the key whose word i is `key[at + i * step]` into
   * {@link out}; returns its first word.
   */
  encrypt(key: ArrayLike<number>, at: number, step: number, b0: number, b1: number, b2: number, b3: number): number {
    let k0 = key[at]!;
    let k1 = key[at + step]!;
    let k2 = key[at + 2 * step]!;
    let k3 = key[at + 3 * step]!;
    let k4 = key[at + 4 * step]!;
    let k5 = key[at + 5 * step]!;
    let k6 = key[at + 6 * step]!;
    let k7 = key[at + 7 * step]!;
    let s0 = b0 ^ k0;
    let s1 = b1 ^ k1;
    let s2 = b2 ^ k2;
    let s3 = b3 ^ k3;
    // Rounds 1–13: odd rounds take the second half of the last eight key words, even rounds expand eight more first.
    for (let r = 1; r < 14; r++) {
      let r0 = k4;
      let r1 = k5;
      let r2 = k6;
      let r3 = k7;
      if ((r & 1) === 0) {
        k0 ^= subRotWord(k7) ^ (RCON[(r >>> 1) - 1]! << 24);
        k1 ^= k0;
        k2 ^= k1;
        k3 ^= k2;
        k4 ^= subWord(k3);
        k5 ^= k4;
        k6 ^= k5;
        k7 ^= k6;
        r0 = k0;
        r1 = k1;
        r2 = k2;
        r3 = k3;
      }
      const t0 = TE0[s0 >>> 24]! ^ TE1[(s1 >>> 16) & 0xff]! ^ TE2[(s2 >>> 8) & 0xff]! ^ TE3[s3 & 0xff]! ^ r0;
      const t1 = TE0[s1 >>> 24]! ^ TE1[(s2 >>> 16) & 0xff]! ^ TE2[(s3 >>> 8) & 0xff]! ^ TE3[s0 & 0xff]! ^ r1;
      const t2 = TE0[s2 >>> 24]! ^ TE1[(s3 >>> 16) & 0xff]! ^ TE2[(s0 >>> 8) & 0xff]! ^ TE3[s1 & 0xff]! ^ r2;
      const t3 = TE0[s3 >>> 24]! ^ TE1[(s0 >>> 16) & 0xff]! ^ TE2[(s1 >>> 8) & 0xff]! ^ TE3[s2 & 0xff]! ^ r3;
      s0 = t0;
      s1 = t1;
      s2 = t2;
      s3 = t3;
    }
    // Round 14 (no MixColumns, FIPS 197 §5.1) takes key words 56–59.
    k0 ^= subRotWord(k7) ^ (RCON[6]! << 24);
    k1 ^= k0;
    k2 ^= k1;
    k3 ^= k2;
    const out = this.out;
    out[0] = ((SBOX[s0 >>> 24]! << 24) | (SBOX[(s1 >>> 16) & 0xff]! << 16) | (SBOX[(s2 >>> 8) & 0xff]! << 8) | SBOX[s3 & 0xff]!) ^ k0;
    out[1] = ((SBOX[s1 >>> 24]! << 24) | (SBOX[(s2 >>> 16) & 0xff]! << 16) | (SBOX[(s3 >>> 8) & 0xff]! << 8) | SBOX[s0 & 0xff]!) ^ k1;
    out[2] = ((SBOX[s2 >>> 24]! << 24) | (SBOX[(s3 >>> 16) & 0xff]! << 16) | (SBOX[(s0 >>> 8) & 0xff]! << 8) | SBOX[s1 & 0xff]!) ^ k2;
    out[3] = ((SBOX[s3 >>> 24]! << 24) | (SBOX[(s0 >>> 16) & 0xff]! << 16) | (SBOX[(s1 >>> 8) & 0xff]! << 8) | SBOX[s2 & 0xff]!) ^ k3;
    return out[0]!;
  }
}

/**
 * AES-256 of one 16-byte block under a 32-byte key (ECB of one block).
 * @example aes256EncryptBlock(key, new Uint8Array(16)) // 16 bytes
 */
export function aes256EncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (key.length !== 32 || block.length !== 16) throw new RangeError('AES-256 takes a 32-byte key and a 16-byte block');
  const word = (b: Uint8Array, i: number) => (b[4 * i]! << 24) | (b[4 * i + 1]! << 16) | (b[4 * i + 2]! << 8) | b[4 * i + 3]!;
  const aes = new Aes256();
  aes.encrypt(Array.from({ length: 8 }, (_, i) => word(key, i)), 0, 1, word(block, 0), word(block, 1), word(block, 2), word(block, 3));
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = aes.out[i >>> 2]! >>> (24 - (i & 3) * 8);
  return out;
}
