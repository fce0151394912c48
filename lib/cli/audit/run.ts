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
import type { WorkerAnswer, WorkerInit, WorkerTask } from './worker.ts';
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

/** Bytes of wordlist one worker task reads (a line belongs to the range it starts in). */
const RANGE_BYTES = 1024 * 1024;

type Task = { kind: 'keys'; keys: string[] } | { kind: 'range'; path: string; start: number; end: number };

async function* candidateTasks(o: AuditOptions, batchSize: number): AsyncGenerator<Task> {
  const range = Math.max(1, o.rangeBytes ?? RANGE_BYTES);
  const bundled = o.bundled === false ? [] : [...(await loadKnownKeys()), ...((o.frameworkKeys ?? Boolean(o.frameworks?.length)) ? await loadFrameworkKeys() : [])];
  const first = [...new Set([...(o.extraKeys ?? []), ...bundled])];
  for (let i = 0; i < first.length; i += batchSize) yield { kind: 'keys', keys: first.slice(i, i + batchSize) };
  if (o.wordlist) {
    const size = statSync(o.wordlist).size;
    for (let start = 0; start < size; start += range) yield { kind: 'range', path: o.wordlist, start, end: Math.min(size, start + range) };
  }
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
  if (total === 0) return { matches, tried, seconds: 0, startupSeconds: 0, threads, keysPerSecond: 0 };

  const source = workerSource();
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData: init }));
  // Wait until every worker has loaded, so the rate measures hashing rather than start-up.
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
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
  const sources = new Map<number, AuditMatch['source']>();
  const batches = candidateTasks(o, batchSize);
  let nextId = 0;
  let exhausted = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const progress = () => {
    const elapsedMs = performance.now() - hashingStarted;
    o.onProgress?.({ tried, found: found.size, elapsedMs, keysPerSecond: elapsedMs > 0 ? (tried * 1000) / elapsedMs : 0 });
  };
  if (o.onProgress) timer = setInterval(progress, o.progressMs ?? 250);
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = async () => {
              if (exhausted || found.size === total) return resolve();
              const next = await batches.next();
              if (next.done) {
                exhausted = true;
                return resolve();
              }
              const id = nextId++;
              const t = next.value;
              sources.set(id, t.kind === 'keys' ? 'bundled' : 'wordlist');
              const msg: WorkerTask = t.kind === 'keys' ? { ...t, id, skip: [...found] } : { ...t, id, skip: [...found] };
              w.postMessage(msg);
            };
            w.on('message', (a: WorkerAnswer) => {
              if (a.error) return reject(new Error(`audit worker: ${a.error}`));
              tried += a.tried;
              for (const m of a.matches) {
                if (found.has(m.target)) continue;
                found.add(m.target);
                const source = sources.get(a.id) ?? 'wordlist';
                if (m.framework) {
                  matches.push({ target: m.target, key: m.key, source, salt: m.framework.note, signer: 'default', framework: m.framework });
                  continue;
                }
                const s = o.salts[m.salt]!;
                matches.push({ target: m.target, key: m.key, source, salt: s.salt, signer: s.signer });
              }
              sources.delete(a.id);
              feed().catch(reject);
            });
            w.on('error', reject);
            w.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`audit worker exited with code ${code}`))));
            feed().catch(reject);
          }),
      ),
    );
  } finally {
    if (timer) clearInterval(timer);
    await Promise.all(workers.map((w) => w.terminate()));
    await batches.return(undefined);
  }
  progress();
  const seconds = (performance.now() - started) / 1000;
  const hashing = (performance.now() - hashingStarted) / 1000;
  matches.sort((a, b) => a.target - b.target);
  return { matches, tried, seconds, startupSeconds, threads, keysPerSecond: hashing > 0 ? tried / hashing : 0 };
}
