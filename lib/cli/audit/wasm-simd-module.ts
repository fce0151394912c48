/**
 * The WebAssembly SIMD module of the audit (i32x4): SHA-256 or SHA-1 (FIPS 180-4) and HMAC over
 * eight candidate keys at once, one candidate per lane, in two groups of four whose rounds are
 * interleaved so the CPU can overlap them. Same maths as wasm-sha256.ts; `Ch` and `Maj` are one
 * `v128.bitselect` each, and the shared message schedule of a signed value is splatted across
 * the lanes once (by the caller, wasm-simd.ts).
 *
 * Memory (bytes), R = rounds × 16 (1024 for SHA-256, 1280 for SHA-1): 0 and R the schedules W of
 * groups A and B, then at 2R the HMAC inner and outer states of both groups, at 2R + 512 the
 * states after the ipad and opad blocks of the current eight keys (kept while every value is
 * checked: one key's pads serve all values), from {@link simdHeap} on: the caller's buffers. A v128
 * holds word j of four lanes; a state takes 8 v128 slots (SHA-1 uses 5).
 *
 * Exports: `derive8` (Django's key = SHA-256(salt + "signer" + secret), eight at once), `gather8`
 * (eight raw keys of up to 64 bytes into lanes), `pads8` / `padsRaw8` (the HMAC pad states of eight
 * 32-byte / 64-byte keys), `mac8` (the HMAC of one value under those pads, compared with its MAC),
 * `macOut8` / `iterate8` (PBKDF2), `hmacMsg8` (the HMAC of eight messages under one fixed key: HKDF-Extract).
 */
import { Body, IV256, K256, name, OP, section, uleb } from './wasm-sha256.ts';

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

/** The hashes the module is built for. */
export type SimdHash = 'sha256' | 'sha1';

/** FIPS 180-4 §5.3.1 and §4.2.1: SHA-1's initial state and constants. */
const IV1 = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0];
const K1 = [0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xca62c1d6];

/** Per hash: digest words, rounds (= schedule words), initial state. */
export const SIMD_HASH: Record<SimdHash, { words: number; rounds: number; iv: readonly number[] }> = {
  sha256: { words: 8, rounds: 64, iv: IV256 },
  sha1: { words: 5, rounds: 80, iv: IV1 },
};

/** Where the caller's buffers start. */
export function simdHeap(hash: SimdHash): number {
  return 2 * SIMD_HASH[hash].rounds * 16 + 1024;
}

/** The fixed regions of the module's memory for one hash. */
function layout(hash: SimdHash) {
  const r = SIMD_HASH[hash].rounds * 16;
  const s = 2 * r;
  return { WA: 0, WB: r, INNER_A: s, INNER_B: s + 128, OUTER_A: s + 256, OUTER_B: s + 384, IPAD_A: s + 512, IPAD_B: s + 640, OPAD_A: s + 768, OPAD_B: s + 896 };
}

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
const F_MAC_OUT = 7;
const F_ITERATE = 8;
const F_HMAC_MSG = 9;

/** Big-endian words from little-endian memory: the byte order of each i32 lane reversed. */
const BSWAP = [3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12];

/** rounds(stateA, wA, stateB, wB): SHA-256's 64 unrolled rounds on two groups of four lanes, interleaved. */
function rounds256Body(): number[] {
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

/**
 * rounds(stateA, wA, stateB, wB): SHA-1's 80 rounds (FIPS 180-4 §6.1.2): T = ROTL5(a) + f(b, c, d)
 * + e + K + W; Ch = bitselect(c, d, b), Maj = bitselect(d, c, b ⊕ c); the renaming of a…e is free.
 */
function rounds1Body(): number[] {
  const s = new SimdBody();
  const groups = [
    { state: 0, w: 1, v: [4, 5, 6, 7, 8] },
    { state: 2, w: 3, v: [9, 10, 11, 12, 13] },
  ];
  for (const g of groups) g.v.forEach((l, k) => s.get(g.state).vload(k * 16).set(l));
  for (let i = 0; i < 80; i++) {
    for (const gr of groups) {
      const [a, b, c, d, e] = gr.v as [number, number, number, number, number];
      s.vrotr(a, 27);
      if (i < 20) s.get(c).get(d).get(b).v(SIMD.bitselect);
      else if (i >= 40 && i < 60) s.get(d).get(c).get(b).get(c).v(SIMD.xor).v(SIMD.bitselect);
      else s.get(b).get(c).v(SIMD.xor).get(d).v(SIMD.xor);
      s.v(SIMD.add).get(e).v(SIMD.add).splatConst(K1[Math.floor(i / 20)]!).v(SIMD.add);
      s.get(gr.w).vload(i * 16).v(SIMD.add).set(e);
      s.vrotr(b, 2).set(b);
      gr.v = [e, a, b, c, d];
    }
  }
  for (const g of groups) g.v.forEach((l, k) => s.get(g.state).get(g.state).vload(k * 16).get(l).v(SIMD.add).vstore(k * 16));
  return s.finishTyped([[10, V128]]);
}

/** expand(wbase): SHA-1's W[16..79] = ROTL1(W[t-3] ⊕ W[t-8] ⊕ W[t-14] ⊕ W[t-16]) at `wbase`, four lanes. */
function expand1Body(): number[] {
  const [wbase, x] = [0, 1];
  const s = new SimdBody();
  for (let i = 16; i < 80; i++) {
    s.get(wbase);
    s.get(wbase).vload((i - 3) * 16).get(wbase).vload((i - 8) * 16).v(SIMD.xor);
    s.get(wbase).vload((i - 14) * 16).v(SIMD.xor).get(wbase).vload((i - 16) * 16).v(SIMD.xor).set(x);
    s.vrotr(x, 31).vstore(i * 16);
  }
  return s.finishTyped([[1, V128]]);
}

/** expand(wbase): SHA-256's W[16..63] from W[0..15] at `wbase`, four lanes. */
function expand256Body(): number[] {
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
 * The loop over the `blocks` (local) 64-byte blocks of eight lanes' messages, lane l at
 * `r[0] + l * stride` (locals `r`, advanced a block per pass): each pass gathers and expands both
 * groups' schedules, then compresses them into the states `states` pushes (stateA, WA, stateB, WB).
 */
function blockLoop(s: SimdBody, hash: SimdHash, r: readonly number[], stride: number, blocks: number, states: () => unknown): void {
  const { WA, WB } = layout(hash);
  for (let l = 1; l < 8; l++) s.get(r[l - 1]!).get(stride).op(OP.add).set(r[l]!);
  s.op(OP.loop, 0x40);
  for (const [w, lanes] of [
    [WA, r.slice(0, 4)],
    [WB, r.slice(4)],
  ] as const) {
    gatherWords(s, lanes, () => s.c(0), w);
    s.c(w).op(OP.call, F_EXPAND);
  }
  states();
  s.op(OP.call, F_ROUNDS);
  for (const l of r) s.get(l).c(64).op(OP.add).set(l);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
}

/**
 * derive(stateA, stateB, base, stride, blocks): per lane l (0–7), SHA-256 of the padded message
 * at `base + l * stride`; lanes 0–3 into `stateA`, 4–7 into `stateB`.
 */
function deriveBody(hash: SimdHash): number[] {
  const { WA, WB } = layout(hash);
  const [stA, stB, stride, blocks] = [0, 1, 3, 4]; // param 2 is `base` (r[0])
  const r = [2, 5, 6, 7, 8, 9, 10, 11]; // lane pointers: r[0] is `base`
  const s = new SimdBody();
  for (const st of [stA, stB]) SIMD_HASH[hash].iv.forEach((iv, k) => s.get(st).splatConst(iv).vstore(k * 16));
  blockLoop(s, hash, r, stride, blocks, () => s.get(stA).c(WA).get(stB).c(WB));
  return s.finishTyped([[7, I32]]);
}

/**
 * pads(keyA, keyB): the states after (K ⊕ ipad) and (K ⊕ opad) for eight keys of `keyWords`
 * words (a digest, or 16: a raw key of up to 64 bytes, zero-padded), into IPAD/OPAD.
 */
function padsBody(hash: SimdHash, keyWords: number): number[] {
  const { WA, WB, IPAD_A, IPAD_B, OPAD_A, OPAD_B } = layout(hash);
  const [keyA, keyB] = [0, 1];
  const s = new SimdBody();
  for (const [xor, stA, stB] of [
    [0x36363636, IPAD_A, IPAD_B],
    [0x5c5c5c5c, OPAD_A, OPAD_B],
  ] as const) {
    for (const st of [stA, stB]) SIMD_HASH[hash].iv.forEach((iv, k) => s.c(0).splatConst(iv).vstore(st + k * 16));
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

/** Copies a state (`words` v128s) from one fixed address to another. */
function copyState(s: SimdBody, words: number, from: number, to: number): void {
  for (let k = 0; k < words; k++) s.c(0).c(0).vload(from + k * 16).vstore(to + k * 16);
}

/** W of a last block holding only a digest (the state at `from`): digest, 0x80, zeros, (64 + digest bytes) × 8 bits — HMAC's outer block, PBKDF2's U. */
function digestBlock(s: SimdBody, hash: SimdHash, from: number, w: number): void {
  const { words } = SIMD_HASH[hash];
  for (let i = 0; i < words; i++) s.c(0).c(0).vload(from + i * 16).vstore(w + i * 16);
  s.c(0).splatConst(0x80000000).vstore(w + words * 16);
  for (let i = words + 1; i < 15; i++) s.c(0).splatConst(0).vstore(w + i * 16);
  s.c(0).splatConst((64 + words * 4) * 8).vstore(w + 15 * 16);
  s.c(w).op(OP.call, F_EXPAND);
}

/** The HMAC of the value at `sched` (`blocks` blocks) under the pads' states, into OUTER_A/B. */
function hmacInto(s: SimdBody, hash: SimdHash, sched: number, blocks: number): void {
  const { WA, WB, INNER_A, INNER_B, OUTER_A, OUTER_B, IPAD_A, IPAD_B, OPAD_A, OPAD_B } = layout(hash);
  const { words, rounds } = SIMD_HASH[hash];
  copyState(s, words, IPAD_A, INNER_A);
  copyState(s, words, IPAD_B, INNER_B);
  s.op(OP.loop, 0x40);
  s.c(INNER_A).get(sched).c(INNER_B).get(sched).op(OP.call, F_ROUNDS);
  s.get(sched).c(rounds * 16).op(OP.add).set(sched);
  s.get(blocks).c(1).op(OP.sub).tee(blocks).op(OP.brIf, 0);
  s.op(OP.end);
  copyState(s, words, OPAD_A, OUTER_A);
  copyState(s, words, OPAD_B, OUTER_B);
  digestBlock(s, hash, INNER_A, WA);
  digestBlock(s, hash, INNER_B, WB);
  s.c(OUTER_A).c(WA).c(OUTER_B).c(WB).op(OP.call, F_ROUNDS);
}

/** mac(schedule, blocks, signature) → 8-bit mask of the lanes whose HMAC (from the pads' states) matches. */
function macBody(hash: SimdHash): number[] {
  const { OUTER_A, OUTER_B } = layout(hash);
  const { words } = SIMD_HASH[hash];
  const [sched, blocks, sig, accA, accB] = [0, 1, 2, 3, 4];
  const s = new SimdBody();
  hmacInto(s, hash, sched, blocks);
  for (const [outer, acc] of [
    [OUTER_A, accA],
    [OUTER_B, accB],
  ] as const) {
    s.c(0).vload(outer).get(sig).load(0).v(SIMD.splat).v(SIMD.eq).set(acc);
    for (let i = 1; i < words; i++) s.get(acc).c(0).vload(outer + i * 16).get(sig).load(i * 4).v(SIMD.splat).v(SIMD.eq).v(SIMD.and).set(acc);
  }
  s.get(accA).v(SIMD.bitmask).get(accB).v(SIMD.bitmask).c(4).op(0x74).op(OP.or);
  return s.finishTyped([[2, V128]]);
}

/** macOut(schedule, blocks, out): the HMAC (PBKDF2's U1) into `out`: group A's words, then group B's. */
function macOutBody(hash: SimdHash): number[] {
  const { OUTER_A, OUTER_B } = layout(hash);
  const { words } = SIMD_HASH[hash];
  const [sched, blocks, out] = [0, 1, 2];
  const s = new SimdBody();
  hmacInto(s, hash, sched, blocks);
  for (let k = 0; k < words; k++) s.get(out).c(0).vload(OUTER_A + k * 16).vstore(k * 16);
  for (let k = 0; k < words; k++) s.get(out).c(0).vload(OUTER_B + k * 16).vstore((words + k) * 16);
  return s.finishTyped([]);
}

/**
 * iterate(out, count): PBKDF2's F (RFC 8018 §5.2) after U1 — `count` times U = HMAC(P, U) from the
 * pads' states (two compressions each), T ⊕= U into `out` (laid out as macOut's).
 */
function iterateBody(hash: SimdHash): number[] {
  const { WA, WB, INNER_A, INNER_B, OUTER_A, OUTER_B, IPAD_A, IPAD_B, OPAD_A, OPAD_B } = layout(hash);
  const { words } = SIMD_HASH[hash];
  const [out, count] = [0, 1];
  const s = new SimdBody();
  s.op(OP.loop, 0x40);
  digestBlock(s, hash, OUTER_A, WA);
  digestBlock(s, hash, OUTER_B, WB);
  copyState(s, words, IPAD_A, INNER_A);
  copyState(s, words, IPAD_B, INNER_B);
  s.c(INNER_A).c(WA).c(INNER_B).c(WB).op(OP.call, F_ROUNDS);
  digestBlock(s, hash, INNER_A, WA);
  digestBlock(s, hash, INNER_B, WB);
  copyState(s, words, OPAD_A, OUTER_A);
  copyState(s, words, OPAD_B, OUTER_B);
  s.c(OUTER_A).c(WA).c(OUTER_B).c(WB).op(OP.call, F_ROUNDS);
  for (let k = 0; k < words; k++) s.get(out).get(out).vload(k * 16).c(0).vload(OUTER_A + k * 16).v(SIMD.xor).vstore(k * 16);
  for (let k = 0; k < words; k++) s.get(out).get(out).vload((words + k) * 16).c(0).vload(OUTER_B + k * 16).v(SIMD.xor).vstore((words + k) * 16);
  s.get(count).c(1).op(OP.sub).tee(count).op(OP.brIf, 0);
  s.op(OP.end);
  return s.finishTyped([]);
}

/**
 * hmacMsg(stA, stB, ipad, opad, base, stride, blocks): per lane l (0–7), the HMAC under one fixed
 * key — its ipad and opad states at `ipad` and `opad`, one state splatted across four lanes — of
 * the message at `base + l * stride`, padded as the tail of a 64 + length byte message (`blocks`
 * blocks); lanes 0–3 into `stA`, 4–7 into `stB` (HKDF-Extract: the salt is the key, RFC 5869 §2.2).
 */
function hmacMsgBody(hash: SimdHash): number[] {
  const { WA, WB, INNER_A, INNER_B, OUTER_A, OUTER_B } = layout(hash);
  const { words } = SIMD_HASH[hash];
  const [stA, stB, ipad, opad, stride, blocks] = [0, 1, 2, 3, 5, 6]; // param 4 is `base` (r[0])
  const r = [4, 7, 8, 9, 10, 11, 12, 13];
  const s = new SimdBody();
  for (const inner of [INNER_A, INNER_B]) for (let k = 0; k < words; k++) s.c(0).get(ipad).vload(k * 16).vstore(inner + k * 16);
  blockLoop(s, hash, r, stride, blocks, () => s.c(INNER_A).c(WA).c(INNER_B).c(WB));
  for (const outer of [OUTER_A, OUTER_B]) for (let k = 0; k < words; k++) s.c(0).get(opad).vload(k * 16).vstore(outer + k * 16);
  digestBlock(s, hash, INNER_A, WA);
  digestBlock(s, hash, INNER_B, WB);
  s.c(OUTER_A).c(WA).c(OUTER_B).c(WB).op(OP.call, F_ROUNDS);
  for (let k = 0; k < words; k++) s.get(stA).c(0).vload(OUTER_A + k * 16).vstore(k * 16);
  for (let k = 0; k < words; k++) s.get(stB).c(0).vload(OUTER_B + k * 16).vstore(k * 16);
  return s.finishTyped([[7, I32]]);
}

/** The module for `hash`: `derive8`, `gather8`, `pads8`, `padsRaw8`, `mac8`, `macOut8`, `iterate8`, `hmacMsg8`, `memory`. */
export function simdWasmBytes(pages: number, hash: SimdHash = 'sha256'): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, 4, I32, I32, I32, I32, 0], // 0: rounds (stateA, wA, stateB, wB), gather (keyA, keyB, base, stride)
    [0x60, 1, I32, 0], // 1: expand (wbase)
    [0x60, 5, I32, I32, I32, I32, I32, 0], // 2: derive (stateA, stateB, base, stride, blocks)
    [0x60, 2, I32, I32, 0], // 3: pads (keyA, keyB)
    [0x60, 3, I32, I32, I32, 1, I32], // 4: mac (schedule, blocks, signature) → mask
    [0x60, 3, I32, I32, I32, 0], // 5: macOut (schedule, blocks, out)
    [0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0], // 6: hmacMsg (stA, stB, ipad, opad, base, stride, blocks)
  ];
  const sha1 = hash === 'sha1';
  const bodies = [sha1 ? rounds1Body() : rounds256Body(), sha1 ? expand1Body() : expand256Body(), deriveBody(hash), padsBody(hash, SIMD_HASH[hash].words), padsBody(hash, 16), macBody(hash), gatherBody(), macOutBody(hash), iterateBody(hash), hmacMsgBody(hash)];
  const exports: [string, number, number][] = [
    ['memory', 2, 0],
    ['derive8', 0, F_DERIVE],
    ['gather8', 0, F_GATHER],
    ['pads8', 0, F_PADS],
    ['padsRaw8', 0, F_PADS_RAW],
    ['mac8', 0, F_MAC],
    ['macOut8', 0, F_MAC_OUT],
    ['iterate8', 0, F_ITERATE],
    ['hmacMsg8', 0, F_HMAC_MSG],
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [types.length, ...types.flat()]),
    ...section(3, [bodies.length, 0, 1, 2, 3, 3, 4, 0, 5, 3, 6]),
    ...section(5, [1, 0, ...uleb(pages)]),
    ...section(7, [exports.length, ...exports.flatMap(([n, kind, idx]) => [...name(n), kind, idx])]),
    ...section(10, [bodies.length, ...bodies.flat()]),
  ]);
}

/** True when this runtime compiles WebAssembly SIMD. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(simdWasmBytes(1)) && WebAssembly.validate(simdWasmBytes(1, 'sha1'));
  } catch {
    return false;
  }
}

