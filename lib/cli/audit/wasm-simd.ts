/**
 * The audit's WebAssembly SIMD crackers (module: wasm-simd-module.ts): Django's signer HMAC
 * (SHA-256 or SHA-1 — Starlette's itsdangerous is the same salted_hmac) and raw-key HMAC-SHA256,
 * eight candidates per pass.
 */
import type { FastMatch, SaltPrefix } from './fast-hmac.ts';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';
import { hmacMessageBlocks, toWords } from './wasm-sha256.ts';
import { SIMD_HASH, simdHeap, simdWasmBytes, type SimdHash } from './wasm-simd-module.ts';

export { simdSupported, simdWasmBytes, type SimdHash } from './wasm-simd-module.ts';

/** A candidate match, with the index of the candidate in the batch. */
export interface BatchMatch extends FastMatch {
  index: number;
}

/** The module's exports. */
export interface SimdExports {
  memory: WebAssembly.Memory;
  derive8(stateA: number, stateB: number, base: number, stride: number, blocks: number): void;
  gather8(keyA: number, keyB: number, base: number, stride: number): void;
  pads8(keyA: number, keyB: number): void;
  padsRaw8(keyA: number, keyB: number): void;
  mac8(schedule: number, blocks: number, signature: number): number;
  macOut8(schedule: number, blocks: number, out: number): void;
  iterate8(out: number, count: number): void;
  hmacMsg8(stA: number, stB: number, ipad: number, opad: number, base: number, stride: number, blocks: number): void;
}

/** A signed value in the module's memory: its message schedule splatted across the lanes, and its MAC. */
export interface SimdValue {
  schedule: number;
  blocks: number;
  signature: number;
}

/** W[16…] of a block from W[0..15] (FIPS 180-4 §6.2.2 step 1, §6.1.2 step 1). */
function expandSchedule(hash: SimdHash, w: Int32Array): void {
  if (hash === 'sha1') {
    for (let i = 16; i < 80; i++) {
      const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
      w[i] = (x << 1) | (x >>> 31);
    }
    return;
  }
  for (let i = 16; i < 64; i++) {
    const x = w[i - 15]!;
    const y = w[i - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[i] = (w[i - 16]! + s0 + w[i - 7]! + s1) | 0;
  }
}

/** An instance of the module with a bump allocator over its memory from `simdHeap(hash)` on. */
export class SimdHeap {
  readonly x: SimdExports;
  readonly u8: Uint8Array;
  private readonly mem: Int32Array;
  private at: number;

  /** `bytes`: what the caller will {@link take}, besides the values' schedules. */
  constructor(
    bytes: number,
    messages: readonly Uint8Array[],
    readonly hash: SimdHash = 'sha256',
  ) {
    this.at = simdHeap(hash);
    const scheduleBytes = messages.reduce((n, m) => n + Math.ceil((m.length + 9) / 64) * SIMD_HASH[hash].rounds * 16 + 32, 0);
    const pages = Math.ceil((this.at + bytes + scheduleBytes) / 65536);
    this.x = new WebAssembly.Instance(new WebAssembly.Module(simdWasmBytes(pages, hash))).exports as unknown as SimdExports;
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
    const { rounds, words } = SIMD_HASH[this.hash];
    const schedule = this.take(blocks * rounds * 16);
    const w = new Int32Array(rounds);
    for (let b = 0; b < blocks; b++) {
      for (let i = 0; i < 16; i++) w[i] = padded[b * 16 + i]!;
      expandSchedule(this.hash, w);
      for (let i = 0; i < rounds; i++) {
        const at = (schedule + (b * rounds + i) * 16) / 4;
        this.mem.fill(w[i]!, at, at + 4);
      }
    }
    const signature = this.take(32);
    this.mem.set(toWords(mac).subarray(0, words), signature / 4);
    return { schedule, blocks, signature };
  }
}

/**
 * Django signer HMAC on eight candidates at a time (every target of one hash: SHA-256, or SHA-1 as
 * Django 3.1's legacy signatures and itsdangerous have it). Candidates come
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

  constructor(targets: readonly { message: Uint8Array; signature: Uint8Array }[], salts: readonly SaltPrefix[], hash: SimdHash = 'sha256') {
    const encoder = new TextEncoder();
    this.prefixes = salts.map((p) => encoder.encode(`${p.salt}signer${p.keyPrefix}`));
    this.stride = Math.ceil((MAX_CANDIDATE_BYTES + Math.max(0, ...this.prefixes.map((p) => p.length)) + 72) / 64) * 64;
    this.heap = new SimdHeap(256 + 8 * this.prefixes.length * this.stride, targets.map((t) => t.message), hash);
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
