/**
 * Codec benchmark. Decode+verify throughput on the Node path against Django's own
 * `signing.loads` on the same values in the same run (target ≥ 3×), and the latency of one
 * cookie's decode+verify on the WebCrypto path the panel uses (target < 1 ms), measured both in
 * Node's WebCrypto and in real Chromium (Debian's, headless) with the codec bundled as the panel
 * bundles it.
 */
import { chromium } from '@playwright/test';
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { decode, loads, parseJson, webBackend, DEFAULT_SALTS } from '../lib/codec/index.ts';
import { nodeBackend } from '../lib/node/index.ts';
import { EXAMPLE } from '../lib/cli/example.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
/**
 * The golden vectors a real Django wrote (tests/fixtures/vectors/django.json) that Django's own
 * `signing.loads` reads — JSON payloads, compressed or not, sha256 and sha1, several keys — plus the
 * embedded example. Django's script below keeps only the ones it accepts; both sides time those.
 */
interface Vector {
  value: string;
  keys: string[];
  expect: { format: string; serializer: string; verified: boolean | null; keyIndex: number | null; salt: string | null };
}
const golden = parseJson(readFileSync(new URL('../tests/fixtures/vectors/django.json', import.meta.url), 'utf8'), {
  maxInputLength: Infinity,
}) as unknown as { decode: Vector[] };
const candidates = [
  { value: EXAMPLE.value, key: EXAMPLE.secretKey, salt: DEFAULT_SALTS.signedCookies },
  ...golden.decode
    .filter((v) => v.expect.format === 'django-signed' && v.expect.serializer === 'json' && v.expect.verified && v.expect.salt)
    .map((v) => ({ value: v.value, key: v.keys[v.expect.keyIndex ?? 0]!, salt: v.expect.salt! })),
];

if (!isMainThread) {
  // A worker of the parallel figure: run the strict loop for the given seconds, report ops/s.
  let calls = 0;
  const start = performance.now();
  const job = workerData as { seconds: number; values: (typeof candidates)[number][] };
  const deadline = start + job.seconds * 1000;
  while (performance.now() < deadline) {
    for (const v of job.values) await loads(v.value, { keys: [v.key], salt: v.salt, backend: nodeBackend });
    calls += job.values.length;
  }
  parentPort!.postMessage(calls / ((performance.now() - start) / 1000));
  process.exit(0);
}

const py = spawnSync('/usr/bin/python3', [new URL('./django_loads.py', import.meta.url).pathname], {
  input: JSON.stringify({ values: candidates, seconds: SECONDS }),
  encoding: 'utf8',
});
if (py.status !== 0) throw new Error(`Django reference failed: ${py.stderr}`);
const reference = JSON.parse(py.stdout) as { ops_per_sec: number; accepted: number[] };
const values = reference.accepted.map((i) => candidates[i]!);
const django = reference.ops_per_sec;
const compressedCount = values.filter((v) => v.value.startsWith('.')).length;

async function throughput(label: string, fn: (v: (typeof values)[number]) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 200; i++) await fn(values[i % values.length]!);
  let calls = 0;
  const start = performance.now();
  const deadline = start + SECONDS * 1000;
  while (performance.now() < deadline) {
    for (const v of values) await fn(v);
    calls += values.length;
  }
  const ops = calls / ((performance.now() - start) / 1000);
  console.log(`${label.padEnd(44)} ${Math.round(ops).toLocaleString('en').padStart(10)} ops/s`);
  return ops;
}


console.log(`${values.length} values Django's signing.loads accepts (${compressedCount} compressed) from tests/fixtures/vectors/django.json and the example`);
console.log(`${'Django 3.2 signing.loads (reference)'.padEnd(44)} ${Math.round(django).toLocaleString('en').padStart(10)} ops/s`);

const strict = await throughput('codec loads, node backend', (v) => loads(v.value, { keys: [v.key], salt: v.salt, backend: nodeBackend }));
const auto = await throughput('codec decode (auto-detect), node backend', (v) => decode(v.value, { keys: [v.key] }, nodeBackend));
const web = await throughput('codec decode (auto-detect), webcrypto', (v) => decode(v.value, { keys: [v.key] }, webBackend));

// The same strict loop on every core (Django's loop is bound to one core by the GIL).
const cores = availableParallelism();
const perWorker = await Promise.all(
  Array.from({ length: cores }, () => new Promise<number>((resolve, reject) => {
    // Workers do not inherit tsx's loader: register it, then load this file.
    const boot = `import('tsx/esm/api').then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
    const w = new Worker(boot, { eval: true, workerData: { seconds: SECONDS, values } });
    w.once('message', resolve);
    w.once('error', reject);
  })),
);
const parallel = perWorker.reduce((a, b) => a + b, 0);
console.log(`${`codec loads, node backend, ${cores} worker threads`.padEnd(44)} ${Math.round(parallel).toLocaleString('en').padStart(10)} ops/s`);

// Latency of one cookie on the WebCrypto path, as the panel decodes a selected cookie: after the
// warm-up above, each key's imported CryptoKey and derived signer key come from their caches
// (lib/codec/backend.ts importHmacKey, lib/codec/signing.ts derivedKey), as for a cookie the panel
// shows again; what is timed is the decode, one HMAC sign and the compare.
const samples: number[] = [];
for (let i = 0; i < 2000; i++) {
  const v = values[i % values.length]!;
  const t = performance.now();
  await decode(v.value, { keys: [v.key] }, webBackend);
  samples.push(performance.now() - t);
}
samples.sort((a, b) => a - b);
const p = (q: number) => samples[Math.floor(q * (samples.length - 1))]!;

console.log('');
console.log(`ratio loads (node) / Django:            ${(strict / django).toFixed(2)}x   (target ≥ 3x)`);
console.log(`ratio loads (node, ${cores} threads) / Django:   ${(parallel / django).toFixed(2)}x`);
console.log(`ratio decode (node) / Django:           ${(auto / django).toFixed(2)}x`);
console.log(`ratio decode (webcrypto) / Django:      ${(web / django).toFixed(2)}x`);
console.log(`webcrypto decode+verify latency (Node, cached CryptoKeys): p50 ${(p(0.5) * 1000).toFixed(0)} µs, p95 ${(p(0.95) * 1000).toFixed(0)} µs, p99 ${(p(0.99) * 1000).toFixed(0)} µs   (p95 target < 1 ms: ${p(0.95) < 1 ? 'met' : 'missed'})`);
console.log(`  vs Django per-call time:              ${((1 / django) * 1e6).toFixed(0)} µs  (p50 ratio ${(1 / django / (p(0.5) / 1000)).toFixed(2)}x)`);

// The same WebCrypto path in real Chromium: the codec bundled for the browser, run in a page.
const bundle = await build({
  entryPoints: [new URL('../lib/codec/index.ts', import.meta.url).pathname],
  bundle: true,
  format: 'iife',
  globalName: 'SessionLensCodec',
  platform: 'browser',
  write: false,
  minify: true,
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage();
  // WebCrypto needs a secure context: an intercepted http://localhost page (nothing goes on the wire).
  await page.route('http://localhost/codec-bench', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }));
  await page.goto('http://localhost/codec-bench');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  // Passed as source text: tsx's transform would wrap a function in helpers the page lacks.
  const inBrowser = (await page.evaluate(`(async () => {
    const values = ${JSON.stringify(values)};
    const seconds = ${SECONDS};
    const codec = globalThis.SessionLensCodec;
    const one = (v) => codec.decode(v.value, { keys: [v.key] });
    for (let i = 0; i < 300; i++) await one(values[i % values.length]);
    const samples = [];
    for (let i = 0; i < 2000; i++) {
      const t = performance.now();
      await one(values[i % values.length]);
      samples.push(performance.now() - t);
    }
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < seconds * 1000) {
      for (const v of values) await one(v);
      calls += values.length;
    }
    samples.sort((a, b) => a - b);
    const q = (x) => samples[Math.floor(x * (samples.length - 1))];
    return { p50: q(0.5), p95: q(0.95), p99: q(0.99), ops: calls / ((performance.now() - start) / 1000) };
  })()`)) as { p50: number; p95: number; p99: number; ops: number };
  console.log(`chromium ${browser.version()} decode+verify latency (cached CryptoKeys): p50 ${(inBrowser.p50 * 1000).toFixed(0)} µs, p95 ${(inBrowser.p95 * 1000).toFixed(0)} µs, p99 ${(inBrowser.p99 * 1000).toFixed(0)} µs   (p95 target < 1 ms: ${inBrowser.p95 < 1 ? 'met' : 'missed'})`);
  console.log(`chromium decode throughput:             ${Math.round(inBrowser.ops).toLocaleString('en')} ops/s  (${(inBrowser.ops / django).toFixed(2)}x Django)`);
  console.log(`codec bundle (minified, all formats):    ${(bundle.outputFiles[0]!.contents.length / 1024).toFixed(1)} kB`);
} finally {
  await browser.close();
}
