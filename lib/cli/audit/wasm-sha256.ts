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

/** FIPS 180-4 §4.2.2 round constants. */
export const K256 = [
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];
/** FIPS 180-4 §5.3.3 initial hash value. */
export const IV256 = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];

// WebAssembly opcodes (WebAssembly Core Specification 1.0 §5.4).
/** The scalar opcodes used here. */
export const OP = {
  loop: 0x03,
  end: 0x0b,
  brIf: 0x0d,
  call: 0x10,
  get: 0x20,
  set: 0x21,
  tee: 0x22,
  load: 0x28,
  store: 0x36,
  const: 0x41,
  eqz: 0x45,
  ne: 0x47,
  add: 0x6a,
  sub: 0x6b,
  and: 0x71,
  or: 0x72,
  xor: 0x73,
  shrU: 0x76,
  rotl: 0x77,
  rotr: 0x78,
} as const;

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** Signed LEB128. */
export function sleb(n: number): number[] {
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
export class Body {
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
    return this.finishTyped(locals ? [[locals, 0x7f]] : []);
  }
  /** Wraps a body with typed local declarations: `[count, valtype]` groups (0x7f i32, 0x7b v128). */
  finishTyped(groups: [number, number][]): number[] {
    const body = [...uleb(groups.length), ...groups.flatMap(([n, t]) => [...uleb(n), t]), ...this.code, OP.end];
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

/** Byte offsets of the module's fixed scratch: W, and the HMAC inner and outer states. */
const W = 256;
const INNER = 512;
const OUTER = 544;

// Function indexes.
const F_ROUNDS = 0;
const F_EXPAND = 1;
const F_COMPRESS = 2;
const F_COMPRESS_BE = 3;
const F_DERIVE = 4;
const F_HMAC = 5;

/** expand(): W[16..63] from W[0..15] (FIPS 180-4 §6.2.2 step 1), unrolled. */
function expandBody(): number[] {
  const x = 0;
  const s = new Body();
  for (let i = 16; i < 64; i++) {
    s.c(0);
    s.c(0).load(W + (i - 16) * 4);
    s.c(0).load(W + (i - 15) * 4).tee(x).c(7).op(OP.rotr).get(x).c(18).op(OP.rotr, OP.xor).get(x).c(3).op(OP.shrU, OP.xor).op(OP.add);
    s.c(0).load(W + (i - 7) * 4).op(OP.add);
    s.c(0).load(W + (i - 2) * 4).tee(x).c(17).op(OP.rotr).get(x).c(19).op(OP.rotr, OP.xor).get(x).c(10).op(OP.shrU, OP.xor).op(OP.add);
    s.store(W + i * 4);
  }
  return s.finish(1);
}

/** compress(state, block): a block of 16 native-order words. */
function compressBody(): number[] {
  const s = new Body();
  for (let i = 0; i < 16; i++) s.c(0).get(1).load(i * 4).store(W + i * 4);
  s.op(OP.call, F_EXPAND);
  s.get(0).c(W).op(OP.call, F_ROUNDS);
  return s.finish(0);
}

/** compressBE(state, bytes): a block of 64 message bytes (big-endian words, byte-swapped on load). */
function compressBeBody(): number[] {
  const x = 2;
  const s = new Body();
  for (let i = 0; i < 16; i++) {
    // bswap(x) = rotr(x & 0x00ff00ff, 8) | rotl(x & 0xff00ff00, 8)
    s.c(0);
    s.get(1).load(i * 4).tee(x).c(0x00ff00ff).op(OP.and).c(8).op(OP.rotr);
    s.get(x).c(0xff00ff00).op(OP.and).c(8).op(OP.rotl).op(OP.or);
    s.store(W + i * 4);
  }
  s.op(OP.call, F_EXPAND);
  s.get(0).c(W).op(OP.call, F_ROUNDS);
  return s.finish(1);
}

/** derive(state, bytes, blocks): state = SHA-256 of `blocks` already padded 64-byte blocks. */
function deriveBody(): number[] {
  const [state, bytes, blocks] = [0, 1, 2];
  const s = new Body();
  IV256.forEach((v, k) => s.get(state).c(v).store(k * 4));
  s.op(OP.loop, 0x40);
  s.get(state).get(bytes).op(OP.call, F_COMPRESS_BE);
  s.get(bytes).c(64).op(OP.add).set(bytes);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
  return s.finish(0);
}

/**
 * hmac(key, schedule, blocks, signature) → 1 when HMAC-SHA256(key, message) equals the 8 words at
 * `signature`; the message is given as `blocks` precomputed 64-word schedules at `schedule`
 * (padded as the tail of a 64-byte key block, RFC 2104).
 */
function hmacBody(): number[] {
  const [key, sched, blocks, sig] = [0, 1, 2, 3];
  const s = new Body();
  const padBlock = (xor: number) => {
    for (let i = 0; i < 8; i++) s.c(0).get(key).load(i * 4).c(xor).op(OP.xor).store(W + i * 4);
    for (let i = 8; i < 16; i++) s.c(0).c(xor).store(W + i * 4);
    s.op(OP.call, F_EXPAND);
  };
  // inner = H((K ⊕ ipad) ‖ message)
  IV256.forEach((v, k) => s.c(0).c(v).store(INNER + k * 4));
  padBlock(0x36363636);
  s.c(INNER).c(W).op(OP.call, F_ROUNDS);
  s.op(OP.loop, 0x40);
  s.c(INNER).get(sched).op(OP.call, F_ROUNDS);
  s.get(sched).c(256).op(OP.add).set(sched);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
  // outer = H((K ⊕ opad) ‖ inner)
  IV256.forEach((v, k) => s.c(0).c(v).store(OUTER + k * 4));
  padBlock(0x5c5c5c5c);
  s.c(OUTER).c(W).op(OP.call, F_ROUNDS);
  for (let i = 0; i < 8; i++) s.c(0).c(0).load(INNER + i * 4).store(W + i * 4);
  s.c(0).c(0x80000000).store(W + 32);
  for (let i = 9; i < 15; i++) s.c(0).c(0).store(W + i * 4);
  s.c(0).c((64 + 32) * 8).store(W + 60);
  s.op(OP.call, F_EXPAND);
  s.c(OUTER).c(W).op(OP.call, F_ROUNDS);
  // Equal when the OR of the XORs is zero.
  s.c(0).load(OUTER).get(sig).load(0).op(OP.xor);
  for (let i = 1; i < 8; i++) s.c(0).load(OUTER + i * 4).get(sig).load(i * 4).op(OP.xor, OP.or);
  s.op(OP.eqz);
  return s.finish(0);
}

/** A module section. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A name (UTF-8 length-prefixed; ASCII here). */
export function name(s: string): number[] {
  return [...uleb(s.length), ...[...s].map((ch) => ch.charCodeAt(0))];
}

/** The module's bytes: `rounds`, `compress`, `derive`, `hmac` and `memory`. */
export function sha256WasmBytes(pages: number): Uint8Array<ArrayBuffer> {
  const I = 0x7f;
  const types = [
    [0x60, 2, I, I, 0], // 0: (i32, i32) → ()
    [0x60, 0, 0], // 1: () → ()
    [0x60, 3, I, I, I, 0], // 2: (i32, i32, i32) → ()
    [0x60, 4, I, I, I, I, 1, I], // 3: (i32, i32, i32, i32) → i32
  ];
  const funcTypes = [0, 1, 0, 0, 2, 3]; // rounds, expand, compress, compressBE, derive, hmac
  const bodies = [roundsBody(), expandBody(), compressBody(), compressBeBody(), deriveBody(), hmacBody()];
  const exports: [string, number, number][] = [
    ['memory', 2, 0],
    ['rounds', 0, F_ROUNDS],
    ['compress', 0, F_COMPRESS],
    ['derive', 0, F_DERIVE],
    ['hmac', 0, F_HMAC],
  ];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [funcTypes.length, ...funcTypes]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [exports.length, ...exports.flatMap(([n, kind, idx]) => [...name(n), kind, idx])]),
    ...section(10, [bodies.length, ...bodies.flat()]),
  ];
  return new Uint8Array(bytes);
}

/** Where the caller's buffers start in the module's memory. */
const HEAP = 1024;

/**
 * Django signer HMAC-SHA256 over WebAssembly SHA-256 (sha256 targets only). Same interface as
 * {@link SignerCracker}; one per worker. Per candidate and salt, JavaScript only copies bytes and
 * writes the padding; `derive` and `hmac` run in WebAssembly.
 *
 * @example
 * const c = new WasmSignerCracker([{ message, signature }], [{ salt: 'django.core.signing', keyPrefix: '' }]);
 * c.check('changeme')
 */
export class WasmSignerCracker {
  private readonly u8: Uint8Array;
  private readonly derive: (state: number, bytes: number, blocks: number) => void;
  private readonly hmac: (key: number, schedule: number, blocks: number, signature: number) => number;
  /** Byte offsets. */
  private readonly keyState: number;
  private readonly region: number;
  private readonly prefixes: Uint8Array[];
  private readonly targets: { schedule: number; blocks: number; signature: number }[];

  constructor(targets: readonly { message: Uint8Array; signature: Uint8Array }[], salts: readonly SaltPrefix[]) {
    const encoder = new TextEncoder();
    this.prefixes = salts.map((p) => encoder.encode(`${p.salt}signer${p.keyPrefix}`));
    const regionBytes = Math.ceil((MAX_CANDIDATE_BYTES + Math.max(0, ...this.prefixes.map((p) => p.length)) + 72) / 64) * 64;
    const scheduleBytes = targets.reduce((n, t) => n + Math.ceil((t.message.length + 9) / 64) * 256 + 32, 0);
    const pages = Math.ceil((HEAP + 32 + 64 + regionBytes + scheduleBytes) / 65536);
    const instance = new WebAssembly.Instance(new WebAssembly.Module(sha256WasmBytes(pages)));
    const exports = instance.exports as {
      memory: WebAssembly.Memory;
      compress: (state: number, block: number) => void;
      derive: WasmSignerCracker['derive'];
      hmac: WasmSignerCracker['hmac'];
    };
    this.u8 = new Uint8Array(exports.memory.buffer);
    const mem = new Int32Array(exports.memory.buffer);
    this.derive = exports.derive;
    this.hmac = exports.hmac;
    let at = HEAP;
    const take = (n: number) => {
      const o = at;
      at += n;
      return o;
    };
    this.keyState = take(32);
    const block = take(64);
    this.region = take(regionBytes);
    this.targets = targets.map((t) => {
      // The message as the tail of (K ⊕ ipad) ‖ message: padded for 64 + length bytes.
      const { blocks, padded } = hmacMessageBlocks(t.message);
      // Each block's schedule, once: compress into a scratch state and keep W (bytes 256–511).
      const schedule = take(blocks * 256);
      for (let b = 0; b < blocks; b++) {
        mem.set(padded.subarray(b * 16, b * 16 + 16), block / 4);
        mem.set(IV256, this.keyState / 4);
        exports.compress(this.keyState, block);
        mem.copyWithin(schedule / 4 + b * 64, W / 4, W / 4 + 64);
      }
      const signature = take(32);
      mem.set(toWords(t.signature).subarray(0, 8), signature / 4);
      return { schedule, blocks, signature };
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
    const u8 = this.u8;
    const region = this.region;
    const cand = src.subarray(offset, offset + n);
    for (let s = 0; s < this.prefixes.length; s++) {
      // key message = salt + "signer" + keyPrefix + candidate, padded (FIPS 180-4 §5.1.1)
      const prefix = this.prefixes[s]!;
      const len = prefix.length + n;
      const blocks = (len + 9 + 63) >>> 6;
      const end = region + blocks * 64;
      u8.set(prefix, region);
      u8.set(cand, region + prefix.length);
      u8[region + len] = 0x80;
      u8.fill(0, region + len + 1, end - 4);
      const bits = len * 8;
      u8[end - 4] = bits >>> 24;
      u8[end - 3] = (bits >>> 16) & 0xff;
      u8[end - 2] = (bits >>> 8) & 0xff;
      u8[end - 1] = bits & 0xff;
      this.derive(this.keyState, region, blocks);
      for (let t = 0; t < this.targets.length; t++) {
        if (skip !== undefined && skip.has(t)) continue;
        const target = this.targets[t]!;
        if (this.hmac(this.keyState, target.schedule, target.blocks, target.signature)) (out ??= []).push({ target: t, salt: s });
      }
    }
    return out ?? [];
  }
}

/** Big-endian words of bytes (zero-padded). */
/**
 * The HMAC message as the tail of `(K ⊕ ipad) ‖ message`: big-endian words with SHA-256 padding
 * for a 64 + length byte message, in whole 64-byte blocks.
 * @example hmacMessageBlocks(new TextEncoder().encode('eyJhIjoxfQ:1r31eq')).blocks // 1
 */
export function hmacMessageBlocks(message: Uint8Array): { blocks: number; padded: Int32Array } {
  const blocks = Math.ceil((message.length + 9) / 64);
  const padded = new Int32Array(blocks * 16);
  padded.set(toWords(message));
  padded[message.length >> 2]! |= 0x80 << (24 - (message.length & 3) * 8);
  const bits = (64 + message.length) * 8;
  padded[blocks * 16 - 2] = Math.floor(bits / 0x100000000) | 0;
  padded[blocks * 16 - 1] = bits | 0;
  return { blocks, padded };
}

export function toWords(bytes: Uint8Array): Int32Array {
  const out = new Int32Array(Math.ceil(bytes.length / 4));
  for (let i = 0; i < bytes.length; i++) out[i >> 2]! |= bytes[i]! << (24 - (i & 3) * 8);
  return out;
}
