/**
 * An audit worker thread. It gets the signed values once (workerData), then tasks: a batch of
 * candidate keys, or the wordlist, whose byte ranges it takes one by one from a counter shared
 * with the other workers (feed.ts) and reads itself (wordlist.ts), hashing the bytes straight from
 * the file buffer. It answers each batch, and each range, with how many keys it tried and which
 * (value, salt) pairs a key signs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { MAX_CANDIDATE_BYTES, prepareTarget, SignerCracker, type FastAlgorithm, type FastMatch, type SaltPrefix } from './fast-hmac.ts';
import { NativeSignerCracker, oneShotHash } from './native-hmac.ts';
import { NativeBatchSignerCracker } from './native-crackers.ts';
import { nativeEngine, type NativeHash } from './native-engine.ts';
import { WasmSignerCracker } from './wasm-sha256.ts';
import { SimdSignerCracker, simdSupported, type BatchMatch } from './wasm-simd.ts';
import { frameworkChecker, type FrameworkMatch } from './framework-check.ts';
import { RawHmacFrameworks } from './framework-simd.ts';
import { Pbkdf2Prefill } from './simd-pbkdf2.ts';
import { HkdfFrameworks } from './simd-hkdf.ts';
import { RangeReader, Slices } from './wordlist.ts';
import type { FrameworkAuditSpec } from '../../codec/index.ts';

/** What the worker is started with. */
export interface WorkerInit {
  targets: { message: Uint8Array; signature: Uint8Array; algorithm: 'sha256' | 'sha1' | 'sha384' | 'sha512' }[];
  salts: SaltPrefix[];
  /** Other frameworks' cookies; their target numbers follow the Django targets'. */
  frameworks?: FrameworkAuditSpec[];
}

/**
 * A task: keys to try, or the wordlist's ranges (start, end pairs in `table`) to take one by one
 * through the shared counter `next`. `found`: shared flags of the values found so far.
 */
export type WorkerTask =
  | { kind: 'keys'; id: number; keys: string[]; found: Int32Array }
  | { kind: 'ranges'; id: number; path: string; table: Float64Array; next: Int32Array; found: Int32Array };

/** A task's answer (a `ranges` task: one per range with `more`, then one without). */
export interface WorkerAnswer {
  id: number;
  tried: number;
  matches: { target: number; salt: number; key: string; framework?: FrameworkMatch }[];
  /** Milliseconds the worker spent on it (not counting its wait in the queue). */
  ms: number;
  /** More answers to this task follow. */
  more?: boolean;
  error?: string;
}

/** The worker's first message: it is loaded, and this is what hashes. */
export interface WorkerReady {
  ready: true;
  engine: string;
}

const init = workerData as WorkerInit;
/**
 * Which engine hashes (SESSION_LENS_AUDIT_ENGINE overrides, for tests and the benchmark):
 * - `addon` (default where the native SHA engine loads, native-engine.ts): sha256 and sha1 values
 *   and the raw-key HMAC-SHA256 cookies, a whole batch per call (native-crackers.ts); the rest
 *   as with `simd`;
 * - `simd` (default where WebAssembly SIMD compiles): sha256 and sha1 values (sha1: Django 3.1's
 *   legacy signatures, Starlette's itsdangerous), eight candidates per pass (wasm-simd.ts);
 * - `wasm`: sha256 values through scalar WebAssembly SHA-256 (wasm-sha256.ts);
 * - `js`: sha256/sha1 values through pure-JS SHA (fast-hmac.ts);
 * - `native`: node:crypto one-shot hashes for every algorithm (native-hmac.ts, Node ≥ 20.12).
 * Values the chosen engine does not cover go to one that does: sha1 to `js` (but `simd`'s own),
 * sha384 and sha512 to `native`, or to node:crypto Hash objects when `crypto.hash` is missing.
 */
type Engine = 'simd' | 'wasm' | 'js' | 'native';
/** The engines a target is grouped by: `simd1` is the SIMD engine's SHA-1 module. */
type TargetEngine = Engine | 'simd1' | 'slow' | 'addon';
/** Candidates as slices of one byte buffer. */
interface Batch {
  src: Uint8Array;
  starts: Int32Array;
  lengths: Int32Array;
  count: number;
}
interface Cracker {
  checkBatch(batch: Batch, skip?: ReadonlySet<number>): BatchMatch[];
}
const requested = process.env.SESSION_LENS_AUDIT_ENGINE;
/** The native SHA engine, unless another engine is asked for (or it does not load). */
const addon = requested === undefined || requested === 'addon' ? nativeEngine() : undefined;
/** The engine for what the native one does not take (everything, without it). */
const engine: Engine =
  requested === 'js' || requested === 'native' || requested === 'wasm' || requested === 'simd'
    ? requested
    : typeof WebAssembly === 'object'
      ? simdSupported()
        ? 'simd'
        : 'wasm'
      : 'js';

function engineFor(algorithm: string): TargetEngine {
  if (addon && (algorithm === 'sha256' || algorithm === 'sha1')) return 'addon';
  if (engine === 'native' && oneShotHash) return 'native';
  if (algorithm === 'sha256') return engine === 'native' ? 'js' : engine;
  if (algorithm === 'sha1') return engine === 'simd' ? 'simd1' : 'js';
  return oneShotHash ? 'native' : 'slow';
}

/** Adapts a one-candidate-at-a-time cracker to batches. */
function oneByOne(c: { checkBytes(src: Uint8Array, offset: number, n: number, skip?: ReadonlySet<number>): FastMatch[] }): Cracker {
  return {
    checkBatch({ src, starts, lengths, count }, skip) {
      const out: BatchMatch[] = [];
      for (let i = 0; i < count; i++) for (const m of c.checkBytes(src, starts[i]!, lengths[i]!, skip)) out.push({ ...m, index: i });
      return out;
    },
  };
}

/** A cracker per engine, over the targets it takes; `map` turns its local target index into the global one. */
const crackers: { cracker: Cracker; map: number[] }[] = [];
const slowIdx: number[] = [];
{
  const groups = new Map<TargetEngine, number[]>();
  init.targets.forEach((t, i) => {
    const e = engineFor(t.algorithm);
    groups.set(e, [...(groups.get(e) ?? []), i]);
  });
  for (const [e, idx] of groups) {
    const ts = idx.map((i) => init.targets[i]!);
    let cracker: Cracker | undefined;
    if (e === 'slow') slowIdx.push(...idx);
    else if (e === 'addon') {
      const c = new NativeBatchSignerCracker(addon!, ts as { message: Uint8Array; signature: Uint8Array; algorithm: NativeHash }[], init.salts);
      cracker = { checkBatch: (b, skip) => c.checkBatch(b.src, b.starts, b.lengths, b.count, skip) };
    } else if (e === 'simd' || e === 'simd1') {
      const c = new SimdSignerCracker(ts, init.salts, e === 'simd' ? 'sha256' : 'sha1');
      cracker = { checkBatch: (b, skip) => c.checkBatch(b.src, b.starts, b.lengths, b.count, skip) };
    } else if (e === 'wasm') cracker = oneByOne(new WasmSignerCracker(ts, init.salts));
    else if (e === 'native') cracker = oneByOne(new NativeSignerCracker(ts, init.salts));
    else cracker = oneByOne(new SignerCracker(ts.map((t) => prepareTarget(t.message, t.signature, t.algorithm as FastAlgorithm)), init.salts));
    if (cracker) crackers.push({ cracker, map: idx });
  }
}
const decoder = new TextDecoder();

/** node:crypto Hash objects, for sha384/sha512 on a Node without `crypto.hash`. */
function slowCheck(key: Uint8Array, skip: Set<number>, out: WorkerAnswer['matches']): void {
  for (const ti of slowIdx) {
    if (skip.has(ti)) continue;
    const t = init.targets[ti]!;
    init.salts.forEach((s, si) => {
      const k = createHash(t.algorithm).update(`${s.salt}signer${s.keyPrefix}`).update(key).digest();
      const mac = createHmac(t.algorithm, k).update(t.message).digest();
      if (mac.length === t.signature.length && timingSafeEqual(mac, t.signature)) out.push({ target: ti, salt: si, key: decoder.decode(key) });
    });
  }
}

const frameworkSpecs = init.frameworks ?? [];
/** Raw-key HMAC-SHA256 cookies (Tornado, Yii2, gorilla, Laravel's MAC) on the SIMD engine, or the native one. */
const rawSimd = engine === 'simd' ? RawHmacFrameworks.from(frameworkSpecs, addon ?? null) : undefined;
/** NextAuth / Auth.js tokens (HKDF, then AES-GCM's first byte or A256CBC-HS512's MAC), a batch at a time: HKDF on the native engine when it loaded, else on WebAssembly SIMD. */
const hkdfSimd = engine === 'simd' ? HkdfFrameworks.from(frameworkSpecs, addon ?? null) : undefined;
/** The rest: node:crypto per candidate (their key derivations differ per family). */
const frameworkCheckers = frameworkSpecs.flatMap((spec, j) => (rawSimd?.covers(j) || hkdfSimd?.covers(j) ? [] : [{ j, check: frameworkChecker(spec) }]));
/** Their PBKDF2 keys (Rails, Phoenix, iron-session), derived for a whole batch on the SIMD engine. */
const pbkdf2Prefill = engine === 'simd' ? Pbkdf2Prefill.from(frameworkSpecs.filter((_, j) => !rawSimd?.covers(j)), addon ?? null) : undefined;

function tryFrameworks(batch: Batch, skip: Set<number>, out: WorkerAnswer['matches']): void {
  const base = init.targets.length;
  const keyAt = (i: number) => Buffer.from(batch.src.buffer, batch.src.byteOffset + batch.starts[i]!, batch.lengths[i]!);
  for (const simd of [rawSimd, hkdfSimd]) {
    for (const m of simd?.checkBatch(batch, (j) => skip.has(base + j)) ?? []) {
      out.push({ target: base + m.framework, salt: -1, key: decoder.decode(keyAt(m.index)), framework: m.match });
    }
  }
  if (!frameworkCheckers.length) return;
  const caches = Array.from({ length: batch.count }, () => new Map<string, Buffer>());
  pbkdf2Prefill?.fill(batch, caches);
  for (let i = 0; i < batch.count; i++) {
    const key = keyAt(i);
    const cache = caches[i]!;
    for (const { j, check } of frameworkCheckers) {
      if (skip.has(base + j)) continue;
      const m = check(key, cache);
      if (m) out.push({ target: base + j, salt: -1, key: decoder.decode(key), framework: m });
    }
  }
}

function tryBatch(batch: Batch, skip: Set<number>, out: WorkerAnswer['matches']): void {
  if (frameworkSpecs.length) tryFrameworks(batch, skip, out);
  const { src, starts, lengths } = batch;
  for (const { cracker, map } of crackers) {
    const localSkip = skip.size ? new Set(map.map((g, l) => (skip.has(g) ? l : -1)).filter((l) => l >= 0)) : undefined;
    for (const m of cracker.checkBatch(batch, localSkip)) {
      const at = starts[m.index]!;
      out.push({ target: map[m.target]!, salt: m.salt, key: decoder.decode(src.subarray(at, at + lengths[m.index]!)) });
    }
  }
  if (slowIdx.length) for (let i = 0; i < batch.count; i++) slowCheck(src.subarray(starts[i]!, starts[i]! + lengths[i]!), skip, out);
}

const reader = new RangeReader();

/** The values found so far (by any worker, or the main thread), from the shared flags. */
function skipOf(found: Int32Array): Set<number> {
  const skip = new Set<number>();
  for (let t = 0; t < found.length; t++) if (Atomics.load(found, t)) skip.add(t);
  return skip;
}

/**
 * Takes the wordlist's ranges one after another (the shared counter hands each range to one
 * worker) and answers each with `more: true`, until none is left or every value is found.
 */
function runRanges(task: Extract<WorkerTask, { kind: 'ranges' }>): void {
  const count = task.table.length / 2;
  for (;;) {
    const skip = skipOf(task.found);
    if (skip.size === task.found.length) return;
    const i = Atomics.add(task.next, 0, 1);
    if (i >= count) return;
    const started = performance.now();
    const matches: WorkerAnswer['matches'] = [];
    const batch = reader.read(task.path, task.table[2 * i]!, task.table[2 * i + 1]!);
    tryBatch(batch, skip, matches);
    for (const m of matches) Atomics.store(task.found, m.target, 1);
    const answer: WorkerAnswer = { id: task.id, tried: batch.count, matches, ms: performance.now() - started, more: true };
    parentPort!.postMessage(answer);
  }
}

parentPort!.on('message', (task: WorkerTask) => {
  const started = performance.now();
  const matches: WorkerAnswer['matches'] = [];
  const answer: WorkerAnswer = { id: task.id, tried: 0, matches, ms: 0 };
  try {
    if (task.kind === 'ranges') runRanges(task);
    else {
      const skip = skipOf(task.found);
      const slices = new Slices();
      const parts: Buffer[] = [];
      let at = 0;
      for (const key of task.keys) {
        const b = Buffer.from(key, 'utf8');
        if (b.length === 0 || b.length > MAX_CANDIDATE_BYTES) continue;
        parts.push(b);
        slices.push(at, b.length);
        at += b.length;
      }
      tryBatch({ src: Buffer.concat(parts), starts: slices.starts, lengths: slices.lengths, count: slices.count }, skip, matches);
      answer.tried = task.keys.length;
      answer.ms = performance.now() - started;
    }
  } catch (e) {
    answer.error = e instanceof Error ? e.message : String(e);
  }
  parentPort!.postMessage(answer);
});

/** The engine's name in the run's summary. */
const ENGINE_NAMES: Record<Engine, string> = { simd: 'WebAssembly SIMD, 8 keys per pass', wasm: 'scalar WebAssembly', js: 'pure JS', native: 'node:crypto one-shot hashes' };

// Tell the pool the worker is loaded: the clock starts when every worker is ready.
const ready: WorkerReady = { ready: true, engine: addon ? `native SHA engine, 16 keys per pass (${addon.isa()})` : ENGINE_NAMES[engine] };
parentPort!.postMessage(ready);
