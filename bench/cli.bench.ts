/**
 * CLI benchmark (issue 11), each figure against a reference measured in the same run:
 * - cold start: the CPU time of `session-lens decode --example` (the built CLI through its
 *   launcher, as users run it) against a bare `node -e 0` (target ≤ 1.5×);
 * - batch: `session-lens decode --json -` over the golden vectors Django's `signing.loads` accepts,
 *   one process reading them line by line, against Django's own `signing.loads` loop on one thread
 *   over the same values (target ≥ 1.5×). The CLI gets every key of the vectors in one
 *   `--secret-file` (newest first) and works out key and salt itself; Django is told both.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
const reference = JSON.parse(py.stdout) as { ops_per_sec: number; accepted: number[] };
const values = reference.accepted.map((i) => candidates[i]!);

const dir = mkdtempSync(join(tmpdir(), 'sl-bench-cli-'));
try {
  const byUse = new Map<string, number>();
  for (const v of values) byUse.set(v.key, (byUse.get(v.key) ?? 0) + 1);
  const keyFile = join(dir, 'keys');
  writeFileSync(keyFile, [...byUse].sort((a, b) => b[1] - a[1]).map(([k]) => k).join('\n'));
  chmodSync(keyFile, 0o600);
  const lines: string[] = [];
  while (lines.length < 20_000) for (const v of values) lines.push(v.value);
  const input = `${lines.join('\n')}\n`;
  const args = [BIN, 'decode', '--json', '--secret-file', keyFile, '-'];
  spawnSync(process.execPath, args, { input: input.slice(0, 10_000), stdio: ['pipe', 'ignore', 'ignore'] });
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { input, stdio: ['pipe', 'pipe', 'inherit'], maxBuffer: 1 << 30 });
    const s = (performance.now() - t) / 1000;
    if (r.stdout.toString('utf8').split('\n').length - 1 !== lines.length) throw new Error('decode --json - did not answer every line');
    best = Math.min(best, s);
  }
  const ops = lines.length / best;
  console.log(`\nbatch decode over ${values.length} golden values Django's signing.loads accepts (${lines.length} lines, best of 3):`);
  console.log(`  Django 3.2 signing.loads, one thread (reference)  ${Math.round(reference.ops_per_sec).toLocaleString('en').padStart(8)} values/s`);
  console.log(`  session-lens decode --json -                      ${Math.round(ops).toLocaleString('en').padStart(8)} values/s (startup included)`);
  console.log('');
  console.log(`ratio cold start CPU / node -e 0:        ${(cli / bare).toFixed(2)}x   (target ≤ 1.5x)`);
  console.log(`ratio batch decode / Django loads:       ${(ops / reference.ops_per_sec).toFixed(2)}x   (target ≥ 1.5x)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
