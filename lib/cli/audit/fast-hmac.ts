/**
 * Allocation-free SHA-256 / SHA-1 and Django's signer HMAC for the `audit` hot loop.
 *
 * Django signs `PAYLOAD:TS` with `HMAC(H(salt + "signer" + SECRET_KEY), PAYLOAD:TS)`
 * (django/core/signing.py `Signer.signature` → django/utils/crypto.py `salted_hmac`). Trying one
 * candidate key costs a key hash plus an HMAC over a message that is the same for every candidate,
 * so the message's padded words are prepared once per value and reused; node:crypto's per-call
 * object creation would cost more than the hashing itself.
 *
 * Checked against node:crypto in tests/unit/cli/audit.test.ts.
 */

/** FIPS 180-4 §4.2.2 SHA-256 constants. */
const K256 = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/** FIPS 180-4 §5.3.3 / §5.3.1 initial hash values. */
export const IV256 = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const IV1 = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);

/** Supported by the fast path; anything else goes through node:crypto. */
export type FastAlgorithm = 'sha256' | 'sha1';

interface HashSpec {
  /** Digest words (8 for SHA-256, 5 for SHA-1). */
  words: number;
  /** Message schedule length (64 for SHA-256, 80 for SHA-1). */
  rounds: number;
  iv: Int32Array;
  compress(h: Int32Array, w: Int32Array, block: Int32Array, offset: number): void;
  compressScheduled(h: Int32Array, w: Int32Array, offset: number): void;
}

export function compress256(h: Int32Array, w: Int32Array, block: Int32Array, offset: number): void {
  for (let i = 0; i < 16; i++) w[i] = block[offset + i]!;
  for (let i = 16; i < 64; i++) {
    const a = w[i - 15]!;
    const b = w[i - 2]!;
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
  compress256Scheduled(h, w, 0);
}

/** SHA-256 with a precomputed 64-word message schedule (for blocks that never change). */
function compress256Scheduled(h: Int32Array, w: Int32Array, offset: number): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  let f = h[5]!;
  let g = h[6]!;
  let hh = h[7]!;
  for (let i = 0; i < 64; i++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (hh + s1 + ((e & f) ^ (~e & g)) + K256[i]! + w[offset + i]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    hh = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
  h[5] = (h[5]! + f) | 0;
  h[6] = (h[6]! + g) | 0;
  h[7] = (h[7]! + hh) | 0;
}

/** SHA-1 with a precomputed 80-word message schedule. */
function compress1Scheduled(h: Int32Array, w: Int32Array, offset: number): void {
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  for (let i = 0; i < 80; i++) {
    let f: number;
    let k: number;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc | 0;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6 | 0;
    }
    const t = (((a << 5) | (a >>> 27)) + f + e + k + w[offset + i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}

function compress1(h: Int32Array, w: Int32Array, block: Int32Array, offset: number): void {
  for (let i = 0; i < 16; i++) w[i] = block[offset + i]!;
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  compress1Scheduled(h, w, 0);
}

const SPECS: Record<FastAlgorithm, HashSpec> = {
  sha256: { words: 8, rounds: 64, iv: IV256, compress: compress256, compressScheduled: compress256Scheduled },
  sha1: { words: 5, rounds: 80, iv: IV1, compress: compress1, compressScheduled: compress1Scheduled },
};

/**
 * Writes `bytes[0..len)` plus SHA padding for a message of `totalLen` bytes (the bytes may be
 * the tail of a longer message) as big-endian words into `out`; returns the number of blocks.
 */
export function padToWords(bytes: Uint8Array, len: number, totalLen: number, out: Int32Array): number {
  const blocks = Math.ceil((len + 9) / 64);
  const words = blocks * 16;
  out.fill(0, 0, words);
  for (let i = 0; i < len; i++) out[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  out[len >> 2]! |= 0x80 << (24 - (len & 3) * 8);
  const bits = totalLen * 8;
  out[words - 2] = Math.floor(bits / 0x100000000) | 0;
  out[words - 1] = bits | 0;
  return blocks;
}

/** Big-endian words of a digest or signature. */
export function bytesToWords(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) out[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  return out;
}

/** Big-endian bytes of digest words. */
export function wordsToBytes(words: Int32Array, n: number): Uint8Array {
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n * 4; i++) out[i] = (words[i >> 2]! >>> (24 - (i & 3) * 8)) & 0xff;
  return out;
}

/** A value to crack: its HMAC message, prepared once, and the signature to match. */
export interface PreparedTarget {
  algorithm: FastAlgorithm;
  /** Padded words of the message as the tail of a 64-byte-key-block + message HMAC input. */
  innerWords: Int32Array;
  innerBlocks: number;
  /** The message schedule of every inner block, computed once (blocks × rounds words). */
  innerSchedule: Int32Array;
  /** The signature's digest words. */
  signature: Int32Array;
}

/**
 * Prepares a signed value's message and signature for {@link SignerCracker}.
 *
 * @example
 * prepareTarget(utf8('eyJhIjoxfQ:1r31eq'), b64Decode(sig), 'sha256')
 */
export function prepareTarget(message: Uint8Array, signature: Uint8Array, algorithm: FastAlgorithm): PreparedTarget {
  const words = new Int32Array(Math.ceil((message.length + 9) / 64) * 16);
  const innerBlocks = padToWords(message, message.length, 64 + message.length, words);
  const spec = SPECS[algorithm];
  const innerSchedule = new Int32Array(innerBlocks * spec.rounds);
  const w = new Int32Array(80);
  const scratch = new Int32Array(spec.words);
  for (let b = 0; b < innerBlocks; b++) {
    // compress() leaves the expanded schedule in w: keep it.
    spec.compress(scratch, w, words, b * 16);
    innerSchedule.set(w.subarray(0, spec.rounds), b * spec.rounds);
  }
  return { algorithm, innerWords: words, innerBlocks, innerSchedule, signature: bytesToWords(signature) };
}

/** One (salt, key prefix) pair to try: key = H(salt + "signer" + keyPrefix + candidate). */
export interface SaltPrefix {
  salt: string;
  /** "" for `Signer`, "django.http.cookies" for `get_cookie_signer`. */
  keyPrefix: string;
}

/** A match: which target, which salt index. */
export interface FastMatch {
  target: number;
  salt: number;
}

const encoder = new TextEncoder();
const NONE: FastMatch[] = [];
/** Longest candidate tried, in UTF-8 bytes (a longer one is skipped: no real key is that long). */
export const MAX_CANDIDATE_BYTES = 48 * 1024;
/** Longest salt + "signer" + key prefix, in bytes. */
const MAX_PREFIX_BYTES = 4096;

/**
 * Tries candidate SECRET_KEYs against prepared targets, for every salt. Not thread-safe (reuses
 * buffers); make one per worker.
 *
 * @example
 * const cracker = new SignerCracker([target], [{ salt: 'django.core.signing', keyPrefix: '' }]);
 * cracker.check('candidate') // [] or [{ target: 0, salt: 0 }]
 */
export class SignerCracker {
  private readonly prefixWords: Int32Array[];
  private readonly prefixLengths: number[];
  /** The candidate's UTF-8 bytes. */
  private readonly cand = new Uint8Array(MAX_CANDIDATE_BYTES);
  private readonly words = new Int32Array((MAX_CANDIDATE_BYTES + MAX_PREFIX_BYTES + 72) / 4);
  private readonly w = new Int32Array(80);
  private readonly key = new Int32Array(8);
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly pad = new Int32Array(16);
  private readonly algorithms: FastAlgorithm[];

  constructor(
    private readonly targets: readonly PreparedTarget[],
    salts: readonly SaltPrefix[],
  ) {
    const prefixes = salts.map((s) => encoder.encode(`${s.salt}signer${s.keyPrefix}`).subarray(0, MAX_PREFIX_BYTES));
    this.prefixWords = prefixes.map(bytesToWords);
    this.prefixLengths = prefixes.map((p) => p.length);
    this.algorithms = [...new Set(targets.map((t) => t.algorithm))];
  }

  /** Checks one candidate; returns every (target, salt) it signs. */
  check(candidate: string, skip?: ReadonlySet<number>): FastMatch[] {
    const enc = encoder.encodeInto(candidate, this.cand);
    if (enc.read !== candidate.length) return NONE;
    return this.checkBytes(this.cand, 0, enc.written, skip);
  }

  /**
   * Checks the candidate whose UTF-8 bytes are `src[offset, offset + n)` (a slice of a wordlist
   * read as bytes: no string is ever made).
   */
  checkBytes(src: Uint8Array, offset: number, n: number, skip?: ReadonlySet<number>): FastMatch[] {
    let out: FastMatch[] = NONE;
    if (n > MAX_CANDIDATE_BYTES) return out;
    const words = this.words;
    for (let s = 0; s < this.prefixWords.length; s++) {
      // Key message = salt + "signer" + keyPrefix + candidate, padded (FIPS 180-4 §5.1.1).
      const plen = this.prefixLengths[s]!;
      const len = plen + n;
      const blocks = (len + 9 + 63) >>> 6;
      words.fill(0, 0, blocks * 16);
      words.set(this.prefixWords[s]!);
      for (let i = 0; i < n; i++) {
        const pos = plen + i;
        words[pos >> 2]! |= src[offset + i]! << (24 - (pos & 3) * 8);
      }
      words[len >> 2]! |= 0x80 << (24 - (len & 3) * 8);
      const bits = len * 8;
      words[blocks * 16 - 2] = Math.floor(bits / 0x100000000) | 0;
      words[blocks * 16 - 1] = bits | 0;
      for (let a = 0; a < this.algorithms.length; a++) {
        const algorithm = this.algorithms[a]!;
        const spec = SPECS[algorithm];
        this.key.set(spec.iv);
        for (let b = 0; b < blocks; b++) spec.compress(this.key, this.w, words, b * 16);
        for (let t = 0; t < this.targets.length; t++) {
          const target = this.targets[t]!;
          if (target.algorithm !== algorithm || (skip !== undefined && skip.has(t))) continue;
          if (this.hmacMatches(spec, target)) {
            if (out === NONE) out = [];
            out.push({ target: t, salt: s });
          }
        }
      }
    }
    return out;
  }

  /** HMAC(key, message) with the key digest shorter than the 64-byte block (RFC 2104). */
  private hmacMatches(spec: HashSpec, target: PreparedTarget): boolean {
    const n = spec.words;
    const pad = this.pad;
    for (let i = 0; i < 16; i++) pad[i] = (i < n ? this.key[i]! : 0) ^ 0x36363636;
    this.inner.set(spec.iv);
    spec.compress(this.inner, this.w, pad, 0);
    for (let b = 0; b < target.innerBlocks; b++) spec.compressScheduled(this.inner, target.innerSchedule, b * spec.rounds);
    for (let i = 0; i < 16; i++) pad[i] = (i < n ? this.key[i]! : 0) ^ 0x5c5c5c5c;
    this.outer.set(spec.iv);
    spec.compress(this.outer, this.w, pad, 0);
    // Final outer block: inner digest, 0x80, zeros, length (64 + digest bytes) * 8 bits.
    for (let i = 0; i < 16; i++) pad[i] = i < n ? this.inner[i]! : 0;
    pad[n] = 0x80000000 | 0;
    pad[15] = (64 + n * 4) * 8;
    spec.compress(this.outer, this.w, pad, 0);
    const sig = target.signature;
    let diff = 0;
    for (let i = 0; i < n; i++) diff |= this.outer[i]! ^ sig[i]!;
    return diff === 0;
  }

  /** The full HMAC of the last check of `key` (for tests): Django's `Signer.signature` bytes. */
  static signatureOf(candidate: string, salt: SaltPrefix, message: Uint8Array, algorithm: FastAlgorithm): Uint8Array {
    const spec = SPECS[algorithm];
    const target = prepareTarget(message, new Uint8Array(spec.words * 4), algorithm);
    const c = new SignerCracker([target], [salt]);
    c.check(candidate);
    return wordsToBytes(c.outer, spec.words);
  }
}
