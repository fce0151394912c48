/**
 * SHA-256 compression in WebAssembly, assembled here from a few dozen opcodes (no toolchain, no
 * binary blob): `i32.rotr` is one instruction, and the round loop runs without JavaScript's
 * speculation guards. Used by {@link WasmSignerCracker} for the `audit` hot loop.
 *
 * Memory layout (bytes): 0–255 the round constants K (FIPS 180-4 §4.2.2), 256–511 the message
 * schedule W, from 512 on: buffers owned by the caller. Words are stored as native i32 values
 * (not big-endian bytes), so JavaScript writes them through an Int32Array view.
 */
import type { FastMatch, SaltPrefix } from './fast-hmac.ts';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';

const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
const IV256 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// WebAssembly opcodes (WebAssembly Core Specification 1.0 §5.4).
const OP = {
  end: 0x0b,
  call: 0x10,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  store: 0x36,
  const: 0x41,
  add: 0x6a,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  shrU: 0x76,
  rotr: 0x78,
} as const;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/** A tiny assembler for one function body. */
class Body {
  readonly code: number[] = [];
  get(l: number) {
    this.code.push(OP.get, ...uleb(l));
    return this;
  }
  set(l: number) {
    this.code.push(OP.set, ...uleb(l));
    return this;
  }
  tee(l: number) {
    this.code.push(OP.tee, ...uleb(l));
    return this;
  }
  c(v: number) {
    this.code.push(OP.const, ...sleb(v | 0));
    return this;
  }
  load(offset: number) {
    this.code.push(OP.load, 2, ...uleb(offset));
    return this;
  }
  store(offset: number) {
    this.code.push(OP.store, 2, ...uleb(offset));
    return this;
  }
  op(...ops: number[]) {
    this.code.push(...ops);
    return this;
  }
  /** rotr(local, n) */
  rotr(l: number, n: number) {
    return this.get(l).c(n).op(OP.rotr);
  }
  /** Wraps a body with its local declarations: `count` extra i32 locals. */
  finish(locals: number): number[] {
    const body = [...(locals ? [1, ...uleb(locals), 0x7f] : [0]), ...this.code, OP.end];
    return [...uleb(body.length), ...body];
  }
}

/**
 * rounds(state, wbase): the 64 rounds over the schedule at `wbase`, added into `state`. Fully
 * unrolled: K is an immediate and the a…h rotation is a renaming of locals, not moves.
 */
function roundsBody(): number[] {
  const state = 0;
  const wbase = 1;
  const t1 = 10;
  const s = new Body();
  const v = [2, 3, 4, 5, 6, 7, 8, 9]; // locals holding a, b, c, d, e, f, g, h
  v.forEach((l, k) => s.get(state).load(k * 4).set(l));
  for (let i = 0; i < 64; i++) {
    const [a, b, c, d, e, f, g, h] = v as [number, number, number, number, number, number, number, number];
    // t1 = h + Σ1(e) + Ch(e,f,g) + K[i] + W[i]
    s.get(h);
    s.rotr(e, 6).rotr(e, 11).op(OP.xor).rotr(e, 25).op(OP.xor).op(OP.add);
    s.get(g).get(e).get(f).get(g).op(OP.xor, OP.and, OP.xor, OP.add);
    s.c(K256[i]!).op(OP.add);
    s.get(wbase).load(i * 4).op(OP.add);
    s.tee(t1);
    // d += t1 (d becomes the new e)
    s.get(d).op(OP.add).set(d);
    // h = t1 + Σ0(a) + Maj(a,b,c) (h becomes the new a)
    s.get(t1);
    s.rotr(a, 2).rotr(a, 13).op(OP.xor).rotr(a, 22).op(OP.xor).op(OP.add);
    s.get(a).get(b).op(OP.and).get(c).get(a).get(b).op(OP.or, OP.and, OP.or, OP.add);
    s.set(h);
    v.unshift(v.pop()!);
  }
  v.forEach((l, k) => s.get(state).get(state).load(k * 4).get(l).op(OP.add).store(k * 4));
  return s.finish(9);
}

/** compress(state, block): copies the 16-word block into W, expands it (unrolled), runs the rounds. */
function compressBody(): number[] {
  const state = 0;
  const block = 1;
  const x = 2;
  const s = new Body();
  for (let i = 0; i < 16; i++) s.c(0).get(block).load(i * 4).store(256 + i * 4);
  // W[i] = W[i-16] + σ0(W[i-15]) + W[i-7] + σ1(W[i-2]), W at byte 256.
  for (let i = 16; i < 64; i++) {
    s.c(0);
    s.c(0).load(256 + (i - 16) * 4);
    s.c(0).load(256 + (i - 15) * 4).tee(x).c(7).op(OP.rotr).get(x).c(18).op(OP.rotr, OP.xor).get(x).c(3).op(OP.shrU, OP.xor).op(OP.add);
    s.c(0).load(256 + (i - 7) * 4).op(OP.add);
    s.c(0).load(256 + (i - 2) * 4).tee(x).c(17).op(OP.rotr).get(x).c(19).op(OP.rotr, OP.xor).get(x).c(10).op(OP.shrU, OP.xor).op(OP.add);
    s.store(256 + i * 4);
  }
  s.get(state).c(256).op(OP.call, 0);
  return s.finish(1);
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
}

/** The module's bytes: functions `rounds` (0) and `compress` (1), memory `memory`. */
export function sha256WasmBytes(pages: number): Uint8Array<ArrayBuffer> {
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 2, 0x7f, 0x7f, 0]),
    ...section(3, [2, 0, 0]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [3, ...name('memory'), 2, 0, ...name('rounds'), 0, 0, ...name('compress'), 0, 1]),
    ...section(10, [2, ...roundsBody(), ...compressBody()]),
  ];
  return new Uint8Array(bytes);
}

/** Where the caller's buffers start in the module's memory. */
const HEAP = 512;

/**
 * Django signer HMAC-SHA256 over WebAssembly SHA-256 (sha256 targets only). Same interface as
 * {@link SignerCracker}; one per worker.
 *
 * @example
 * const c = new WasmSignerCracker([{ message, signature }], [{ salt: 'django.core.signing', keyPrefix: '' }]);
 * c.check('changeme')
 */
export class WasmSignerCracker {
  private readonly mem: Int32Array;
  private readonly rounds: (state: number, wbase: number) => void;
  private readonly compress: (state: number, block: number) => void;
  // Word offsets (Int32Array indexes) of the buffers.
  private readonly keyState: number;
  private readonly inner: number;
  private readonly outer: number;
  private readonly pad: number;
  private readonly words: number;
  private readonly prefixWords: Int32Array[];
  private readonly prefixLengths: number[];
  private readonly targets: { schedule: number; blocks: number; signature: Int32Array }[];

  constructor(targets: readonly { message: Uint8Array; signature: Uint8Array }[], salts: readonly SaltPrefix[]) {
    const encoder = new TextEncoder();
    const prefixes = salts.map((s) => encoder.encode(`${s.salt}signer${s.keyPrefix}`));
    const wordsLen = Math.ceil((MAX_CANDIDATE_BYTES + Math.max(0, ...prefixes.map((p) => p.length)) + 72) / 4);
    const scheduleWords = targets.reduce((n, t) => n + Math.ceil((t.message.length + 9) / 64) * 64, 0);
    const bytesNeeded = HEAP + (8 * 3 + 16 + wordsLen + scheduleWords) * 4;
    const pages = Math.ceil(bytesNeeded / 65536);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(sha256WasmBytes(pages)));
    const exports = instance.exports as { memory: WebAssembly.Memory; rounds: WasmSignerCracker['rounds']; compress: WasmSignerCracker['compress'] };
    this.mem = new Int32Array(exports.memory.buffer);
    this.rounds = exports.rounds;
    this.compress = exports.compress;
    this.mem.set(K256.map((k) => k | 0), 0);
    let at = HEAP / 4;
    const take = (n: number) => {
      const o = at;
      at += n;
      return o;
    };
    this.keyState = take(8);
    this.inner = take(8);
    this.outer = take(8);
    this.pad = take(16);
    this.words = take(wordsLen);
    this.prefixWords = prefixes.map((p) => toWords(p));
    this.prefixLengths = prefixes.map((p) => p.length);
    this.targets = targets.map((t) => {
      // The message as the tail of (K ⊕ ipad) ‖ message: padded for 64 + length bytes.
      const blocks = Math.ceil((t.message.length + 9) / 64);
      const padded = new Int32Array(blocks * 16);
      padded.set(toWords(t.message));
      padded[t.message.length >> 2]! |= 0x80 << (24 - (t.message.length & 3) * 8);
      const bits = (64 + t.message.length) * 8;
      padded[blocks * 16 - 2] = Math.floor(bits / 0x100000000) | 0;
      padded[blocks * 16 - 1] = bits | 0;
      // Precompute each block's schedule once: compress a scratch state, keep W.
      const schedule = take(blocks * 64);
      for (let b = 0; b < blocks; b++) {
        this.mem.set(padded.subarray(b * 16, b * 16 + 16), this.pad);
        this.mem.set(IV256, this.inner);
        this.compress(this.inner * 4, this.pad * 4);
        this.mem.copyWithin(schedule + b * 64, 64, 128);
      }
      return { schedule, blocks, signature: toWords(t.signature) };
    });
  }

  /** Checks one candidate given as a string. */
  check(candidate: string, skip?: ReadonlySet<number>): FastMatch[] {
    const b = new TextEncoder().encode(candidate);
    return this.checkBytes(b, 0, b.length, skip);
  }

  /** Checks the candidate whose UTF-8 bytes are `src[offset, offset + n)`. */
  checkBytes(src: Uint8Array, offset: number, n: number, skip?: ReadonlySet<number>): FastMatch[] {
    let out: FastMatch[] | undefined;
    if (n > MAX_CANDIDATE_BYTES) return [];
    const mem = this.mem;
    const words = this.words;
    const pad = this.pad;
    for (let s = 0; s < this.prefixWords.length; s++) {
      const plen = this.prefixLengths[s]!;
      const len = plen + n;
      const blocks = (len + 9 + 63) >>> 6;
      mem.fill(0, words, words + blocks * 16);
      mem.set(this.prefixWords[s]!, words);
      for (let i = 0; i < n; i++) {
        const pos = plen + i;
        mem[words + (pos >> 2)]! |= src[offset + i]! << (24 - (pos & 3) * 8);
      }
      mem[words + (len >> 2)]! |= 0x80 << (24 - (len & 3) * 8);
      const bits = len * 8;
      mem[words + blocks * 16 - 2] = Math.floor(bits / 0x100000000) | 0;
      mem[words + blocks * 16 - 1] = bits | 0;
      // key = SHA-256(salt + "signer" + keyPrefix + candidate)
      mem.set(IV256, this.keyState);
      for (let b = 0; b < blocks; b++) this.compress(this.keyState * 4, (words + b * 16) * 4);
      for (let t = 0; t < this.targets.length; t++) {
        if (skip !== undefined && skip.has(t)) continue;
        const target = this.targets[t]!;
        for (let i = 0; i < 16; i++) mem[pad + i] = (i < 8 ? mem[this.keyState + i]! : 0) ^ 0x36363636;
        mem.set(IV256, this.inner);
        this.compress(this.inner * 4, pad * 4);
        for (let b = 0; b < target.blocks; b++) this.rounds(this.inner * 4, (target.schedule + b * 64) * 4);
        for (let i = 0; i < 16; i++) mem[pad + i] = (i < 8 ? mem[this.keyState + i]! : 0) ^ 0x5c5c5c5c;
        mem.set(IV256, this.outer);
        this.compress(this.outer * 4, pad * 4);
        for (let i = 0; i < 8; i++) mem[pad + i] = mem[this.inner + i]!;
        mem[pad + 8] = 0x80000000 | 0;
        for (let i = 9; i < 15; i++) mem[pad + i] = 0;
        mem[pad + 15] = (64 + 32) * 8;
        this.compress(this.outer * 4, pad * 4);
        let diff = 0;
        for (let i = 0; i < 8; i++) diff |= mem[this.outer + i]! ^ target.signature[i]!;
        if (diff === 0) (out ??= []).push({ target: t, salt: s });
      }
    }
    return out ?? [];
  }
}

function toWords(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) out[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  return out;
}
