/**
 * The audit engine: spreads candidate SECRET_KEYs over worker threads (one per core) and reports
 * which key signs which value. The bundled list is tried first, then the wordlist, streamed.
 */
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { SaltPrefix } from './fast-hmac.ts';
import { candidateTasks, feedWorkers, foundFlags } from './feed.ts';
import type { WorkerInit, WorkerReady } from './worker.ts';
import type { FrameworkMatch } from './framework-check.ts';
import type { FrameworkAuditSpec } from '../../codec/index.ts';

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
  /** The same, as flags the workers read (they skip found values, and stop when all are). */
  const flags = foundFlags(total);
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
    await feedWorkers(workers, tasks, flags, () => found.size === total, (a, source) => {
      tried += a.tried;
      busyMs += a.ms;
      for (const m of a.matches) {
        if (found.has(m.target)) continue;
        found.add(m.target);
        Atomics.store(flags, m.target, 1);
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
