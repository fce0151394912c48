/**
 * `session-lens audit` on other frameworks' cookies: candidate keys per second per family, against a
 * Python loop measured in the same run — on the framework's own verification code where it runs
 * here (Starlette: itsdangerous `TimestampSigner.unsign`, Tornado: `decode_signed_value`), else the
 * same primitive in Python (hmac / hashlib.pbkdf2_hmac / cryptography's AESGCM and HKDF), doing the
 * same work per candidate as the audit (e.g. both Rails key-generator digests). The cookies are
 * the committed vectors the real frameworks wrote (tests/fixtures/frameworks); the real key is
 * the wordlist's last line; the other candidates have the form the framework's keys have (Laravel:
 * `base64:` + 32 bytes, as both sides would skip a key of another length). Target: ≥ 10× the Python
 * loop; each row says what the audit and the Python loop do per candidate. The Django figure is
 * audit.bench.ts's. AUDIT_BENCH_SCALE scales the candidate counts, AUDIT_BENCH_ONLY picks families.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { frameworkAuditSpec, normalizeValue } from '../lib/codec/index.ts';
import { runAudit } from '../lib/cli/audit/run.ts';
import { nativeEngine } from '../lib/cli/audit/native-engine.ts';
import { hkdfEngineName } from '../lib/cli/audit/simd-hkdf.ts';
import { pbkdf2EngineName } from '../lib/cli/audit/simd-pbkdf2.ts';

/** A row's audit text with the engines that ran (the workers load the same native engine as this thread, SESSION_LENS_NATIVE=0 turns it off). */
function describe(audit: string, engine: string): string {
  const native = nativeEngine();
  const pbkdf2 = pbkdf2EngineName();
  return audit
    .replace('{engine}', engine)
    .replace('{hkdf}', hkdfEngineName())
    .replaceAll('{pbkdf2}', pbkdf2)
    .replace('{pbkdf2mac}', native ? pbkdf2 : 'WebAssembly SIMD, 8 per pass')
    .replace('{mac1}', native ? pbkdf2 : 'one-shot hashes per candidate')
    .replace('{gcm}', native?.gcmFind ? "Node's OpenSSL from the native addon, a whole batch per call" : 'node:crypto')
    .replace('{plug}', native?.plugFind ? "Node's OpenSSL from the native addon, a whole batch per call" : 'node:crypto');
}

const PY = '/usr/bin/python3';
const FIX = join(process.cwd(), 'tests/fixtures/frameworks');
const fx = (n: string) => JSON.parse(readFileSync(join(FIX, n), 'utf8')) as Record<string, Record<string, string>[]>;
const ruby = fx('ruby.json');
const php = fx('php.json');
const py = fx('python.json');
const go = fx('go.json');
const node = fx('node.json');
const phoenix = fx('phoenix.json');
const SCALE = Number(process.env.AUDIT_BENCH_SCALE ?? 1);
/** AUDIT_BENCH_ONLY=tornado,yii2 measures only the families whose name contains one of those words. */
const ONLY = process.env.AUDIT_BENCH_ONLY?.split(',').filter(Boolean);

/** Python prelude: `value`, `key`, `name`, `n`, `salts` from argv; `cands` the same kind of keys as the audit's wordlist. */
const PRELUDE = `import sys, time, random, hmac, hashlib, base64, json, os
value, key, name, n, salts, shape = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), json.loads(sys.argv[5]), sys.argv[6]
def candidate():
    if shape == "app-key":
        return "base64:" + base64.b64encode(os.urandom(32)).decode()
    return "".join(random.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(50))
cands = [candidate() for _ in range(n)]
`;

interface Case {
  family: string;
  vector: Record<string, string>;
  /** Candidates for the audit's wordlist / the Python loop. */
  n: number;
  pyN: number;
  reference: string;
  /** Python: per candidate `c` (a str), do the work; `t` is started by the harness. */
  loop: string;
  /** Salts the audit is given (`--salt`), also `salts` in Python. */
  salts?: string[];
  /** The candidates' form: 50 random characters, or a Laravel APP_KEY (`base64:` + 32 random bytes). */
  shape?: 'text' | 'app-key';
  /** What the audit does per candidate, said next to the figure (`{engine}`: the engine that ran; `{pbkdf2}`: what derives PBKDF2 keys, `{pbkdf2mac}`, `{mac1}` / `{gcm}` / `{plug}`: what checks the MAC / AES-GCM / Plug's unwrapped key under them; `{hkdf}`: what derives HKDF keys). */
  audit: string;
}

const cases: Case[] = [
  {
    family: 'starlette',
    vector: py.starlette![0]!,
    n: 2_000_000,
    pyN: 30_000,
    reference: "itsdangerous TimestampSigner(key).unsign (Starlette's own check)",
    audit: 'SHA-1 key derivation + HMAC-SHA1 (Django engine), {engine}',
    loop: `import itsdangerous
for c in cands:
    try:
        itsdangerous.TimestampSigner(c).unsign(value)
    except itsdangerous.BadSignature:
        pass`,
  },
  {
    family: 'tornado',
    vector: py.tornado![0]!,
    n: 2_000_000,
    pyN: 30_000,
    reference: "tornado.web.decode_signed_value (Tornado's own check)",
    audit: 'HMAC-SHA256, {engine}',
    loop: `import tornado.web
for c in cands:
    tornado.web.decode_signed_value(c, name, value, max_age_days=1e6)`,
  },
  {
    family: 'laravel-encrypted (CBC)',
    vector: php.laravel![0]!,
    n: 2_000_000,
    pyN: 50_000,
    reference: "hmac.new(APP_KEY, iv + value, sha256): Laravel's validMac before decrypting (Laravel is PHP: same primitive)",
    audit: 'base64: APP_KEY decoded, HMAC-SHA256 MAC check ({engine}); decrypts nothing',
    shape: 'app-key',
    loop: `o = json.loads(base64.b64decode(value))
msg, mac = (o["iv"] + o["value"]).encode(), o["mac"]
for c in cands:
    k = base64.b64decode(c[7:]) if c.startswith("base64:") else c.encode()
    hmac.compare_digest(hmac.new(k, msg, hashlib.sha256).hexdigest(), mac)`,
  },
  {
    family: 'yii2',
    vector: php.yii2![0]!,
    n: 2_000_000,
    pyN: 50_000,
    reference: 'hmac.new(cookieValidationKey, data, sha256) (Yii2 is PHP: same primitive)',
    audit: 'HMAC-SHA256, {engine}',
    loop: `data, mac = value[64:].encode(), value[:64]
for c in cands:
    hmac.compare_digest(hmac.new(c.encode(), data, hashlib.sha256).hexdigest(), mac)`,
  },
  {
    family: 'rack',
    vector: ruby.rack![0]!,
    n: 6_000,
    pyN: 1_000,
    reference: 'hmac.new(secret, data, sha1), then the Rails signed-cookie PBKDF2s (the audit checks both)',
    audit: 'HMAC-SHA1 raw, then PBKDF2-SHA1 and -SHA256 (1000, {pbkdf2}) + HMAC-SHA1 ({mac1})',
    loop: `data, mac = value.rsplit("--", 1)
for c in cands:
    hmac.compare_digest(hmac.new(c.encode(), data.encode(), hashlib.sha1).hexdigest(), mac)
    for d in ("sha1", "sha256"):
        hmac.compare_digest(hmac.new(hashlib.pbkdf2_hmac(d, c.encode(), b"signed cookie", 1000, 64), data.encode(), hashlib.sha1).hexdigest(), mac)`,
  },
  {
    family: 'rails-encrypted (GCM)',
    vector: ruby.rails![0]!,
    n: 6_000,
    pyN: 1_000,
    reference: 'hashlib.pbkdf2_hmac SHA1 + SHA256 (1000 iterations) + AESGCM.decrypt (Rails is Ruby: same primitive)',
    audit: 'PBKDF2-SHA1 and -SHA256 (1000, {pbkdf2}) + AES-GCM ({gcm})',
    loop: `from cryptography.hazmat.primitives.ciphers.aead import AESGCM
ct, iv, tag = (base64.b64decode(p) for p in value.split("--"))
for c in cands:
    for d in ("sha1", "sha256"):
        try:
            AESGCM(hashlib.pbkdf2_hmac(d, c.encode(), b"authenticated encrypted cookie", 1000, 32)).decrypt(iv, ct + tag, None)
        except Exception:
            pass`,
  },
  {
    family: 'gorilla',
    vector: go.gorilla![0]!,
    n: 2_000_000,
    pyN: 50_000,
    reference: 'hmac.new(hashKey, name|date|value, sha256) (securecookie is Go: same primitive)',
    audit: 'HMAC-SHA256, {engine}',
    loop: `raw = base64.urlsafe_b64decode(value)
date, v, mac = raw.split(b"|", 2)
msg = name.encode() + b"|" + date + b"|" + v
for c in cands:
    hmac.compare_digest(hmac.new(c.encode(), msg, hashlib.sha256).digest(), mac)`,
  },
  {
    family: 'iron-session',
    vector: node.iron![0]!,
    n: 1_000_000,
    pyN: 30_000,
    reference: 'hashlib.pbkdf2_hmac SHA1 (1 iteration) + hmac sha256 (iron is JavaScript: same primitive)',
    audit: 'PBKDF2-SHA1 (1, {pbkdf2}) + HMAC-SHA256 ({pbkdf2mac})',
    loop: `p = value.split("~")[0].split("*")
base, salt, mac = "*".join(p[:6]).encode(), p[6].encode(), p[7]
for c in cands:
    d = hmac.new(hashlib.pbkdf2_hmac("sha1", c.encode(), salt, 1, 32), base, hashlib.sha256).digest()
    hmac.compare_digest(base64.urlsafe_b64encode(d).rstrip(b"=").decode(), mac)`,
  },
  {
    family: 'nextauth (v4, A256GCM)',
    vector: node.nextauth![0]!,
    // As many candidates as the other SIMD families: at 100,000 the two workers' first JIT/tier-up batches were a third of the run.
    n: 400_000,
    pyN: 10_000,
    reference: "cryptography HKDF + AESGCM for the key salts the audit tries for this cookie name: NextAuth v4's and Auth.js's (NextAuth is JavaScript: same primitive)",
    audit: 'HKDF-SHA256 per key salt ({hkdf}), AES-256 of the first counter block in TypeScript (a JWT is `{`), AES-GCM (node:crypto) for 1 in 256',
    loop: `from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives import hashes
h, _, iv, ct, tag = value.split(".")
b = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
iv, ct, tag = b(iv), b(ct), b(tag)
params = [(b"", b"NextAuth.js Generated Encryption Key"), (name.encode(), ("Auth.js Generated Encryption Key (%s)" % name).encode())]
for c in cands:
    for salt, info in params:
        try:
            AESGCM(HKDF(hashes.SHA256(), 32, salt, info).derive(c.encode())).decrypt(iv, ct + tag, h.encode())
        except Exception:
            pass`,
  },
  {
    family: 'phoenix-encrypted',
    vector: phoenix.phoenix![3]!,
    n: 6_000,
    pyN: 300,
    salts: [phoenix.phoenix![3]!.signingSalt!, phoenix.phoenix![3]!.encryptionSalt!],
    reference: 'hashlib.pbkdf2_hmac SHA256 (1000) for encryption_salt and signing_salt + AESGCM key unwrap, as Plug derives both then MessageEncryptor.decrypt (Plug is Elixir: same primitive)',
    audit: 'PBKDF2-SHA256 (1000, {pbkdf2}) per given salt (which is which is not known), tagless check of the unwrapped term ({plug}), AES-GCM for 1 in 256',
    loop: `from cryptography.hazmat.primitives.ciphers.aead import AESGCM
b = lambda s: base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
h, w, iv, ct, tag = (b(p) for p in value.split("."))
sign_salt, enc_salt = (s.encode() for s in salts)
for c in cands:
    secret = hashlib.pbkdf2_hmac("sha256", c.encode(), enc_salt, 1000, 32)
    sign = hashlib.pbkdf2_hmac("sha256", c.encode(), sign_salt, 1000, 32)
    try:
        AESGCM(AESGCM(secret).decrypt(w[-12:], w[:-12], sign)).decrypt(iv, ct + tag, h)
    except Exception:
        pass`,
  },
];

function randomKey(shape: Case['shape']): string {
  if (shape === 'app-key') return `base64:${randomBytes(32).toString('base64')}`;
  const a = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (const x of randomBytes(50)) s += a[x % a.length];
  return s;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const dir = mkdtempSync(join(tmpdir(), 'sl-audit-fw-bench-'));
const rows: string[] = [];
try {
  let met = 0;
  const measured = cases.filter((c) => !ONLY || ONLY.some((o) => c.family.includes(o)));
  for (const c of measured) {
    const value = normalizeValue(c.vector.value!);
    const spec = frameworkAuditSpec(value, { ...(c.vector.cookieName ? { cookieName: c.vector.cookieName } : {}), ...(c.salts ? { salts: c.salts } : {}) });
    if (!spec) throw new Error(`${c.family}: no audit spec`);
    const n = Math.max(100, Math.round(c.n * SCALE));
    const words = join(dir, `${c.family.replace(/\W+/g, '-')}.txt`);
    writeFileSync(words, `${Array.from({ length: n - 1 }, () => randomKey(c.shape)).join('\n')}\n${c.vector.key}\n`);
    const pyN = Math.max(50, Math.round(c.pyN * SCALE));
    const pyRun = spawnSync(PY, ['-c', `${PRELUDE}t = time.perf_counter()\n${c.loop}\nprint(n / (time.perf_counter() - t))`, value, c.vector.key!, c.vector.cookieName ?? 'session', String(pyN), JSON.stringify(c.salts ?? []), c.shape ?? 'text'], {
      encoding: 'utf8',
    });
    if (pyRun.status !== 0) throw new Error(`${c.family}: Python loop failed: ${pyRun.stderr}`);
    const pyRate = Number(pyRun.stdout.trim());
    // Starlette goes through the Django engine, as the audit command sends it (itsdangerous' key
    // derivation is Django's salted_hmac, salt "itsdangerous.Signer").
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const r =
      spec.format === 'starlette' && spec.check.kind === 'hmac'
        ? await runAudit({
            targets: [{ signedPart: new TextDecoder().decode(spec.check.message), signature: spec.check.mac, algorithm: 'sha1' }],
            salts: [{ salt: 'itsdangerous.Signer', signer: 'default' }],
            wordlist: words,
            bundled: false,
          })
        : await runAudit({ targets: [], salts: [], frameworks: [spec], wordlist: words, bundled: false });
    if (r.matches[0]?.key !== c.vector.key) throw new Error(`${c.family}: the audit did not find the key`);
    // The cores the process got (worker start-up included): on a shared machine, fewer than the threads.
    const cpu = process.cpuUsage(cpu0);
    const cores = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    const ratio = r.keysPerSecond / pyRate;
    rows.push(
      `${c.family.padEnd(26)} audit ${fmt(r.keysPerSecond).padStart(10)} keys/s (${r.threads} threads, ${(r.busy * 100).toFixed(0)}% busy, got ${cores.toFixed(1)} cores) | Python ${fmt(pyRate).padStart(9)} keys/s | ${ratio.toFixed(1).padStart(5)}× (target 10×) ${ratio >= 10 ? 'MET' : 'NOT MET'}\n    audit: ${describe(c.audit, r.engine)}\n    Python: ${c.reference}`,
    );
    console.log(rows[rows.length - 1]);
    if (ratio >= 10) met++;
  }
  console.log(`${met} of ${measured.length} families at or above 10× the Python loop`);
  console.log(`load average while measuring: ${loadavg().map((x) => x.toFixed(1)).join(' ')} on ${availableParallelism()} cores`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
