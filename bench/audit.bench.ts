/**
 * `session-lens audit` throughput: candidate SECRET_KEYs per second, against the same loop in
 * Python with Django's own `signing.loads(value, key=candidate, salt=…)`, measured in the same run.
 *
 * The value is a real Django 3.2 signed_cookies login session (compressed, timestamped, sha256).
 * Both sides try one salt (the signed_cookies one), as the Python loop does; the full default
 * sweep (every default salt) is measured too, for information. Target: ≥ 10× Django.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { b64Decode, parseSigned, saltCandidates } from '../lib/codec/index.ts';
import { runAudit, type AuditRun, type AuditSalt } from '../lib/cli/audit/run.ts';

const PY = '/usr/bin/python3';
const SALT = 'django.contrib.sessions.backends.signed_cookies';
/** 1,000,000 keys: the native engine tries 300,000 in about the time the workers take to warm up. */
const CANDIDATES = Number(process.env.AUDIT_BENCH_KEYS ?? 1_000_000);
const PY_CANDIDATES = Number(process.env.AUDIT_BENCH_PY_KEYS ?? 20_000);
const ROUNDS = Number(process.env.AUDIT_BENCH_ROUNDS ?? 5);
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)';

function randomKey(): string {
  // Like django.core.management.utils.get_random_secret_key(): 50 characters of that alphabet.
  const b = randomBytes(50);
  let s = '';
  for (const x of b) s += ALPHABET[x % ALPHABET.length];
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'sl-audit-bench-'));
try {
  const secret = `django-insecure-${randomKey()}`;
  const sign = spawnSync(
    PY,
    [
      '-c',
      `import sys
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1])
from django.core import signing
print(signing.dumps({"_auth_user_id": "42", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", "_auth_user_hash": "4c1f1d5e2d4b1a0f7e3c9b8a6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e"}, salt=sys.argv[2], compress=True))`,
      secret,
      SALT,
    ],
    { encoding: 'utf8' },
  );
  if (sign.status !== 0) throw new Error(`Django signing failed: ${sign.stderr}`);
  const value = sign.stdout.trim();
  const p = parseSigned(value);
  console.log(`value: ${value.length} characters, HMAC message ${p.signedPart.length} bytes, ${p.algorithm}`);

  // The wordlist: random Django-like keys, the real one last.
  const wordlist = join(dir, 'words.txt');
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(wordlist);
    out.on('error', reject);
    let i = 0;
    const write = () => {
      let ok = true;
      while (i < CANDIDATES - 1 && ok) {
        ok = out.write(`${randomKey()}\n`);
        i++;
      }
      if (i < CANDIDATES - 1) out.once('drain', write);
      else out.end(`${secret}\n`, resolve);
    };
    write();
  });

  const target = { signedPart: p.signedPart, signature: b64Decode(p.signature), algorithm: p.algorithm ?? 'sha256' };
  const pyLoop = (n: number) => {
    const py = spawnSync(
      PY,
      [
        '-c',
        `import sys, time, random
from django.conf import settings
settings.configure(SECRET_KEY="unused")
from django.core import signing
value, salt, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
alphabet = ${JSON.stringify(ALPHABET)}
cands = ["".join(random.choice(alphabet) for _ in range(50)) for _ in range(n)]
t = time.perf_counter()
for c in cands:
    try:
        signing.loads(value, key=c, salt=salt)
    except signing.BadSignature:
        pass
print(n / (time.perf_counter() - t))`,
        value,
        SALT,
        String(n),
      ],
      { encoding: 'utf8' },
    );
    if (py.status !== 0) throw new Error(`Python loop failed: ${py.stderr}`);
    return Number(py.stdout.trim());
  };
  /** `default`: what the CLI picks (the native SHA engine where it loaded, else WebAssembly SIMD). */
  const audit = async (engine: 'default' | 'simd' | 'wasm' | 'native' | 'js', salts: AuditSalt[] = [{ salt: SALT, signer: 'default' }], threads?: number) => {
    if (engine === 'default') delete process.env.SESSION_LENS_AUDIT_ENGINE;
    else process.env.SESSION_LENS_AUDIT_ENGINE = engine;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const r = await runAudit({ targets: [target], salts, wordlist, bundled: false, ...(threads ? { threads } : {}) });
    if (r.matches[0]?.key !== secret) throw new Error('the benchmark did not find the key');
    const cpu = process.cpuUsage(cpu0);
    // The cores the process got (worker start-up included): on a shared machine, fewer than the threads.
    return { ...r, cores: (cpu.user + cpu.system) / 1000 / (performance.now() - wall0) };
  };

  // The machine is shared and its load swings: measure Django and the default engine in tight
  // pairs, round after round, and report the median of the paired ratios (and best/best).
  const django: number[] = [];
  type Run = AuditRun & { cores: number };
  const runs = { def: [] as Run[], def1: [] as Run[], simd: [] as Run[], simd1: [] as Run[] };
  const pairs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const d = pyLoop(PY_CANDIDATES);
    const r = await audit('default');
    django.push(d);
    runs.def.push(r);
    pairs.push(r.keysPerSecond / d);
    runs.def1.push(await audit('default', undefined, 1));
    runs.simd.push(await audit('simd'));
    runs.simd1.push(await audit('simd', undefined, 1));
  }
  // The other engines, once each, for comparison.
  const wasm = (await audit('wasm')).keysPerSecond;
  const native = (await audit('native')).keysPerSecond;
  const js = (await audit('js')).keysPerSecond;
  const all = await audit('default', saltCandidates({}));

  const fmt = (n: number) => Math.round(n).toLocaleString('en');
  const best = (xs: number[]) => Math.max(...xs);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const rate = (rs: Run[]) => rs.map((r) => r.keysPerSecond);
  const threads = runs.def[0]!.threads;
  console.log(`rounds: ${ROUNDS}; wordlist ${fmt(CANDIDATES)} keys; Python loop ${fmt(PY_CANDIDATES)} keys; ${threads} worker threads`);
  console.log(`Django 3.2 signing.loads loop (1 thread, 1 salt):  best ${fmt(best(django))} keys/s, median ${fmt(median(django))}`);
  const pct = (rs: Run[]) => `${(median(rs.map((r) => r.busy)) * 100).toFixed(0)}% busy, got ${median(rs.map((r) => r.cores)).toFixed(1)} cores`;
  for (const [name, many, one] of [
    [`default: ${runs.def[0]!.engine}`, runs.def, runs.def1],
    [runs.simd[0]!.engine, runs.simd, runs.simd1],
  ] as const) {
    console.log(`audit, ${name} (1 salt):`);
    console.log(
      `    ${threads} threads: best ${fmt(best(rate(many)))} keys/s, median ${fmt(median(rate(many)))} (${pct(many)}); 1 thread: best ${fmt(best(rate(one)))}, median ${fmt(median(rate(one)))} (${pct(one)}); ${threads} threads vs 1 (median) ${(median(rate(many)) / median(rate(one))).toFixed(2)}×`,
    );
  }
  console.log(`audit, scalar WebAssembly / node:crypto / pure JS:  ${fmt(wasm)} / ${fmt(native)} / ${fmt(js)} keys/s (one run each)`);
  const salts = saltCandidates({}).length;
  console.log(`audit, all ${salts} default salts (default engine):    ${fmt(all.keysPerSecond)} keys/s = ${fmt(all.keysPerSecond * salts)} key×salt/s`);
  const ratio = median(pairs);
  console.log(
    `ratio vs Django (same work, default engine): median of paired rounds ${ratio.toFixed(1)}× [${pairs.map((x) => x.toFixed(1)).join(', ')}], best/best ${(best(rate(runs.def)) / best(django)).toFixed(1)}× (target ≥ 10×) ${ratio >= 10 ? 'OK' : 'BELOW TARGET'}`,
  );
  console.log(`per thread (1 worker vs Django's 1 thread, best/best): ${(best(rate(runs.def1)) / best(django)).toFixed(1)}×`);
  console.log(`load average while measuring: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores (a loaded machine cannot show the threads' gain)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
