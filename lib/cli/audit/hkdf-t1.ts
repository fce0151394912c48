/**
 * The first HKDF-SHA256 output block of a batch of candidate keys under one (salt, info) — what
 * NextAuth / Auth.js checks need (simd-hkdf.ts): T1 = HMAC(PRK, info ‖ 0x01) with
 * PRK = HMAC(salt, candidate) (RFC 5869 §2.2–2.3). Two engines, the same words out:
 *
 * - WebAssembly SIMD (wasm-simd-module.ts), eight candidates per pass: the salt's HMAC pad states
 *   computed once (`hmacMsg8` takes them), then the PRK's pads (`pads8`) and the info block, whose
 *   schedule is expanded once (`macOut8`). Candidates longer than a lane are left to the caller.
 * - the native engine (native-engine.ts, sixteen lanes per pass) when it loaded: Extract as two
 *   prefixed hashes, H(salt ⊕ ipad ‖ candidate) then H(salt ⊕ opad ‖ inner), then its HMAC of
 *   `info ‖ 0x01` under every PRK.
 */
import { createHash } from 'node:crypto';
import type { KeyBatch } from './framework-simd.ts';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';
import type { NativeEngine } from './native-engine.ts';
import { RAW_KEY_BYTES, SimdHeap, type SimdValue } from './wasm-simd.ts';

/** One key salt and info. */
export interface HkdfParam {
  salt: string;
  info: string;
}

/**
 * T1 of every candidate of a batch under each param: `out[p]` gets candidate i's eight big-endian
 * words at `[8i, 8i + 8)`. Candidates longer than {@link maxLength} are skipped (words left as they were).
 */
export interface T1Engine {
  readonly maxLength: number;
  derive(batch: KeyBatch, out: Int32Array[]): void;
}

/** The 64-byte HMAC key block of a salt (RFC 2104 §2: a key longer than the block is hashed first). */
function keyBlock(salt: string): Buffer {
  const s = Buffer.from(salt);
  const key = Buffer.alloc(64);
  if (s.length > RAW_KEY_BYTES) createHash('sha256').update(s).digest().copy(key);
  else s.copy(key);
  return key;
}

const infoBlock = (p: HkdfParam) => Buffer.concat([Buffer.from(p.info), Uint8Array.of(1)]);

/** T1 on the WebAssembly SIMD engine, eight candidates per pass. */
export class WasmT1 implements T1Engine {
  readonly maxLength = MAX_CANDIDATE_BYTES;
  private readonly heap: SimdHeap;
  private readonly mem: Int32Array;
  private readonly stride = Math.ceil((MAX_CANDIDATE_BYTES + 9) / 64) * 64;
  private readonly lanes: number;
  private readonly prk: number;
  private readonly out: number;
  /** Per param: the salt's pad states (each splatted across four lanes) and the info block's schedule. */
  private readonly params: { ipad: number; opad: number; info: SimdValue }[];

  constructor(params: readonly HkdfParam[]) {
    const infos = params.map(infoBlock);
    this.heap = new SimdHeap(512 + 8 * this.stride + params.length * 256, infos);
    this.mem = new Int32Array(this.heap.u8.buffer);
    this.prk = this.heap.take(256);
    this.out = this.heap.take(256);
    this.lanes = this.heap.take(8 * this.stride);
    this.params = params.map((p, i) => ({ ...this.padStates(keyBlock(p.salt)), info: this.heap.value(infos[i]!, new Uint8Array(0)) }));
  }

  /** HMAC-SHA256's ipad and opad states of a key block: one compression from the IV each, by `derive8` over eight copies (splatted states). */
  private padStates(key: Buffer): { ipad: number; opad: number } {
    const { u8, x } = this.heap;
    const states = { ipad: this.heap.take(128), opad: this.heap.take(128) };
    for (const [pad, at] of [
      [0x36, states.ipad],
      [0x5c, states.opad],
    ] as const) {
      for (let l = 0; l < 8; l++) for (let i = 0; i < 64; i++) u8[this.lanes + l * 64 + i] = key[i]! ^ pad;
      x.derive8(at, this.prk, this.lanes, 64, 1);
    }
    return states;
  }

  derive(batch: KeyBatch, out: Int32Array[]): void {
    const { src, starts, lengths, count } = batch;
    const groups = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const n = lengths[i]!;
      if (n > MAX_CANDIDATE_BYTES) continue;
      const blocks = (n + 9 + 63) >>> 6;
      let g = groups.get(blocks);
      if (!g) groups.set(blocks, (g = []));
      g.push(i);
    }
    const { u8, x } = this.heap;
    const mem = this.mem;
    const prkB = this.prk + 128;
    for (const [blocks, idx] of groups) {
      for (let k = 0; k < idx.length; k += 8) {
        const used = Math.min(8, idx.length - k);
        for (let l = 0; l < 8; l++) {
          // Unused lanes repeat the group's first candidate; their answers are ignored.
          const i = idx[k + (l < used ? l : 0)]!;
          const n = lengths[i]!;
          const at = this.lanes + l * this.stride;
          const end = at + blocks * 64;
          const from = starts[i]!;
          if (n <= 64) for (let b = 0; b < n; b++) u8[at + b] = src[from + b]!;
          else u8.set(src.subarray(from, from + n), at);
          u8[at + n] = 0x80;
          u8.fill(0, at + n + 1, end - 4);
          // The message follows the 64-byte key block: (64 + n) bytes, in bits.
          const bits = (64 + n) * 8;
          u8[end - 4] = bits >>> 24;
          u8[end - 3] = (bits >>> 16) & 0xff;
          u8[end - 2] = (bits >>> 8) & 0xff;
          u8[end - 1] = bits & 0xff;
        }
        this.params.forEach((p, pi) => {
          x.hmacMsg8(this.prk, prkB, p.ipad, p.opad, this.lanes, this.stride, blocks);
          x.pads8(this.prk, prkB);
          x.macOut8(p.info.schedule, p.info.blocks, this.out);
          const words = out[pi]!;
          for (let l = 0; l < used; l++) {
            // Word w of lane l: group l >> 2, lane l & 3 of v128 w.
            const from = (this.out + (l >> 2) * 128 + (l & 3) * 4) >> 2;
            const to = idx[k + l]! * 8;
            for (let w = 0; w < 8; w++) words[to + w] = mem[from + w * 4]!;
          }
        });
      }
    }
  }
}

/** T1 on the native engine, the whole batch per call. */
export class NativeT1 implements T1Engine {
  readonly maxLength = Infinity;
  private readonly params: { ipad: Uint8Array; opad: Uint8Array; info: Buffer }[];
  private inner = Buffer.alloc(0);
  private prk = Buffer.alloc(0);
  private t1 = Buffer.alloc(0);
  private digests: KeyBatch = { src: this.inner, starts: new Int32Array(0), lengths: new Int32Array(0), count: 0 };

  constructor(
    private readonly native: NativeEngine,
    params: readonly HkdfParam[],
  ) {
    this.params = params.map((p) => {
      const key = keyBlock(p.salt);
      return { ipad: key.map((b) => b ^ 0x36), opad: key.map((b) => b ^ 0x5c), info: infoBlock(p) };
    });
  }

  derive(batch: KeyBatch, out: Int32Array[]): void {
    const { count } = batch;
    this.reserve(count);
    const slices = { ...this.digests, count };
    this.params.forEach((p, pi) => {
      this.native.hashPrefixed('sha256', p.ipad, batch, this.inner.subarray(0, count * 32));
      this.native.hashPrefixed('sha256', p.opad, { ...slices, src: this.inner }, this.prk.subarray(0, count * 32));
      this.native.hmac('sha256', { ...slices, src: this.prk }, p.info, this.t1.subarray(0, count * 32));
      const words = out[pi]!;
      for (let i = 0; i < count * 8; i++) words[i] = this.t1.readInt32BE(i * 4);
    });
  }

  /** Buffers for `count` digests, and their slices (digest i at 32i). */
  private reserve(count: number): void {
    if (this.digests.count >= count) return;
    this.inner = Buffer.alloc(count * 32);
    this.prk = Buffer.alloc(count * 32);
    this.t1 = Buffer.alloc(count * 32);
    this.digests = { src: this.inner, starts: Int32Array.from({ length: count }, (_, i) => i * 32), lengths: new Int32Array(count).fill(32), count };
  }
}
