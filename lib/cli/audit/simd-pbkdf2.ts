/**
 * PBKDF2-HMAC (RFC 8018 §5.2) of a batch of candidate passwords: on the native engine
 * (native-engine.ts, sixteen lanes per pass, AVX-512 where the CPU has it) when it loaded, else on
 * the WebAssembly SIMD engine (wasm-simd-module.ts `macOut8` / `iterate8`), eight at once. Either
 * way each password's HMAC pad states are computed once, then every iteration is two compressions
 * per lane, against OpenSSL's per-iteration HMAC calls, and the keys are the same bytes.
 * The keys of Rails (secret_key_base, salts "authenticated encrypted cookie", "signed cookie"…,
 * 1000 iterations), Phoenix (secret_key_base and the endpoint's salts) and iron-session (1
 * iteration) are derived here for a whole batch, then checked per candidate (framework-check.ts).
 */
import { createHash } from 'node:crypto';
import type { FrameworkAuditSpec, KeyDerivation } from '../../codec/index.ts';
import { pbkdf2CacheId, type DerivationCache } from './framework-check.ts';
import type { KeyBatch } from './framework-simd.ts';
import { nativeEngine, type NativeEngine } from './native-engine.ts';
import { RAW_KEY_BYTES, SimdHeap, type SimdHash, type SimdValue } from './wasm-simd.ts';
import { SIMD_HASH } from './wasm-simd-module.ts';

/** PBKDF2 with one hash, iteration count and length, for several salts, over a batch: `[salt][candidate]`. */
export interface Pbkdf2Deriver {
  derive(batch: KeyBatch): Buffer[][];
}

/**
 * The native engine to use, `null` for none: the loaded one unless `SESSION_LENS_NATIVE=0`
 * (native-engine.ts); tests pass `null` to run the WebAssembly engine.
 */
export type NativeChoice = NativeEngine | null;

/** The loaded native engine, or `null` (then the WebAssembly SIMD engine runs). */
export function defaultNative(): NativeChoice {
  return nativeEngine() ?? null;
}

/** What derives the PBKDF2 keys, said in the run's summary and the benchmark's rows. */
export function pbkdf2EngineName(native: NativeChoice = defaultNative()): string {
  return native ? `native, 16 per pass (${native.isa()})` : 'WebAssembly SIMD, 8 per pass';
}

/**
 * PBKDF2 on the native engine: each salt's keys for the whole batch in one call, back to back.
 *
 * @example new NativePbkdf2(engine, 'sha256', ['kR3qP9xZ'], 1000, 32).derive(batch)[0][i] // candidate i's key
 */
export class NativePbkdf2 implements Pbkdf2Deriver {
  readonly salts: readonly Buffer[];

  constructor(
    private readonly native: NativeEngine,
    private readonly hash: SimdHash,
    salts: readonly string[],
    private readonly iterations: number,
    readonly length: number,
  ) {
    this.salts = salts.map((salt) => Buffer.from(salt));
  }

  /** Salt `s`'s key of every candidate, candidate i's at `[i × length, (i + 1) × length)`. */
  deriveFlat(batch: KeyBatch, s: number): Buffer {
    const out = Buffer.allocUnsafe(batch.count * this.length);
    this.native.pbkdf2(this.hash, batch, this.salts[s]!, this.iterations, this.length, out);
    return out;
  }

  derive(batch: KeyBatch): Buffer[][] {
    return this.salts.map((_, s) => {
      const flat = this.deriveFlat(batch, s);
      return Array.from({ length: batch.count }, (_, i) => flat.subarray(i * this.length, (i + 1) * this.length));
    });
  }
}

/**
 * PBKDF2 on the native engine when it is given, else on the WebAssembly SIMD engine.
 *
 * @example pbkdf2Deriver('sha1', ['authenticated encrypted cookie'], 1000, 32).derive(batch)[0][i]
 */
export function pbkdf2Deriver(hash: SimdHash, salts: readonly string[], iterations: number, length: number, native: NativeChoice = defaultNative()): Pbkdf2Deriver {
  return native ? new NativePbkdf2(native, hash, salts, iterations, length) : new SimdPbkdf2(hash, salts, iterations, length);
}

/**
 * PBKDF2 with one hash, iteration count and length, for several salts, on the WebAssembly SIMD engine.
 *
 * @example new SimdPbkdf2('sha256', ['kR3qP9xZ'], 1000, 32).derive(batch)[0][i] // candidate i's key
 */
export class SimdPbkdf2 implements Pbkdf2Deriver {
  private readonly heap: SimdHeap;
  private readonly keyState: number;
  private readonly lanes: number;
  private readonly out: number;
  /** Per salt, per output block: the prepared message `salt ‖ INT(i)`. */
  private readonly values: SimdValue[][];
  private readonly words: number;
  private readonly blocks: number;
  private scratch = Buffer.alloc(0);

  constructor(
    private readonly hash: SimdHash,
    salts: readonly string[],
    private readonly iterations: number,
    private readonly length: number,
  ) {
    this.words = SIMD_HASH[hash].words;
    this.blocks = Math.ceil(length / (this.words * 4));
    const messages = salts.flatMap((salt) => Array.from({ length: this.blocks }, (_, b) => Buffer.concat([Buffer.from(salt), Buffer.from([0, 0, 0, b + 1])])));
    const outBytes = salts.length * this.blocks * this.words * 32;
    this.heap = new SimdHeap(512 + 8 * RAW_KEY_BYTES + outBytes, messages, hash);
    this.keyState = this.heap.take(512);
    this.lanes = this.heap.take(8 * RAW_KEY_BYTES);
    this.out = this.heap.take(outBytes);
    this.values = salts.map((_, s) => messages.slice(s * this.blocks, (s + 1) * this.blocks).map((m) => this.heap.value(m, new Uint8Array(0))));
  }

  /** Each salt's derived key for each candidate of the batch: `[salt][candidate]`. */
  derive(batch: KeyBatch): Buffer[][] {
    const { src, starts, lengths, count } = batch;
    const { u8, x } = this.heap;
    const mem = new Int32Array(u8.buffer);
    const keys: Buffer[][] = this.values.map(() => new Array<Buffer>(count));
    const blockBytes = this.words * 32;
    for (let k = 0; k < count; k += 8) {
      const used = Math.min(8, count - k);
      for (let l = 0; l < 8; l++) {
        const i = k + (l < used ? l : 0);
        let key: Uint8Array = src.subarray(starts[i]!, starts[i]! + lengths[i]!);
        // RFC 2104 §2: a password longer than the block is hashed first.
        if (key.length > RAW_KEY_BYTES) key = createHash(this.hash).update(key).digest();
        const at = this.lanes + l * RAW_KEY_BYTES;
        u8.set(key, at);
        u8.fill(0, at + key.length, at + RAW_KEY_BYTES);
      }
      x.gather8(this.keyState, this.keyState + 256, this.lanes, RAW_KEY_BYTES);
      x.padsRaw8(this.keyState, this.keyState + 256);
      this.values.forEach((blocks, s) => {
        blocks.forEach((v, b) => {
          const out = this.out + (s * this.blocks + b) * blockBytes;
          x.macOut8(v.schedule, v.blocks, out);
          if (this.iterations > 1) x.iterate8(out, this.iterations - 1);
        });
        for (let l = 0; l < used; l++) keys[s]![k + l] = this.lane(mem, s, l);
      });
    }
    return keys;
  }

  /** Lane `l`'s derived key for salt `s`: the T blocks' big-endian words, cut to the length. */
  private lane(mem: Int32Array, s: number, l: number): Buffer {
    const bytes = this.blocks * this.words * 4;
    if (this.scratch.length < bytes) this.scratch = Buffer.alloc(bytes);
    const group = l >> 2;
    const lane = l & 3;
    for (let b = 0; b < this.blocks; b++) {
      const base = (this.out + (s * this.blocks + b) * this.words * 32 + group * this.words * 16) / 4 + lane;
      for (let w = 0; w < this.words; w++) this.scratch.writeInt32BE(mem[base + w * 4]!, (b * this.words + w) * 4);
    }
    return Buffer.from(this.scratch.subarray(0, this.length));
  }
}

type Pbkdf2 = Extract<KeyDerivation, { kind: 'pbkdf2' }>;

/**
 * Every PBKDF2 the given cookies derive from a candidate (their keys, Rails' alternatives,
 * Phoenix's signing key), computed for a whole batch ahead and put in each candidate's cache,
 * where framework-check.ts finds them.
 *
 * @example
 * const prefill = Pbkdf2Prefill.from(specs);
 * prefill?.fill(batch, caches); // then frameworkChecker(spec)(key, caches[i])
 */
export class Pbkdf2Prefill {
  private constructor(private readonly groups: { digest: string; iterations: number; length: number; salts: string[]; simd: Pbkdf2Deriver }[]) {}

  /** The prefill for these cookies, or `undefined` when none derives with PBKDF2; `native`: see {@link NativeChoice}. */
  static from(specs: readonly FrameworkAuditSpec[], native: NativeChoice = defaultNative()): Pbkdf2Prefill | undefined {
    const wanted = new Map<string, { digest: 'sha1' | 'sha256'; iterations: number; length: number; salts: Set<string> }>();
    const add = (d: Pbkdf2) => {
      for (const digest of d.digests) {
        const id = `${digest}\0${d.iterations}\0${d.length}`;
        let g = wanted.get(id);
        if (!g) wanted.set(id, (g = { digest, iterations: d.iterations, length: d.length, salts: new Set() }));
        for (const salt of d.salts) g.salts.add(salt);
      }
    };
    for (const spec of specs) {
      for (const v of [spec, ...(spec.alternatives ?? [])]) {
        if (v.derive.kind === 'pbkdf2') add(v.derive);
        if (v.check.kind === 'plug-gcm') add(v.check.sign);
      }
    }
    if (!wanted.size) return undefined;
    return new Pbkdf2Prefill([...wanted.values()].map((g) => ({ ...g, salts: [...g.salts], simd: pbkdf2Deriver(g.digest, [...g.salts], g.iterations, g.length, native) })));
  }

  /** Puts every derived key of every candidate of the batch in `caches[i]`. */
  fill(batch: KeyBatch, caches: DerivationCache[]): void {
    for (const g of this.groups) {
      const keys = g.simd.derive(batch);
      g.salts.forEach((salt, s) => {
        const id = pbkdf2CacheId(g.digest, g.iterations, g.length, salt);
        for (let i = 0; i < batch.count; i++) caches[i]!.set(id, keys[s]![i]!);
      });
    }
  }
}
