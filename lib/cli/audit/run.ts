/**
 * The audit engine: spreads candidate SECRET_KEYs over worker threads (one per core) and reports
 * which key signs which value. The bundled list is tried first, then the wordlist, streamed.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { existsSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { SaltPrefix } from './fast-hmac.ts';
import { loadKnownKeys } from './candidates.ts';
import type { WorkerAnswer, WorkerInit, WorkerReady, WorkerTask } from './worker.ts';
import type { FrameworkMatch } from './framework-check.ts';
import type { FrameworkAuditSpec } from '../../codec/index.ts';
import { loadFrameworkKeys } from './candidates.ts';

/** A signed value split for cracking (from the codec's `parseSigned`). */
export interface AuditTarget {
  /** What the HMAC covers: `PAYLOAD:TS` (or `PAYLOAD`). */
  signedPart: string;
  /** The signature's raw bytes. */
  signature: Uint8Array;
  algorithm: 'sha256' | 'sha1' | 'sha384' | 'sha512';
}

/** One salt to try, and whether the key is `"django.http.cookies" + SECRET_KEY` (cookie signer). */
export interface AuditSalt {
  salt: string;
  signer: 'default' | 'cookie';
}

/** A key that signs a value. */
export interface AuditMatch {
  target: number;
  key: string;
  source: 'bundled' | 'wordlist';
  salt: string;
  signer: 'default' | 'cookie';
  /** For another framework's cookie: its format, the setting to rotate, how the key was derived. */
  framework?: FrameworkMatch;
}

/** Progress, reported about every `progressMs`. */
export interface AuditProgress {
  tried: number;
  found: number;
  elapsedMs: number;
  keysPerSecond: number;
}

/** Options of {@link runAudit}. */
export interface AuditOptions {
  targets: readonly AuditTarget[];
  salts: readonly AuditSalt[];
  /** Other frameworks' cookies (numbered after `targets` in matches). */
  frameworks?: readonly FrameworkAuditSpec[];
  /** Also try the bundled keys of other frameworks (default: when `frameworks` are given). */
  frameworkKeys?: boolean;
  /** A wordlist file, streamed after the bundled keys. */
  wordlist?: string;
  /** Try the bundled list of public keys (default true). */
  bundled?: boolean;
  /** Extra candidates tried first, reported as `bundled` (tests). */
  extraKeys?: readonly string[];
  /** Worker threads; default: every core. */
  threads?: number;
  /** Wordlist bytes per worker task (default 1 MiB; tests use tiny ranges). */
  rangeBytes?: number;
  /** Bundled candidates per batch sent to a worker. */
  batchSize?: number;
  onProgress?: (p: AuditProgress) => void;
  progressMs?: number;
}

/** What {@link runAudit} found. */
export interface AuditRun {
  matches: AuditMatch[];
  tried: number;
  /** Wall time, worker start-up included. */
  seconds: number;
  /** Of which loading the workers. */
  startupSeconds: number;
  threads: number;
  /** Candidates per second once every worker was ready. */
  keysPerSecond: number;
  /** The share of that time the workers spent on tasks (0–1); below 1, they waited to be fed. */
  busy: number;
  /** What hashed, e.g. `WebAssembly SIMD, 8 keys per pass`. */
  engine: string;
}

/** The cookie signer's key prefix (django/core/signing.py get_cookie_signer). */
const COOKIE_KEY_PREFIX = 'django.http.cookies';

function workerSource(): string {
  // The built CLI (scripts/build-cli.mjs) puts the worker beside its chunks, as plain JavaScript.
  const built = new URL('./audit-worker.mjs', import.meta.url);
  if (existsSync(built)) return `import(${JSON.stringify(built.href)})`;
  // From the sources, workers are plain Node threads: load the TypeScript worker through tsx's API.
  const require = createRequire(import.meta.url);
  let api = require.resolve('tsx/esm/api');
  const esm = api.replace(/\.cjs$/, '.mjs');
  if (esm !== api && existsSync(esm)) api = esm;
  const entry = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
}

/** Most bytes of wordlist one worker task reads (a line belongs to the range it starts in). */
const RANGE_BYTES = 1024 * 1024;
/** Fewest bytes of a range near the end of the wordlist (smaller ones cost more in messages than they save). */
const MIN_RANGE_BYTES = 64 * 1024;
/** Tasks in flight per worker: the next one waits in the worker's queue while it hashes the current one. */
const IN_FLIGHT = 2;

/** A task before it is numbered: keys, or a wordlist byte range `[start, end)`. */
export type Task = { kind: 'keys'; keys: string[] } | { kind: 'range'; path: string; start: number; end: number };

/**
 * The tasks in order: the bundled (and extra) keys in batches, then the wordlist in byte ranges.
 * Without `rangeBytes`, ranges shrink as the end nears (a quarter of each worker's share of what
 * is left, 64 KiB to 1 MiB), so no worker is left hashing a large last range while the others idle.
 *
 * @example
 * for await (const t of candidateTasks({ targets, salts, wordlist: 'keys.txt', bundled: false }, 4096, 2)) console.log(t);
 */
export async function* candidateTasks(o: AuditOptions, batchSize: number, threads: number): AsyncGenerator<Task> {
  const bundled = o.bundled === false ? [] : [...(await loadKnownKeys()), ...((o.frameworkKeys ?? Boolean(o.frameworks?.length)) ? await loadFrameworkKeys() : [])];
  const first = [...new Set([...(o.extraKeys ?? []), ...bundled])];
  for (let i = 0; i < first.length; i += batchSize) yield { kind: 'keys', keys: first.slice(i, i + batchSize) };
  if (o.wordlist) {
    const size = statSync(o.wordlist).size;
    const rangeAt = (start: number) =>
      o.rangeBytes !== undefined ? Math.max(1, o.rangeBytes) : Math.min(RANGE_BYTES, Math.max(MIN_RANGE_BYTES, Math.ceil((size - start) / (threads * 4))));
    for (let start = 0, end = 0; start < size; start = end) {
      end = Math.min(size, start + rangeAt(start));
      yield { kind: 'range', path: o.wordlist, start, end };
    }
  }
}

/** What the feed needs of a worker (tests pass stand-ins). */
export type FeedWorker = Pick<Worker, 'on' | 'postMessage'>;

/** Called with each answer and where its keys came from. */
type OnAnswer = (a: WorkerAnswer, source: AuditMatch['source']) => void;

/**
 * Keeps {@link IN_FLIGHT} tasks queued at every worker until the tasks run out and every answer is
 * in, or until `allFound()` (then at once: the caller terminates the workers). Each task carries
 * the targets found so far (`skip`).
 *
 * @example
 * await feedWorkers(workers, candidateTasks(o, 4096, workers.length), found, () => found.size === total, (a, source) => tally(a, source));
 */
export function feedWorkers(workers: readonly FeedWorker[], tasks: AsyncGenerator<Task>, found: ReadonlySet<number>, allFound: () => boolean, onAnswer: OnAnswer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sources = new Map<number, AuditMatch['source']>();
    let nextId = 0;
    let exhausted = false;
    /** Tasks posted (or being fetched to post) and not answered yet. */
    let open = 0;
    let closed = false;
    const settle = () => {
      if (closed || !(allFound() || (exhausted && open === 0))) return;
      closed = true;
      resolve();
    };
    const post = async (w: FeedWorker) => {
      open++;
      const next = exhausted || allFound() ? undefined : await tasks.next();
      if (!next || next.done || closed) {
        exhausted ||= Boolean(next?.done);
        open--;
        return settle();
      }
      const id = nextId++;
      sources.set(id, next.value.kind === 'keys' ? 'bundled' : 'wordlist');
      const msg: WorkerTask = { ...next.value, id, skip: [...found] };
      w.postMessage(msg);
    };
    for (const w of workers) {
      w.on('message', (a: WorkerAnswer) => {
        open--;
        if (a.error) return reject(new Error(`audit worker: ${a.error}`));
        onAnswer(a, sources.get(a.id) ?? 'wordlist');
        sources.delete(a.id);
        if (allFound()) return settle();
        post(w).catch(reject);
      });
      w.on('error', reject);
      // A worker only exits when terminated, after the feed has settled (then this is a no-op).
      w.on('exit', (code) => reject(new Error(`audit worker exited with code ${code}`)));
    }
    for (let k = 0; k < IN_FLIGHT; k++) for (const w of workers) post(w).catch(reject);
  });
}

/**
 * Tries every candidate key against every target and salt, on all cores.
 *
 * @example
 * const run = await runAudit({ targets, salts: [{ salt: 'django.contrib.sessions.backends.signed_cookies', signer: 'default' }], wordlist: 'keys.txt' });
 * for (const m of run.matches) console.log(m.target, m.key);
 */
export async function runAudit(o: AuditOptions): Promise<AuditRun> {
  const threads = Math.max(1, Math.min(o.threads ?? availableParallelism(), 64));
  const batchSize = o.batchSize ?? 4096;
  const saltPrefixes: SaltPrefix[] = o.salts.map((s) => ({ salt: s.salt, keyPrefix: s.signer === 'cookie' ? COOKIE_KEY_PREFIX : '' }));
  const init: WorkerInit = {
    targets: o.targets.map((t) => ({ message: new TextEncoder().encode(t.signedPart), signature: t.signature, algorithm: t.algorithm })),
    salts: saltPrefixes,
    ...(o.frameworks?.length ? { frameworks: [...o.frameworks] } : {}),
  };
  const total = o.targets.length + (o.frameworks?.length ?? 0);
  const started = performance.now();
  const matches: AuditMatch[] = [];
  const found = new Set<number>();
  let tried = 0;
  let busyMs = 0;
  let engine: string | undefined;
  if (total === 0) return { matches, tried, seconds: 0, startupSeconds: 0, threads, keysPerSecond: 0, busy: 0, engine: 'none' };

  const source = workerSource();
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData: init }));
  // Wait until every worker has loaded, so the rate measures hashing rather than start-up.
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', (m: WorkerReady) => {
              engine ??= m.engine;
              resolve();
            });
            w.once('error', reject);
            w.once('exit', (code) => reject(new Error(`audit worker exited with code ${code} while starting`)));
          }),
      ),
    );
  } catch (e) {
    await Promise.all(workers.map((w) => w.terminate()));
    throw e;
  }
  for (const w of workers) {
    w.removeAllListeners('error');
    w.removeAllListeners('exit');
  }
  const startupSeconds = (performance.now() - started) / 1000;
  const hashingStarted = performance.now();
  const tasks = candidateTasks(o, batchSize, threads);
  let timer: ReturnType<typeof setInterval> | undefined;
  let hashingEnded = 0;
  const progress = () => {
    const elapsedMs = performance.now() - hashingStarted;
    o.onProgress?.({ tried, found: found.size, elapsedMs, keysPerSecond: elapsedMs > 0 ? (tried * 1000) / elapsedMs : 0 });
  };
  if (o.onProgress) timer = setInterval(progress, o.progressMs ?? 250);
  try {
    await feedWorkers(workers, tasks, found, () => found.size === total, (a, source) => {
      tried += a.tried;
      busyMs += a.ms;
      for (const m of a.matches) {
        if (found.has(m.target)) continue;
        found.add(m.target);
        if (m.framework) {
          matches.push({ target: m.target, key: m.key, source, salt: m.framework.note, signer: 'default', framework: m.framework });
          continue;
        }
        const s = o.salts[m.salt]!;
        matches.push({ target: m.target, key: m.key, source, salt: s.salt, signer: s.signer });
      }
    });
    hashingEnded = performance.now();
  } finally {
    if (timer) clearInterval(timer);
    await Promise.all(workers.map((w) => w.terminate()));
    await tasks.return(undefined);
  }
  progress();
  const seconds = (performance.now() - started) / 1000;
  // The rate counts hashing only: terminating the workers is start-up's counterpart.
  const hashing = (hashingEnded - hashingStarted) / 1000;
  matches.sort((a, b) => a.target - b.target);
  const busy = hashing > 0 ? Math.min(1, busyMs / 1000 / (hashing * threads)) : 0;
  return { matches, tried, seconds, startupSeconds, threads, keysPerSecond: hashing > 0 ? tried / hashing : 0, busy, engine: engine ?? 'none' };
}
