/**
 * How the audit's candidates reach the worker threads. The bundled (and extra) keys go out in
 * batches, two in flight per worker so none waits for the next; the wordlist is split into byte
 * ranges listed in shared memory, and each worker takes the next range itself (an atomic counter)
 * and answers once per range: no worker waits for the main thread, however busy the machine.
 * Found values are flags in shared memory too: workers skip them, and stop when all are found.
 */
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { loadFrameworkKeys, loadKnownKeys } from './candidates.ts';
import type { AuditMatch, AuditOptions } from './run.ts';
import type { WorkerAnswer, WorkerTask } from './worker.ts';

/** Most bytes of wordlist in one range (a line belongs to the range it starts in). */
const RANGE_BYTES = 1024 * 1024;
/** Fewest bytes of a range near the end of the wordlist (smaller ones cost more in messages than they save). */
const MIN_RANGE_BYTES = 64 * 1024;
/** Key batches in flight per worker: the next one waits in the worker's queue while it hashes the current one. */
const IN_FLIGHT = 2;

/**
 * A task before it is numbered: a batch of keys, or the wordlist's ranges (`table`: start, end
 * pairs; `next`: the index of the next range to take, shared by every worker).
 */
export type Task = { kind: 'keys'; keys: string[] } | { kind: 'ranges'; path: string; table: Float64Array; next: Int32Array };

/** Typed arrays over shared memory (seen by every worker, not copied). */
function shared<T>(make: new (b: SharedArrayBuffer) => T, bytes: number): T {
  return new make(new SharedArrayBuffer(bytes));
}

/**
 * The wordlist's byte ranges `[start, end)` as pairs. Without `rangeBytes`, ranges shrink as the
 * end nears (a quarter of each worker's share of what is left, 64 KiB to 1 MiB), so no worker is
 * left hashing a large last range while the others idle.
 *
 * @example
 * wordlistRanges(3 << 20, 2) // Float64Array [0, 1048576, 1048576, 2097152, …, …, 3145728]
 */
export function wordlistRanges(size: number, threads: number, rangeBytes?: number): Float64Array {
  const pairs: number[] = [];
  const rangeAt = (start: number) =>
    rangeBytes !== undefined ? Math.max(1, rangeBytes) : Math.min(RANGE_BYTES, Math.max(MIN_RANGE_BYTES, Math.ceil((size - start) / (threads * 4))));
  for (let start = 0, end = 0; start < size; start = end) {
    end = Math.min(size, start + rangeAt(start));
    pairs.push(start, end);
  }
  const table = shared(Float64Array, pairs.length * 8);
  table.set(pairs);
  return table;
}

/**
 * The tasks in order: the bundled (and extra) keys in batches, then the wordlist's ranges.
 *
 * @example
 * for await (const t of candidateTasks({ targets, salts, wordlist: 'keys.txt', bundled: false }, 4096, 2)) console.log(t.kind);
 */
export async function* candidateTasks(o: AuditOptions, batchSize: number, threads: number): AsyncGenerator<Task> {
  const bundled = o.bundled === false ? [] : [...(await loadKnownKeys()), ...((o.frameworkKeys ?? Boolean(o.frameworks?.length)) ? await loadFrameworkKeys() : [])];
  const first = [...new Set([...(o.extraKeys ?? []), ...bundled])];
  for (let i = 0; i < first.length; i += batchSize) yield { kind: 'keys', keys: first.slice(i, i + batchSize) };
  if (o.wordlist) {
    const table = wordlistRanges(statSync(o.wordlist).size, threads, o.rangeBytes);
    if (table.length) yield { kind: 'ranges', path: o.wordlist, table, next: shared(Int32Array, 4) };
  }
}

/** Found flags, one per value (1: found), in shared memory. */
export function foundFlags(count: number): Int32Array {
  return shared(Int32Array, Math.max(1, count) * 4);
}

/** What the feed needs of a worker (tests pass stand-ins). */
export type FeedWorker = Pick<Worker, 'on' | 'postMessage'>;

/** Called with each answer and where its keys came from. */
export type OnAnswer = (a: WorkerAnswer, source: AuditMatch['source']) => void;

/**
 * Keeps {@link IN_FLIGHT} key batches queued at every worker, then gives every worker the
 * wordlist's ranges; returns when every task is answered, or at once when `allFound()` (the
 * caller then terminates the workers). Answers after that are dropped.
 *
 * @example
 * await feedWorkers(workers, candidateTasks(o, 4096, workers.length), found, () => matches.length === total, (a, source) => tally(a, source));
 */
export function feedWorkers(workers: readonly FeedWorker[], tasks: AsyncGenerator<Task>, found: Int32Array, allFound: () => boolean, onAnswer: OnAnswer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const sources = new Map<number, AuditMatch['source']>();
    let nextId = 0;
    let exhausted = false;
    /** Tasks posted (or being fetched to post) and not finished yet. */
    let open = 0;
    let closed = false;
    let ranges: Extract<Task, { kind: 'ranges' }> | undefined;
    const joined = new Set<FeedWorker>();
    const fail = (e: unknown) => {
      closed = true;
      reject(e instanceof Error ? e : new Error(String(e)));
    };
    const settle = () => {
      if (closed || !(allFound() || (exhausted && open === 0))) return;
      closed = true;
      resolve();
    };
    const post = async (w: FeedWorker) => {
      open++;
      let t: Task | undefined;
      if (!exhausted && !allFound()) {
        const next = await tasks.next();
        if (next.done) exhausted = true;
        else t = next.value;
      }
      if (t?.kind === 'ranges') ranges = t;
      else if (!t && ranges && !joined.has(w)) t = ranges;
      if (!t || closed || allFound()) {
        open--;
        return settle();
      }
      if (t.kind === 'ranges') joined.add(w);
      const id = nextId++;
      sources.set(id, t.kind === 'keys' ? 'bundled' : 'wordlist');
      const msg: WorkerTask = { ...t, id, found };
      w.postMessage(msg);
    };
    for (const w of workers) {
      w.on('message', (a: WorkerAnswer) => {
        if (closed) return;
        if (a.error) return fail(new Error(`audit worker: ${a.error}`));
        onAnswer(a, sources.get(a.id) ?? 'wordlist');
        if (a.more) return settle();
        open--;
        sources.delete(a.id);
        if (allFound()) return settle();
        post(w).catch(fail);
      });
      w.on('error', fail);
      // A worker only exits when terminated, after the feed has settled (then this is a no-op).
      w.on('exit', (code) => fail(new Error(`audit worker exited with code ${code}`)));
    }
    for (let k = 0; k < IN_FLIGHT; k++) for (const w of workers) post(w).catch(fail);
  });
}
