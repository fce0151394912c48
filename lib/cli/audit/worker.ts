/**
 * An audit worker thread. It gets the signed values once (workerData), then tasks: a batch of
 * candidate keys, or a byte range of a wordlist file that it reads itself (one key per line; a
 * line belongs to the range it starts in), hashing the bytes straight from the file buffer. It
 * answers each task with how many keys it tried and which (value, salt) pairs a key signs.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { MAX_CANDIDATE_BYTES, prepareTarget, SignerCracker, type FastAlgorithm, type FastMatch, type SaltPrefix } from './fast-hmac.ts';
import { NativeSignerCracker, oneShotHash } from './native-hmac.ts';
import { WasmSignerCracker } from './wasm-sha256.ts';

/** What the worker is started with. */
export interface WorkerInit {
  targets: { message: Uint8Array; signature: Uint8Array; algorithm: 'sha256' | 'sha1' | 'sha384' | 'sha512' }[];
  salts: SaltPrefix[];
}

/** A task: keys to try, or a wordlist byte range `[start, end)` to read and try. */
export type WorkerTask =
  | { kind: 'keys'; id: number; keys: string[]; skip: number[] }
  | { kind: 'range'; id: number; path: string; start: number; end: number; skip: number[] };

/** A task's answer. */
export interface WorkerAnswer {
  id: number;
  tried: number;
  matches: { target: number; salt: number; key: string }[];
  error?: string;
}

const init = workerData as WorkerInit;
/**
 * Which engine hashes (SESSION_LENS_AUDIT_ENGINE overrides, for tests and the benchmark):
 * - `wasm` (default): sha256 values through WebAssembly SHA-256 (wasm-sha256.ts);
 * - `js`: sha256/sha1 values through pure-JS SHA (fast-hmac.ts);
 * - `native`: node:crypto one-shot hashes for every algorithm (native-hmac.ts, Node ≥ 20.12).
 * Values the chosen engine does not cover go to the next one that does: sha1 to `js`, sha384 and
 * sha512 to `native`, or to node:crypto Hash objects when `crypto.hash` is missing.
 */
type Engine = 'wasm' | 'js' | 'native';
interface Cracker {
  checkBytes(src: Uint8Array, offset: number, n: number, skip?: ReadonlySet<number>): FastMatch[];
}
const requested = process.env.SESSION_LENS_AUDIT_ENGINE;
const engine: Engine = requested === 'js' || requested === 'native' ? requested : typeof WebAssembly === 'object' ? 'wasm' : 'js';

function engineFor(algorithm: string): Engine | 'slow' {
  if (engine === 'native' && oneShotHash) return 'native';
  if (algorithm === 'sha256') return engine === 'wasm' ? 'wasm' : 'js';
  if (algorithm === 'sha1') return 'js';
  return oneShotHash ? 'native' : 'slow';
}

/** A cracker per engine, over the targets it takes; `map` turns its local target index into the global one. */
const crackers: { cracker: Cracker; map: number[] }[] = [];
const slowIdx: number[] = [];
{
  const groups = new Map<Engine | 'slow', number[]>();
  init.targets.forEach((t, i) => {
    const e = engineFor(t.algorithm);
    groups.set(e, [...(groups.get(e) ?? []), i]);
  });
  for (const [e, idx] of groups) {
    const ts = idx.map((i) => init.targets[i]!);
    if (e === 'slow') slowIdx.push(...idx);
    else if (e === 'wasm') crackers.push({ cracker: new WasmSignerCracker(ts, init.salts), map: idx });
    else if (e === 'native') crackers.push({ cracker: new NativeSignerCracker(ts, init.salts), map: idx });
    else crackers.push({ cracker: new SignerCracker(ts.map((t) => prepareTarget(t.message, t.signature, t.algorithm as FastAlgorithm)), init.salts), map: idx });
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

function tryBytes(src: Uint8Array, off: number, n: number, skip: Set<number>, out: WorkerAnswer['matches']): void {
  for (const { cracker, map } of crackers) {
    const localSkip = skip.size ? new Set(map.map((g, l) => (skip.has(g) ? l : -1)).filter((l) => l >= 0)) : undefined;
    for (const m of cracker.checkBytes(src, off, n, localSkip)) out.push({ target: map[m.target]!, salt: m.salt, key: decoder.decode(src.subarray(off, off + n)) });
  }
  if (slowIdx.length) slowCheck(src.subarray(off, off + n), skip, out);
}

const NL = 0x0a;
const CR = 0x0d;

/** Reads `[start, end)` of the file (plus the rest of its last line) and tries every line. */
function runRange(path: string, start: number, end: number, skip: Set<number>, out: WorkerAnswer['matches']): number {
  const fd = openSync(path, 'r');
  try {
    // One byte before `start` tells whether a line starts exactly at `start`.
    const from = start > 0 ? start - 1 : 0;
    let buf = Buffer.allocUnsafe(end - from + 64 * 1024);
    let len = readSync(fd, buf, 0, end - from, from);
    let pos = 0;
    if (start > 0) {
      // Skip the line that started in the previous range.
      const nl = buf.indexOf(NL, 0);
      pos = nl === -1 || nl >= len ? len : nl + 1;
      if (pos > end - from) return 0;
    }
    const limit = end - from; // lines starting at or after this belong to the next range
    let tried = 0;
    while (pos < limit && pos < len) {
      let nl = buf.indexOf(NL, pos);
      while ((nl === -1 || nl >= len) && len - pos <= MAX_CANDIDATE_BYTES) {
        // The last line runs past the range: read on until its newline (or EOF).
        if (len + 64 * 1024 > buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        const got = readSync(fd, buf, len, 64 * 1024, from + len);
        if (got === 0) break;
        len += got;
        nl = buf.indexOf(NL, pos);
      }
      const lineEnd = nl === -1 || nl >= len ? len : nl;
      let n = lineEnd - pos;
      if (n > 0 && buf[pos + n - 1] === CR) n--;
      if (n > 0 && n <= MAX_CANDIDATE_BYTES) {
        tryBytes(buf, pos, n, skip, out);
        tried++;
      }
      if (nl === -1 || nl >= len) break;
      pos = nl + 1;
    }
    return tried;
  } finally {
    closeSync(fd);
  }
}

const encoder = new TextEncoder();

parentPort!.on('message', (task: WorkerTask) => {
  const skip = new Set(task.skip);
  const matches: WorkerAnswer['matches'] = [];
  const answer: WorkerAnswer = { id: task.id, tried: 0, matches };
  try {
    if (task.kind === 'keys') {
      for (const key of task.keys) {
        const bytes = encoder.encode(key);
        tryBytes(bytes, 0, bytes.length, skip, matches);
      }
      answer.tried = task.keys.length;
    } else {
      answer.tried = runRange(task.path, task.start, task.end, skip, matches);
    }
  } catch (e) {
    answer.error = e instanceof Error ? e.message : String(e);
  }
  parentPort!.postMessage(answer);
});

// Tell the pool the worker is loaded: the clock starts when every worker is ready.
parentPort!.postMessage({ ready: true });
