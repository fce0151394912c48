/**
 * Eight candidate keys at once: SHA-256 and Django's signer HMAC in WebAssembly SIMD (i32x4), one
 * candidate per lane, in two groups of four whose rounds are interleaved so the CPU can overlap
 * them. Same maths as wasm-sha256.ts; `Ch` and `Maj` are one `v128.bitselect` each, and the
 * shared message schedule of the signed value is splatted across the lanes once.
 *
 * Memory (bytes): 0–1023 and 1024–2047 the schedules W of groups A and B (64 × v128 each),
 * 2048–2559 the HMAC inner and outer states of both groups, 2560–3071 the states after the
 * ipad and opad blocks of the current eight keys (kept while every value is checked: one
 * key's pads serve all values), from 3072 on: the caller's buffers. A v128 holds word j of four lanes.
 *
 * Exports: `derive8` (Django's key = SHA-256(salt + "signer" + secret), eight at once), `gather8`
 * (eight raw keys of up to 64 bytes into lanes), `pads8` / `padsRaw8` (the HMAC pad states of eight
 * 32-byte / 64-byte keys), `mac8` (the HMAC of one value under those pads, compared with its MAC).
 */
import type { FastMatch, SaltPrefix } from './fast-hmac.ts';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';
import { Body, hmacMessageBlocks, IV256, K256, name, OP, section, toWords, uleb } from './wasm-sha256.ts';

const V128 = 0x7b;
const I32 = 0x7f;
/** SIMD opcodes (WebAssembly 2.0 §5.4.8), after the 0xfd prefix. */
const SIMD = {
  load: 0x00,
  store: 0x0b,
  const: 0x0c,
  swizzle: 0x0e,
  splat: 0x11,
  replaceLane: 0x1c,
  eq: 0x37,
  and: 0x4e,
  or: 0x50,
  xor: 0x51,
  bitselect: 0x52,
  bitmask: 0xa4,
  shl: 0xab,
  shrU: 0xad,
  add: 0xae,
} as const;

const HEAP = 3072;

/** Adds the SIMD helpers to a body. */
class SimdBody extends Body {
  v(op: number, ...imm: number[]) {
    return this.op(0xfd, ...uleb(op), ...imm);
  }
  vload(offset: number) {
    return this.v(SIMD.load, 4, ...uleb(offset));
  }
  vstore(offset: number) {
    return this.v(SIMD.store, 4, ...uleb(offset));
  }
  /** v128.const with the same i32 in every lane. */
  splatConst(x: number) {
    const b = [x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff];
    return this.v(SIMD.const, ...b, ...b, ...b, ...b);
  }
  bytesConst(bytes: number[]) {
    return this.v(SIMD.const, ...bytes);
  }
  /** rotr(local, n) on every lane: (x >>> n) | (x << (32 - n)). */
  vrotr(l: number, n: number) {
    return this.get(l).c(n).v(SIMD.shrU).get(l).c(32 - n).v(SIMD.shl).v(SIMD.or);
  }
}

const F_ROUNDS = 0;
const F_EXPAND = 1;
const F_DERIVE = 2;
const F_PADS = 3;
const F_PADS_RAW = 4;
const F_MAC = 5;
const F_GATHER = 6;

const WA = 0;
const WB = 1024;
const INNER_A = 2048;
const INNER_B = 2176;
const OUTER_A = 2304;
const OUTER_B = 2432;
const IPAD_A = 2560;
const IPAD_B = 2688;
const OPAD_A = 2816;
const OPAD_B = 2944;
/** Big-endian words from little-endian memory: the byte order of each i32 lane reversed. */
const BSWAP = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];

/** rounds(stateA, wA, stateB, wB): 64 unrolled rounds on two groups of four lanes, interleaved. */
function roundsBody(): number[] {
  const s = new SimdBody();
  const groups = [
    { state: 0, w: 1, v: [4, 5, 6, 7, 8, 9, 10, 11], t1: 20 },
    { state: 2, w: 3, v: [12, 13, 14, 15, 16, 17, 18, 19], t1: 21 },
  ];
  for (const g of groups) g.v.forEach((l, k) => s.get(g.state).vload(k * 16).set(l));
  for (let i = 0; i < 64; i++) {
    for (const gr of groups) {
      const [a, b, c, d, e, f, g, h] = gr.v as [number, number, number, number, number, number, number, number];
      s.get(h);
      s.vrotr(e, 6).vrotr(e, 11).v(SIMD.xor).vrotr(e, 25).v(SIMD.xor).v(SIMD.add);
      s.get(f).get(g).get(e).v(SIMD.bitselect).v(SIMD.add);
      s.splatConst(K256[i]!).v(SIMD.add);
      s.get(gr.w).vload(i * 16).v(SIMD.add);
      s.tee(gr.t1);
      s.get(d).v(SIMD.add).set(d);
      s.get(gr.t1);
      s.vrotr(a, 2).vrotr(a, 13).v(SIMD.xor).vrotr(a, 22).v(SIMD.xor).v(SIMD.add);
      s.get(c).get(b).get(a).get(b).v(SIMD.xor).v(SIMD.bitselect).v(SIMD.add);
      s.set(h);
      gr.v.unshift(gr.v.pop()!);
    }
  }
  for (const g of groups) g.v.forEach((l, k) => s.get(g.state).get(g.state).vload(k * 16).get(l).v(SIMD.add).vstore(k * 16));
  return s.finishTyped([[18, V128]]);
}

/** expand(wbase): W[16..63] from W[0..15] at `wbase`, four lanes. */
function expandBody(): number[] {
  const wbase = 0;
  const x = 1;
  const s = new SimdBody();
  for (let i = 16; i < 64; i++) {
    s.get(wbase);
    s.get(wbase).vload((i - 16) * 16);
    s.get(wbase).vload((i - 15) * 16).set(x).vrotr(x, 7).vrotr(x, 18).v(SIMD.xor).get(x).c(3).v(SIMD.shrU).v(SIMD.xor).v(SIMD.add);
    s.get(wbase).vload((i - 7) * 16).v(SIMD.add);
    s.get(wbase).vload((i - 2) * 16).set(x).vrotr(x, 17).vrotr(x, 19).v(SIMD.xor).get(x).c(10).v(SIMD.shrU).v(SIMD.xor).v(SIMD.add);
    s.vstore(i * 16);
  }
  return s.finishTyped([[1, V128]]);
}

/** 16 big-endian words of four lanes (`lanes`: pointers) into v128s at `at()` + `offset` + j × 16. */
function gatherWords(s: SimdBody, lanes: readonly number[], at: () => unknown, offset: number): void {
  for (let j = 0; j < 16; j++) {
    at();
    s.get(lanes[0]!).load(j * 4).v(SIMD.splat);
    for (let l = 1; l < 4; l++) s.get(lanes[l]!).load(j * 4).v(SIMD.replaceLane, l);
    s.bytesConst(BSWAP).v(SIMD.swizzle);
    s.vstore(offset + j * 16);
  }
}

/** gather8(keyA, keyB, base, stride): the 64 bytes at `base + l * stride` as the 16 key words of lane l (0–3 into keyA, 4–7 into keyB). */
function gatherBody(): number[] {
  const [keyA, keyB, stride] = [0, 1, 3];
  const r = [2, 4, 5, 6, 7, 8, 9, 10];
  const s = new SimdBody();
  for (let l = 1; l < 8; l++) s.get(r[l - 1]!).get(stride).op(OP.add).set(r[l]!);
  gatherWords(s, r.slice(0, 4), () => s.get(keyA), 0);
  gatherWords(s, r.slice(4), () => s.get(keyB), 0);
  return s.finishTyped([[7, I32]]);
}

/**
 * derive(stateA, stateB, base, stride, blocks): per lane l (0–7), SHA-256 of the padded message
 * at `base + l * stride`; lanes 0–3 into `stateA`, 4–7 into `stateB`.
 */
function deriveBody(): number[] {
  const [stA, stB, stride, blocks] = [0, 1, 3, 4]; // param 2 is `base` (r[0])
  const r = [2, 5, 6, 7, 8, 9, 10, 11]; // lane pointers: r[0] is `base`
  const s = new SimdBody();
  for (const st of [stA, stB]) IV256.forEach((iv, k) => s.get(st).splatConst(iv).vstore(k * 16));
  for (let l = 1; l < 8; l++) s.get(r[l - 1]!).get(stride).op(OP.add).set(r[l]!);
  s.op(OP.loop, 0x40);
  for (const [w, lanes] of [
    [WA, r.slice(0, 4)],
    [WB, r.slice(4)],
  ] as const) {
    gatherWords(s, lanes, () => s.c(0), w);
    s.c(w).op(OP.call, F_EXPAND);
  }
  s.get(stA).c(WA).get(stB).c(WB).op(OP.call, F_ROUNDS);
  for (const l of r) s.get(l).c(64).op(OP.add).set(l);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
  return s.finishTyped([[7, I32]]);
}

/**
 * pads(keyA, keyB): the SHA-256 states after (K ⊕ ipad) and (K ⊕ opad) for eight keys of
 * `keyWords` words (8: a digest, 16: a raw key of up to 64 bytes, zero-padded), into IPAD/OPAD.
 */
function padsBody(keyWords: 8 | 16): number[] {
  const [keyA, keyB] = [0, 1];
  const s = new SimdBody();
  for (const [xor, stA, stB] of [
    [0x36363636, IPAD_A, IPAD_B],
    [0x5c5c5c5c, OPAD_A, OPAD_B],
  ] as const) {
    for (const st of [stA, stB]) IV256.forEach((iv, k) => s.c(0).splatConst(iv).vstore(st + k * 16));
    for (const [key, w] of [
      [keyA, WA],
      [keyB, WB],
    ] as const) {
      for (let i = 0; i < keyWords; i++) s.c(0).get(key).vload(i * 16).splatConst(xor).v(SIMD.xor).vstore(w + i * 16);
      for (let i = keyWords; i < 16; i++) s.c(0).splatConst(xor).vstore(w + i * 16);
      s.c(w).op(OP.call, F_EXPAND);
    }
    s.c(stA).c(WA).c(stB).c(WB).op(OP.call, F_ROUNDS);
  }
  return s.finishTyped([]);
}

/** mac(schedule, blocks, signature) → 8-bit mask of the lanes whose HMAC (from the pads' states) matches. */
function macBody(): number[] {
  const [sched, blocks, sig, accA, accB] = [0, 1, 2, 3, 4];
  const s = new SimdBody();
  const copy = (from: number, to: number) => {
    for (let k = 0; k < 8; k++) s.c(0).c(0).vload(from + k * 16).vstore(to + k * 16);
  };
  copy(IPAD_A, INNER_A);
  copy(IPAD_B, INNER_B);
  s.op(OP.loop, 0x40);
  s.c(INNER_A).get(sched).c(INNER_B).get(sched).op(OP.call, F_ROUNDS);
  s.get(sched).c(1024).op(OP.add).set(sched);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
  copy(OPAD_A, OUTER_A);
  copy(OPAD_B, OUTER_B);
  for (const [inner, w] of [
    [INNER_A, WA],
    [INNER_B, WB],
  ] as const) {
    for (let i = 0; i < 8; i++) s.c(0).c(0).vload(inner + i * 16).vstore(w + i * 16);
    s.c(0).splatConst(0x80000000).vstore(w + 8 * 16);
    for (let i = 9; i < 15; i++) s.c(0).splatConst(0).vstore(w + i * 16);
    s.c(0).splatConst((64 + 32) * 8).vstore(w + 15 * 16);
    s.c(w).op(OP.call, F_EXPAND);
  }
  s.c(OUTER_A).c(WA).c(OUTER_B).c(WB).op(OP.call, F_ROUNDS);
  for (const [outer, acc] of [
    [OUTER_A, accA],
    [OUTER_B, accB],
  ] as const) {
    s.c(0).vload(outer).get(sig).load(0).v(SIMD.splat).v(SIMD.eq).set(acc);
    for (let i = 1; i < 8; i++) s.get(acc).c(0).vload(outer + i * 16).get(sig).load(i * 4).v(SIMD.splat).v(SIMD.eq).v(SIMD.and).set(acc);
  }
  s.get(accA).v(SIMD.bitmask).get(accB).v(SIMD.bitmask).c(4).op(0x74).op(OP.or);
  return s.finishTyped([[2, V128]]);
}

/** The module: `derive8`, `gather8`, `pads8`, `padsRaw8`, `mac8`, `memory`. */
export function simdWasmBytes(pages: number): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, 4, I32, I32, I32, I32, 0], // 0: rounds (stateA, wA, stateB, wB), gather (keyA, keyB, base, stride)
    [0x60, 1, I32, 0], // 1: expand (wbase)
    [0x60, 5, I32, I32, I32, I32, I32, 0], // 2: derive (stateA, stateB, base, stride, blocks)
    [0x60, 2, I32, I32, 0], // 3: pads (keyA, keyB)
    [0x60, 3, I32, I32, I32, 1, I32], // 4: mac (schedule, blocks, signature) → mask
  ];
  const bodies = [roundsBody(), expandBody(), deriveBody(), padsBody(8), padsBody(16), macBody(), gatherBody()];
  const exports: [string, number, number][] = [
    ['memory', 2, 0],
    ['derive8', 0, F_DERIVE],
    ['gather8', 0, F_GATHER],
    ['pads8', 0, F_PADS],
    ['padsRaw8', 0, F_PADS_RAW],
    ['mac8', 0, F_MAC],
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [bodies.length, 0, 1, 2, 3, 3, 4, 0]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [exports.length, ...exports.flatMap(([n, kind, idx]) => [...name(n), kind, idx])]),
    ...section(10, [bodies.length, ...bodies.flat()]),
  ]);
}

/** True when this runtime compiles WebAssembly SIMD. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(simdWasmBytes(1));
  } catch {
    return false;
  }
}

/** A candidate match, with the index of the candidate in the batch. */
export interface BatchMatch extends FastMatch {
  index: number;
}

/** The module's exports. */
interface SimdExports {
  memory: WebAssembly.Memory;
  derive8(stateA: number, stateB: number, base: number, stride: number, blocks: number): void;
  gather8(keyA: number, keyB: number, base: number, stride: number): void;
  pads8(keyA: number, keyB: number): void;
  padsRaw8(keyA: number, keyB: number): void;
  mac8(schedule: number, blocks: number, signature: number): number;
}

/** A signed value in the module's memory: its message schedule splatted across the lanes, and its MAC. */
interface SimdValue {
  schedule: number;
  blocks: number;
  signature: number;
}

/** An instance of the module with a bump allocator over its memory from {@link HEAP} on. */
class SimdHeap {
  readonly x: SimdExports;
  readonly u8: Uint8Array;
  private readonly mem: Int32Array;
  private at = HEAP;

  /** `bytes`: what the caller will {@link take}, besides the values' schedules. */
  constructor(bytes: number, messages: readonly Uint8Array[]) {
    const scheduleBytes = messages.reduce((n, m) => n + Math.ceil((m.length + 9) / 64) * 1024 + 32, 0);
    const pages = Math.ceil((HEAP + bytes + scheduleBytes) / 65536);
    this.x = new WebAssembly.Instance(new WebAssembly.Module(simdWasmBytes(pages))).exports as unknown as SimdExports;
    this.u8 = new Uint8Array(this.x.memory.buffer);
    this.mem = new Int32Array(this.x.memory.buffer);
  }

  take(n: number): number {
    const o = this.at;
    this.at += n;
    return o;
  }

  /** The value's HMAC message blocks (after the 64-byte key block), each block's schedule expanded once. */
  value(message: Uint8Array, mac: Uint8Array): SimdValue {
    const { blocks, padded } = hmacMessageBlocks(message);
    const schedule = this.take(blocks * 1024);
    const w = new Int32Array(64);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 16; i++) w[i] = padded[b * 16 + i]!;
      for (let i = 16; i < 64; i++) {
        const x = w[i - 15]!;
        const y = w[i - 2]!;
        const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
        const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
        w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
      }
      for (let i = 0; i < 64; i++) this.mem.fill(w[i]!, (schedule + b * 1024 + i * 16) / 4, (schedule + b * 1024 + i * 16) / 4 + 4);
    }
    const signature = this.take(32);
    this.mem.set(toWords(mac).subarray(0, 8), signature / 4);
    return { schedule, blocks, signature };
  }
}

/**
 * Django signer HMAC-SHA256 on eight candidates at a time (sha256 targets only). Candidates come
 * in batches (`checkBatch`); within a salt, candidates whose key messages have the same number of
 * blocks share a SIMD pass, and the eight keys' pad states serve every value.
 *
 * @example
 * const c = new SimdSignerCracker([{ message, signature }], salts);
 * c.checkBatch(bytes, starts, lengths, count) // [{ index, target, salt }]
 */
export class SimdSignerCracker {
  private readonly heap: SimdHeap;
  private readonly keyState: number;
  private readonly lanes: number;
  private readonly stride: number;
  private readonly prefixes: Uint8Array[];
  private readonly targets: SimdValue[];

  constructor(targets: readonly { message: Uint8Array; signature: Uint8Array }[], salts: readonly SaltPrefix[]) {
    const encoder = new TextEncoder();
    this.prefixes = salts.map((p) => encoder.encode(`${p.salt}signer${p.keyPrefix}`));
    this.stride = Math.ceil((MAX_CANDIDATE_BYTES + Math.max(0, ...this.prefixes.map((p) => p.length)) + 72) / 64) * 64;
    this.heap = new SimdHeap(256 + 8 * this.prefixes.length * this.stride, targets.map((t) => t.message));
    this.keyState = this.heap.take(256);
    // Four lane regions per salt, each starting with that salt's prefix (written once).
    this.lanes = this.heap.take(8 * this.prefixes.length * this.stride);
    this.prefixes.forEach((prefix, si) => {
      for (let l = 0; l < 8; l++) this.heap.u8.set(prefix, this.lanes + (si * 8 + l) * this.stride);
    });
    this.targets = targets.map((t) => this.heap.value(t.message, t.signature));
  }

  /**
   * Checks `count` candidates: candidate i is `src[starts[i], starts[i] + lengths[i])`.
   * Candidates longer than {@link MAX_CANDIDATE_BYTES} are skipped.
   */
  checkBatch(src: Uint8Array, starts: ArrayLike<number>, lengths: ArrayLike<number>, count: number, skip?: ReadonlySet<number>): BatchMatch[] {
    const out: BatchMatch[] = [];
    const { u8, x } = this.heap;
    // One view per candidate, shared by every salt.
    const views: Uint8Array[] = new Array(count);
    for (let i = 0; i < count; i++) views[i] = src.subarray(starts[i]!, starts[i]! + lengths[i]!);
    const groups = new Map<number, number[]>();
    for (let s = 0; s < this.prefixes.length; s++) {
      const plen = this.prefixes[s]!.length;
      const base = this.lanes + s * 8 * this.stride;
      groups.clear();
      for (let i = 0; i < count; i++) {
        const n = lengths[i]!;
        if (n > MAX_CANDIDATE_BYTES) continue;
        const blocks = (plen + n + 9 + 63) >>> 6;
        let g = groups.get(blocks);
        if (!g) groups.set(blocks, (g = []));
        g.push(i);
      }
      for (const [blocks, idx] of groups) {
        for (let k = 0; k < idx.length; k += 8) {
          const lanesUsed = Math.min(8, idx.length - k);
          for (let l = 0; l < 8; l++) {
            // Unused lanes repeat the group's first candidate; their answers are ignored.
            const view = views[idx[k + (l < lanesUsed ? l : 0)]!]!;
            const at = base + l * this.stride;
            const len = plen + view.length;
            const end = at + blocks * 64;
            u8.set(view, at + plen);
            u8[at + len] = 0x80;
            u8.fill(0, at + len + 1, end - 4);
            const bits = len * 8;
            u8[end - 4] = bits >>> 24;
            u8[end - 3] = (bits >>> 16) & 0xff;
            u8[end - 2] = (bits >>> 8) & 0xff;
            u8[end - 1] = bits & 0xff;
          }
          x.derive8(this.keyState, this.keyState + 128, base, this.stride, blocks);
          x.pads8(this.keyState, this.keyState + 128);
          for (let t = 0; t < this.targets.length; t++) {
            if (skip !== undefined && skip.has(t)) continue;
            const target = this.targets[t]!;
            const mask = x.mac8(target.schedule, target.blocks, target.signature);
            if (mask === 0) continue;
            for (let l = 0; l < lanesUsed; l++) if (mask & (1 << l)) out.push({ index: idx[k + l]!, target: t, salt: s });
          }
        }
      }
    }
    return out;
  }

  /** Checks one candidate given as a string. */
  check(candidate: string, skip?: ReadonlySet<number>): FastMatch[] {
    const b = new TextEncoder().encode(candidate);
    return this.checkBatch(b, [0], [b.length], 1, skip).map(({ target, salt }) => ({ target, salt }));
  }
}

/** Longest raw HMAC key taken as is (RFC 2104: a longer key is hashed first, by the caller). */
export const RAW_KEY_BYTES = 64;

/**
 * HMAC-SHA256 keyed with the candidate itself (Tornado, Yii2, gorilla, Laravel's MAC), eight keys
 * at a time: each key's pad states are computed once and serve every value. Keys are at most
 * {@link RAW_KEY_BYTES} bytes (hash longer ones first, RFC 2104 §2).
 *
 * @example
 * const c = new SimdRawHmacCracker([{ message, mac }]);
 * c.checkKeys(keys, starts, lengths, count) // [{ index, target, salt: 0 }]
 */
export class SimdRawHmacCracker {
  private readonly heap: SimdHeap;
  private readonly keyState: number;
  private readonly lanes: number;
  private readonly targets: SimdValue[];

  constructor(targets: readonly { message: Uint8Array; mac: Uint8Array }[]) {
    this.heap = new SimdHeap(512 + 8 * RAW_KEY_BYTES, targets.map((t) => t.message));
    this.keyState = this.heap.take(512);
    this.lanes = this.heap.take(8 * RAW_KEY_BYTES);
    this.targets = targets.map((t) => this.heap.value(t.message, t.mac));
  }

  /** Checks `count` keys (key i is `src[starts[i], starts[i] + lengths[i])`, at most 64 bytes; longer ones are skipped). */
  checkKeys(src: Uint8Array, starts: ArrayLike<number>, lengths: ArrayLike<number>, count: number, skip?: ReadonlySet<number>): BatchMatch[] {
    const out: BatchMatch[] = [];
    const { u8, x } = this.heap;
    const idx: number[] = [];
    for (let i = 0; i < count; i++) if (lengths[i]! <= RAW_KEY_BYTES) idx.push(i);
    for (let k = 0; k < idx.length; k += 8) {
      const lanesUsed = Math.min(8, idx.length - k);
      for (let l = 0; l < 8; l++) {
        const i = idx[k + (l < lanesUsed ? l : 0)]!;
        const at = this.lanes + l * RAW_KEY_BYTES;
        const n = lengths[i]!;
        u8.set(src.subarray(starts[i]!, starts[i]! + n), at);
        u8.fill(0, at + n, at + RAW_KEY_BYTES);
      }
      x.gather8(this.keyState, this.keyState + 256, this.lanes, RAW_KEY_BYTES);
      x.padsRaw8(this.keyState, this.keyState + 256);
      for (let t = 0; t < this.targets.length; t++) {
        if (skip !== undefined && skip.has(t)) continue;
        const target = this.targets[t]!;
        const mask = x.mac8(target.schedule, target.blocks, target.signature);
        if (mask === 0) continue;
        for (let l = 0; l < lanesUsed; l++) if (mask & (1 << l)) out.push({ index: idx[k + l]!, target: t, salt: 0 });
      }
    }
    return out;
  }
}
