/**
 * CLI benchmark (issue 11), each figure against a reference measured in the same run:
 * - cold start: the CPU time of `session-lens decode --example` (the built CLI through its
 *   launcher, as users run it) against a bare `node -e 0` (target ≤ 1.5×);
 * - batch: `session-lens decode --json -` over the golden vectors Django's `signing.loads` accepts,
 *   one process reading them line by line, against Django's own `signing.loads` loop on one thread
 *   over the same values (target ≥ 1.5×).
 *
 * What each side does, so like is compared with like. Django is told each value's key and salt, and
 * only unsigns and deserialises (`signing.loads`, its result thrown away); its figure is the loop's
 * own CPU time, Python's and Django's start-up left out. The CLI is told no value's key or salt: it
 * gets every key of the vectors in one `--secret-file` (most used first) and every salt they use as
 * `--salt` (most used first), finds each value's format, searches the keys × salts for the pair
 * that verifies (trying the pairs that verified before first, lib/codec/signing.ts), and also
 * writes one exact-JSON line per value. Its figure is the marginal CPU cost per value: the CPU time
 * of a run over 5N lines minus that of a run over N lines (the same start-up in both), over 4N —
 * CPU time of every thread of the process (GC helpers included), so a busy machine skews neither
 * side. The total with start-up is printed beside it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SALTS, parseJson } from '../lib/codec/index.ts';
import { EXAMPLE } from '../lib/cli/example.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/session-lens.mjs');
const RUNS = Number(process.env.BENCH_CLI_RUNS ?? 20);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);

execFileSync(process.execPath, [join(ROOT, 'scripts/build-cli.mjs')], { stdio: 'inherit' });

/** CPU seconds (user + system) of this process's waited-for children so far (Linux /proc). */
function childrenCpu(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 16 and 17 of proc(5) (cutime, cstime), counted from the state field (3).
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function cpuOf(args: string[]): number {
  const before = childrenCpu();
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
  return childrenCpu() - before;
}

// ─── Cold start ─────────────────────────────────────────────────────────────────────────────────
let bare = 0;
let cli = 0;
cpuOf(['-e', '0']); // warm the file cache
cpuOf([BIN, 'decode', '--example']);
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so a busy moment on the machine hits both alike.
  bare += cpuOf(['-e', '0']);
  cli += cpuOf([BIN, 'decode', '--example']);
}
console.log(`cold start, CPU per run over ${RUNS} runs each:`);
console.log(`  node -e 0 (reference)                 ${((bare / RUNS) * 1000).toFixed(1)} ms`);
console.log(`  session-lens decode --example         ${((cli / RUNS) * 1000).toFixed(1)} ms`);

// ─── Batch decode ───────────────────────────────────────────────────────────────────────────────
interface Vector {
  value: string;
  keys: string[];
  expect: { format: string; serializer: string; verified: boolean | null; keyIndex: number | null; salt: string | null };
}
const golden = parseJson(readFileSync(join(ROOT, 'tests/fixtures/vectors/django.json'), 'utf8'), { maxInputLength: Infinity }) as unknown as { decode: Vector[] };
const candidates = [
  { value: EXAMPLE.value, key: EXAMPLE.secretKey, salt: DEFAULT_SALTS.signedCookies },
  ...golden.decode
    .filter((v) => v.expect.format === 'django-signed' && v.expect.serializer === 'json' && v.expect.verified && v.expect.salt)
    .map((v) => ({ value: v.value, key: v.keys[v.expect.keyIndex ?? 0]!, salt: v.expect.salt! })),
];
const py = spawnSync('/usr/bin/python3', [join(ROOT, 'bench/django_loads.py')], { input: JSON.stringify({ values: candidates, seconds: SECONDS }), encoding: 'utf8' });
if (py.status !== 0) throw new Error(`Django reference failed: ${py.stderr}`);
const reference = JSON.parse(py.stdout) as { ops_per_sec: number; cpu_ops_per_sec: number; accepted: number[] };
const values = reference.accepted.map((i) => candidates[i]!);

/** The distinct texts of `all`, the most used first. */
function byUse(all: string[]): string[] {
  const n = new Map<string, number>();
  for (const x of all) n.set(x, (n.get(x) ?? 0) + 1);
  return [...n].sort((a, b) => b[1] - a[1]).map(([x]) => x);
}

const dir = mkdtempSync(join(tmpdir(), 'sl-bench-cli-'));
try {
  const keyFile = join(dir, 'keys');
  writeFileSync(keyFile, byUse(values.map((v) => v.key)).join('\n'));
  chmodSync(keyFile, 0o600);
  const salts = byUse(values.map((v) => v.salt));
  const args = [BIN, 'decode', '--json', '--secret-file', keyFile, ...salts.flatMap((s) => ['--salt', s]), '-'];
  const BASE = 10_000;
  const inputOf = (n: number) => {
    const lines: string[] = [];
    while (lines.length < n) for (const v of values) lines.push(v.value);
    return { count: lines.length, text: `${lines.join('\n')}\n` };
  };
  const outFile = join(dir, 'out');
  /** Best of 3 runs over `input`: CPU and wall seconds; every line must come out verified. */
  const measure = (input: { count: number; text: string }) => {
    let cpu = Infinity;
    let wall = Infinity;
    for (let i = 0; i < 3; i++) {
      const fd = openSync(outFile, 'w');
      const before = childrenCpu();
      const t = performance.now();
      const r = spawnSync(process.execPath, args, { input: input.text, stdio: ['pipe', fd, 'inherit'] });
      wall = Math.min(wall, (performance.now() - t) / 1000);
      cpu = Math.min(cpu, childrenCpu() - before);
      closeSync(fd);
      const out = readFileSync(outFile, 'utf8');
      if (r.status !== 0 || out.split('\n').length - 1 !== input.count || out.split('"verified":true').length - 1 !== input.count) {
        throw new Error(`decode --json - exited ${r.status} without verifying every line`);
      }
    }
    return { cpu, wall };
  };
  const small = inputOf(BASE);
  const large = inputOf(5 * BASE);
  spawnSync(process.execPath, args, { input: small.text.slice(0, 10_000), stdio: ['pipe', 'ignore', 'ignore'] });
  const a = measure(small);
  const b = measure(large);
  const marginal = (large.count - small.count) / (b.cpu - a.cpu);
  const django = reference.cpu_ops_per_sec;
  console.log(`\nbatch decode over ${values.length} golden values Django's signing.loads accepts (${keyFileNote(values)}, ${salts.length} salts):`);
  console.log(`  Django 3.2 signing.loads, one thread, told key and salt (reference)  ${fmt(django)} values/CPU-s  (${fmt(reference.ops_per_sec)}/s wall)`);
  console.log(`  session-lens decode --json -, searching keys × salts, per value      ${fmt(marginal)} values/CPU-s  (${large.count} − ${small.count} lines)`);
  console.log(`  the same with start-up, ${large.count} lines                              ${fmt(large.count / b.cpu)} values/CPU-s  (${fmt(large.count / b.wall)}/s wall)`);
  console.log('');
  console.log(`ratio cold start CPU / node -e 0:        ${(cli / bare).toFixed(2)}x   (target ≤ 1.5x)`);
  console.log(`ratio batch decode / Django loads:       ${(marginal / django).toFixed(2)}x   (target ≥ 1.5x)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en').padStart(8);
}

function keyFileNote(vs: { key: string }[]): string {
  return `${new Set(vs.map((v) => v.key)).size} keys`;
}
