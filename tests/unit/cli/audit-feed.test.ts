import { createHash, createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { candidateTasks, feedWorkers, foundFlags, wordlistRanges, type FeedWorker, type Task } from '../../../lib/cli/audit/feed.ts';
import { runAudit, type AuditTarget } from '../../../lib/cli/audit/run.ts';
import type { WorkerAnswer, WorkerTask } from '../../../lib/cli/audit/worker.ts';

vi.setConfig({ testTimeout: 60_000 });

const SALT = 'django.contrib.sessions.backends.signed_cookies';

function signed(secret: string, message: string): AuditTarget {
  const key = createHash('sha256').update(`${SALT}signer${secret}`).digest();
  return { signedPart: message, signature: createHmac('sha256', key).update(message).digest(), algorithm: 'sha256' };
}

/** A worker stand-in that records its tasks and answers when told. */
class FakeWorker extends EventEmitter {
  readonly tasks: WorkerTask[] = [];
  postMessage(t: WorkerTask): void {
    this.tasks.push(t);
  }
  answer(a: Partial<WorkerAnswer> = {}): void {
    const t = a.more ? this.tasks[0]! : this.tasks.shift()!;
    this.emit('message', { id: t.id, tried: 1, matches: [], ms: 1, ...a });
  }
}

async function* keyTasks(n: number, ranges = false): AsyncGenerator<Task> {
  for (let i = 0; i < n; i++) yield { kind: 'keys', keys: [`k${i}`] };
  if (ranges) yield { kind: 'ranges', path: 'w.txt', table: wordlistRanges(10, 1, 2), next: new Int32Array(1) };
}

const settled = () => new Promise((r) => setImmediate(r));
const fakes = (n: number) => Array.from({ length: n }, () => new FakeWorker());
const asWorkers = (ws: FakeWorker[]) => ws as unknown as FeedWorker[];

describe('feedWorkers', () => {
  it('keeps two key batches queued at every worker, in order, until they run out', async () => {
    const workers = fakes(2);
    const answers: number[] = [];
    const done = feedWorkers(asWorkers(workers), keyTasks(7), foundFlags(1), () => false, (a) => answers.push(a.id));
    await settled();
    expect(workers.map((w) => w.tasks.length)).toEqual([2, 2]);
    workers[0]!.answer();
    await settled();
    // The answered worker got its next batch before anyone waited for it.
    expect(workers.map((w) => w.tasks.length)).toEqual([2, 2]);
    while (workers.some((w) => w.tasks.length)) {
      for (const w of workers) if (w.tasks.length) w.answer();
      await settled();
    }
    await done;
    expect(answers.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('then gives every worker the same wordlist ranges once, and waits for each to finish them', async () => {
    const workers = fakes(3);
    const sources: string[] = [];
    let finished = false;
    const done = feedWorkers(asWorkers(workers), keyTasks(2, true), foundFlags(1), () => false, (_a, source) => sources.push(source)).then(() => (finished = true));
    await settled();
    // Each worker's second slot joins the wordlist as soon as the key batches are out.
    expect(workers.map((w) => w.tasks.map((t) => t.kind))).toEqual([['keys', 'ranges'], ['keys', 'ranges'], ['ranges']]);
    const shared = (t: WorkerTask | undefined) => (t?.kind === 'ranges' ? [t.table, t.next, t.found] : []);
    const ranges = shared(workers[2]!.tasks[0]);
    // One table, one counter, one set of flags: the workers share them (each task has its own id).
    for (const w of workers.slice(0, 2)) shared(w.tasks[1]).forEach((x, i) => expect(x).toBe(ranges[i]));
    for (const w of workers.slice(0, 2)) w.answer();
    await settled();
    expect(workers.map((w) => w.tasks.map((t) => t.kind))).toEqual([['ranges'], ['ranges'], ['ranges']]);
    for (const w of workers) w.answer({ more: true, tried: 5 });
    await settled();
    expect(workers.map((w) => w.tasks.length)).toEqual([1, 1, 1]);
    workers[0]!.answer({ tried: 0 });
    workers[1]!.answer({ tried: 0 });
    await settled();
    expect(finished).toBe(false);
    workers[2]!.answer({ tried: 0 });
    await done;
    expect(sources).toEqual(['bundled', 'bundled', ...Array(6).fill('wordlist')]);
  });

  it('stops at once when every value is found, drops later answers, and shares the found flags', async () => {
    const workers = fakes(2);
    const flags = foundFlags(2);
    const found = new Set<number>();
    let tried = 0;
    const done = feedWorkers(asWorkers(workers), keyTasks(100), flags, () => found.size === 2, (a) => {
      tried += a.tried;
      a.matches.forEach((m) => found.add(m.target));
    });
    await settled();
    expect(workers[0]!.tasks[0]!.found).toBe(flags);
    workers[0]!.answer({ matches: [{ target: 1, salt: 0, key: 'k0' }] });
    await settled();
    workers[1]!.answer({ matches: [{ target: 0, salt: 0, key: 'k1' }] });
    await done;
    workers[1]!.answer();
    expect(tried).toBe(2);
    expect(workers.flatMap((w) => w.tasks).length).toBeLessThanOrEqual(3);
  });

  it("rejects on a worker's error answer", async () => {
    const w = new FakeWorker();
    const done = feedWorkers([w as unknown as FeedWorker], keyTasks(5), foundFlags(1), () => false, () => {});
    await settled();
    w.answer({ error: 'boom' });
    await expect(done).rejects.toThrow('audit worker: boom');
  });
});

describe('candidateTasks and wordlistRanges', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sl-audit-feed-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([1, 2, 8])('%i threads: ranges cover the wordlist exactly, 1 MiB at most, shrinking to 64 KiB at the end', (threads) => {
    const size = 5 * 1024 * 1024 + 12_345;
    const table = wordlistRanges(size, threads);
    expect(table.buffer).toBeInstanceOf(SharedArrayBuffer);
    const ranges = Array.from({ length: table.length / 2 }, (_, i) => ({ start: table[2 * i]!, end: table[2 * i + 1]! }));
    expect(ranges[0]!.start).toBe(0);
    expect(ranges.at(-1)!.end).toBe(size);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]!.start).toBe(ranges[i - 1]!.end);
    const lengths = ranges.map((r) => r.end - r.start);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(1024 * 1024);
    expect(Math.min(...lengths.slice(0, -1))).toBeGreaterThanOrEqual(64 * 1024);
    for (let i = 1; i < lengths.length; i++) expect(lengths[i]!).toBeLessThanOrEqual(lengths[i - 1]!);
    // The last few ranges are small: a worker finishing early waits at most one of those.
    expect(lengths.at(-2)!).toBeLessThanOrEqual(Math.max(64 * 1024, size / (threads * 4)));
  });

  it('rangeBytes fixes the size; an empty file has no ranges', () => {
    expect([...wordlistRanges(7, 2, 3)]).toEqual([0, 3, 3, 6, 6, 7]);
    expect(wordlistRanges(0, 2).length).toBe(0);
  });

  it('bundled batches first, then the wordlist (none for an empty one)', async () => {
    const file = join(dir, 'w.txt');
    writeFileSync(file, 'a\nb\n');
    const kinds = async (wordlist: string) => {
      const out: string[] = [];
      for await (const t of candidateTasks({ targets: [], salts: [], wordlist, bundled: false, extraKeys: ['x', 'y', 'z'] }, 2, 2)) out.push(t.kind);
      return out;
    };
    expect(await kinds(file)).toEqual(['keys', 'keys', 'ranges']);
    writeFileSync(file, '');
    expect(await kinds(file)).toEqual(['keys', 'keys']);
  });
});

describe('runAudit with the default ranges', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sl-audit-feed-run-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('tries every line once across many shrinking ranges (CRLF, blank and over-long lines included)', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 40_000; i++) lines.push(i % 97 === 0 ? '' : i % 89 === 0 ? `crlf-${i}\r` : `key-${i}-${'p'.repeat(i % 40)}`);
    lines.splice(20_000, 0, 'z'.repeat(60_000));
    lines.push('the-real-key');
    const file = join(dir, 'many.txt');
    writeFileSync(file, lines.join('\n'));
    const nonEmpty = lines.filter((l) => l.replace(/\r$/, '') !== '' && l.length <= 48 * 1024).length;
    const targets = [signed('the-real-key', 'p:1'), signed('crlf-178', 'p:2'), signed('absent', 'p:3')];
    const r = await runAudit({ targets, salts: [{ salt: SALT, signer: 'default' }], wordlist: file, bundled: false, threads: 2 });
    expect(r.tried).toBe(nonEmpty);
    expect(r.matches.map((m) => [m.target, m.key, m.source])).toEqual([
      [0, 'the-real-key', 'wordlist'],
      [1, 'crlf-178', 'wordlist'],
    ]);
    expect(r.busy).toBeGreaterThan(0);
    expect(r.busy).toBeLessThanOrEqual(1);
    expect(r.engine).toMatch(/WebAssembly SIMD|native/);
  });

  it('a key both bundled and in the wordlist is reported as bundled (one worker answers in order)', async () => {
    const file = join(dir, 'dup.txt');
    writeFileSync(file, 'other\nshared-key\n');
    const r = await runAudit({ targets: [signed('shared-key', 'q:1'), signed('absent', 'q:2')], salts: [{ salt: SALT, signer: 'default' }], wordlist: file, bundled: false, extraKeys: ['shared-key'], threads: 1 });
    expect(r.matches.map((m) => [m.key, m.source])).toEqual([['shared-key', 'bundled']]);
    expect(r.tried).toBe(3);
  });
});
