/**
 * `session-lens audit` against values a real Django 3.2 signed (Debian's /usr/bin/python3 with
 * settings.configure): it finds the key from a wordlist or the bundled list, reports the salt,
 * algorithm and decoded session, and finds nothing when the key is in no list.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../lib/cli/main.ts';
import { sink } from '../support/sink.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PY = '/usr/bin/python3';

/** Signs with the real Django; `code` runs with `signing`, `SECRET_KEY` and `data` in scope and prints the value. */
function django(secret: string, code: string, settings = ''): string {
  const r = spawnSync(
    PY,
    [
      '-c',
      `import sys, json
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1]${settings})
import django
django.setup()
from django.core import signing
SECRET_KEY = sys.argv[1]
data = {"_auth_user_id": "42", "_auth_user_backend": "django.contrib.auth.backends.ModelBackend", "big": 12345678901234567890}
${code}`,
      secret,
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`Django failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function run(args: string[], tty = false): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = sink();
  const stderr = Object.assign(sink(), { isTTY: tty });
  const code = await main(args, { stdout, stderr, stdin: process.stdin, env: { NO_COLOR: '1' } });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let dir: string;
let wordlist: string;
const WORDLIST_KEY = 'w0rdl1st-k3y-!@#$%^&*(-_=+)-not-so-secret-after-all';
const SESSION_SALT = 'django.contrib.sessions.backends.signed_cookies';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sl-audit-int-'));
  wordlist = join(dir, 'words.txt');
  // 200,000 candidates with the real key near the end: streamed, never loaded whole.
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(wordlist);
    out.on('error', reject);
    for (let i = 0; i < 200_000; i++) {
      out.write(`candidate-${i.toString(36)}-${(i * 7919).toString(16)}\n`);
      if (i === 199_990) out.write(`${WORDLIST_KEY}\n`);
    }
    out.end(resolve);
  });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('session-lens audit against values a real Django signed', () => {
  it('finds a signed_cookies session key from a wordlist, with the decoded session', async () => {
    const value = django(WORDLIST_KEY, `print(signing.dumps(data, salt="${SESSION_SALT}", compress=True))`);
    const r = await run(['audit', value, '--wordlist', wordlist, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.tried).toBeGreaterThan(1000);
    expect(out.engine).toMatch(/^(native SHA engine|WebAssembly)/);
    expect(out.results).toHaveLength(1);
    const f = out.results[0].finding;
    expect(f).toMatchObject({
      rule: 'known-secret-key',
      severity: 'critical',
      key: WORDLIST_KEY,
      keySource: 'wordlist',
      salt: SESSION_SALT,
      signer: 'default',
      algorithm: 'sha256',
      verified: true,
    });
    expect(f.session).toMatchObject({ _auth_user_id: '42', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
    // The exact big integer survives (the codec keeps it as digits).
    expect(r.stdout).toMatch(/"big": ?12345678901234567890\s*[,}]/);
  });

  it('finds bundled public keys: a session_data value and a messages cookie (cookie signer)', async () => {
    const sessionData = django(
      'django_tests_secret_key',
      `from django.contrib.sessions.backends.db import SessionStore
print(SessionStore().encode(data))`,
      ', INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "django.contrib.sessions"]',
    );
    const messages = django(
      '!!!SET DJANGO_SECRET_KEY!!!',
      `print(signing.get_cookie_signer(salt="django.contrib.messages").sign("hello"))`,
    );
    const r = await run(['audit', sessionData, messages, '--json']);
    expect(r.code).toBe(1);
    const [a, b] = JSON.parse(r.stdout).results;
    expect(a.finding).toMatchObject({ key: 'django_tests_secret_key', keySource: 'bundled', salt: 'django.contrib.sessions.SessionStore', signer: 'default' });
    expect(a.finding.session).toMatchObject({ _auth_user_id: '42' });
    expect(b.finding).toMatchObject({ key: '!!!SET DJANGO_SECRET_KEY!!!', salt: 'django.contrib.messages', signer: 'cookie' });
  });

  it('reads values as users paste them: a quoted, escaped Set-Cookie line and a v2 set_signed_cookie salt', async () => {
    // Django quotes a set_signed_cookie value holding , ; " through http.cookies: pref="a\054b\073c\"d:…"
    const setCookie = django(
      'changeme',
      `from django.http import HttpResponse
r = HttpResponse(); r.set_signed_cookie("pref", 'a,b;c"d', salt="ui"); print(r.cookies["pref"].output())`,
    );
    expect(setCookie).toMatch(/^Set-Cookie: pref="a\\054b\\073c\\"d:/);
    // Django 5.2.15 / 6.0.6 / 6.1 salt: f"django.http.cookies.v2:{len(salt)}:{salt}{name}", with 3.2's own cookie signer
    const v2 = django('changeme', `print(signing.get_cookie_signer(salt="django.http.cookies.v2:2:uitheme").sign("dark"))`);
    const r = await run(['audit', setCookie, `theme=${v2}`, '--salt', 'ui', '--json']);
    expect(r.code).toBe(1);
    const [a, b] = JSON.parse(r.stdout).results;
    expect(a.finding).toMatchObject({ key: 'changeme', salt: 'prefui', signer: 'cookie', session: 'a,b;c"d' });
    expect(b.finding).toMatchObject({ key: 'changeme', salt: 'django.http.cookies.v2:2:uitheme', signer: 'cookie', session: 'dark' });
  });

  it('finds a legacy sha1 signature (DEFAULT_HASHING_ALGORITHM = "sha1") and a custom --salt', async () => {
    const sha1 = django('changeme', `print(signing.dumps({"a": 1}))`, ', DEFAULT_HASHING_ALGORITHM="sha1"');
    const custom = django(WORDLIST_KEY, `print(signing.dumps({"b": 2}, salt="my.app.salt"))`);
    const r = await run(['audit', sha1, custom, '--salt', 'my.app.salt', '--wordlist', wordlist, '--json']);
    expect(r.code).toBe(1);
    const [a, b] = JSON.parse(r.stdout).results;
    expect(a.finding).toMatchObject({ key: 'changeme', algorithm: 'sha1', salt: 'django.core.signing', session: { a: 1 } });
    expect(b.finding).toMatchObject({ key: WORDLIST_KEY, salt: 'my.app.salt', session: { b: 2 } });
  });

  it('finds nothing when the key is in no list, and exits 0', async () => {
    const value = django('Zq8#x!P2v@L9k$w4R7m^T1n&Y6b*C3d(F5g)H0j-K8l_Q2s+W9e=U4r', `print(signing.dumps(data, salt="${SESSION_SALT}", compress=True))`);
    const r = await run(['audit', value, '--wordlist', wordlist]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no known or weak key found');
    expect(r.stdout).toMatch(/tried 200,\d{3} keys × 6 salts/);
  });

  it('shows progress on a terminal, and none otherwise', async () => {
    const value = django('Zq8#x!P2v@L9k$w4R7m^T1n&Y6b*C3d(F5g)H0j-K8l_Q2s+W9e=U4r', `print(signing.dumps({"a": 1}))`);
    const onTty = await run(['audit', value, '--wordlist', wordlist], true);
    expect(onTty.code).toBe(0);
    expect(onTty.stderr).toMatch(/\rtried [\d,]+ keys, [\d,]+\/s, found 0\/1/);
    expect(onTty.stderr.endsWith('\r\x1b[K')).toBe(true);
    const piped = await run(['audit', value, '--wordlist', wordlist]);
    expect(piped.stderr).toBe('');
  });

  it.each([
    [['audit'], /give at least one signed value/],
    [['audit', 'not-signed'], /not a Django signed value/],
    [['audit', 'abc:def'], /signature is not sha256/],
    [['audit', 'a:b:cccccccccccccccccccccccccccccccccccccccccc1', '--wordlist', '/no/such/file'], /cannot read wordlist/],
    [['audit', 'a:b:cccccccccccccccccccccccccccccccccccccccccc1', '--no-bundled'], /needs --wordlist/],
    [['audit', 'a:b:cccccccccccccccccccccccccccccccccccccccccc1', '--threads', '0'], /--threads must be/],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await run(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('the real CLI binary exits 1 on a match and prints the key', async () => {
    const value = django('changeme', `print(signing.dumps(data, salt="${SESSION_SALT}", compress=True))`);
    const res = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bin/session-lens.mjs'), 'audit', value], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
      );
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('CRITICAL');
    expect(res.stdout).toContain('key:     "changeme" (bundled list)');
  });
});
