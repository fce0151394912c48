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
import { loadKnownKeys, wordlistBatches } from './candidates.ts';
import type { WorkerAnswer, WorkerBatch, WorkerInit } from './worker.ts';

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
  /** A wordlist file, streamed after the bundled keys. */
  wordlist?: string;
  /** Try the bundled list of public keys (default true). */
  bundled?: boolean;
  /** Extra candidates tried first (tests, --key). */
  extraKeys?: readonly string[];
  /** Worker threads; default: every core. */
  threads?: number;
  /** Candidates per batch sent to a worker. */
  batchSize?: number;
  onProgress?: (p: AuditProgress) => void;
  progressMs?: number;
}

/** What {@link runAudit} found. */
export interface AuditRun {
  matches: AuditMatch[];
  tried: number;
  seconds: number;
  threads: number;
  keysPerSecond: number;
}

/** The cookie signer's key prefix (django/core/signing.py get_cookie_signer). */
const COOKIE_KEY_PREFIX = 'django.http.cookies';

function workerSource(): string {
  // Workers are plain Node threads: load the TypeScript worker through tsx's API.
  const require = createRequire(import.meta.url);
  let api = require.resolve('tsx/esm/api');
  const esm = api.replace(/\.cjs$/, '.mjs');
  if (esm !== api && existsSync(esm)) api = esm;
  const entry = new URL('./worker.ts', import.meta.url).href;
  return `import(${JSON.stringify(pathToFileURL(api).href)}).then((m) => m.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
}

type Source = { keys: string[]; source: AuditMatch['source'] };

async function* candidateBatches(o: AuditOptions, batchSize: number): AsyncGenerator<Source> {
  const first = [...(o.extraKeys ?? []), ...(o.bundled === false ? [] : await loadKnownKeys())];
  for (let i = 0; i < first.length; i += batchSize) yield { keys: first.slice(i, i + batchSize), source: 'bundled' };
  if (o.wordlist) for await (const keys of wordlistBatches(o.wordlist, batchSize)) yield { keys, source: 'wordlist' };
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
  };
  const started = performance.now();
  const matches: AuditMatch[] = [];
  const found = new Set<number>();
  let tried = 0;
  if (o.targets.length === 0) return { matches, tried, seconds: 0, threads, keysPerSecond: 0 };

  const source = workerSource();
  const workers = Array.from({ length: threads }, () => new Worker(source, { eval: true, workerData: init }));
  const sources = new Map<number, AuditMatch['source']>();
  const batches = candidateBatches(o, batchSize);
  let nextId = 0;
  let exhausted = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const progress = () => {
    const elapsedMs = performance.now() - started;
    o.onProgress?.({ tried, found: found.size, elapsedMs, keysPerSecond: elapsedMs > 0 ? (tried * 1000) / elapsedMs : 0 });
  };
  if (o.onProgress) timer = setInterval(progress, o.progressMs ?? 250);
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = async () => {
              if (exhausted || found.size === o.targets.length) return resolve();
              const next = await batches.next();
              if (next.done) {
                exhausted = true;
                return resolve();
              }
              const id = nextId++;
              sources.set(id, next.value.source);
              const msg: WorkerBatch = { id, keys: next.value.keys, skip: [...found] };
              w.postMessage(msg);
            };
            w.on('message', (a: WorkerAnswer) => {
              tried += a.tried;
              for (const m of a.matches) {
                if (found.has(m.target)) continue;
                found.add(m.target);
                const s = o.salts[m.salt]!;
                matches.push({ target: m.target, key: m.key, source: sources.get(a.id) ?? 'wordlist', salt: s.salt, signer: s.signer });
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
  matches.sort((a, b) => a.target - b.target);
  return { matches, tried, seconds, threads, keysPerSecond: seconds > 0 ? tried / seconds : 0 };
}
