/**
 * `session-lens audit` on other frameworks' cookies: each made at test time by the real framework
 * (Starlette, Tornado, Rails 6.1 cookie jar, Rack 2.2, Laravel 8 EncryptCookies, gorilla/securecookie,
 * jose for NextAuth/Auth.js; iron seals and Yii2 hashData as cited) with a key from the bundled list
 * — found without any wordlist, with the setting to rotate; the committed vectors (non-public keys)
 * found from a wordlist; and nothing found when the key is in no list.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const DIR = join(process.cwd(), 'tests/fixtures/frameworks');
const GO_ENV = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: join(tmpdir(), 'session-lens-gocache') };

function make(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: DIR, env, timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout.trim();
}

async function run(args: string[]): Promise<{ code: number; out: { tried: number; results: { found: boolean; finding?: Record<string, unknown> }[] } }> {
  const { code, stdout, stderr } = await runCli(['audit', '--json', ...args]);
  if (code === 2) throw new Error(stderr);
  return { code, out: JSON.parse(stdout) };
}

/** [family, expected format, the setting named, the bundled key, a cookie the real framework made with it] */
const bundled: [string, string, RegExp, string, () => string][] = [
  ['Starlette', 'starlette', /secret_key/, 'some-random-string', () => make('/usr/bin/python3', ['make_python.py', '--cookie', 'starlette', 'some-random-string'])],
  ['Tornado', 'tornado', /cookie_secret/, '__TODO:_GENERATE_YOUR_OWN_RANDOM_VALUE_HERE__', () => make('/usr/bin/python3', ['make_python.py', '--cookie', 'tornado', '__TODO:_GENERATE_YOUR_OWN_RANDOM_VALUE_HERE__'])],
  ['Rails 6.1 encrypted', 'rails-encrypted', /secret_key_base/, 'secret_key_base', () => make('ruby', ['make_ruby.rb', '--cookie', 'rails', 'secret_key_base'])],
  ['Rack', 'rack', /Rack::Session::Cookie/, 'change_me', () => make('ruby', ['make_ruby.rb', '--cookie', 'rack', 'change_me'])],
  ['Laravel', 'laravel-encrypted', /APP_KEY/, 'SomeRandomStringOf32CharsExactly', () => make('php', ['make_php.php', '--cookie', 'laravel', 'SomeRandomStringOf32CharsExactly'])],
  ['Yii2', 'yii2', /cookieValidationKey/, 'test', () => make('php', ['make_php.php', '--cookie', 'yii2', 'test'])],
  ['gorilla', 'gorilla', /hashKey/, 'something-very-secret', () => make('go', ['run', './gorilla', '--cookie', 'something-very-secret'], GO_ENV)],
  ['iron-session', 'iron-session', /password/, 'complex_password_at_least_32_characters_long', () => make(process.execPath, ['make_node.mjs', '--cookie', 'iron', 'complex_password_at_least_32_characters_long'])],
  ['NextAuth v4', 'nextauth', /NEXTAUTH_SECRET/, 'supersecret', () => make(process.execPath, ['make_node.mjs', '--cookie', 'nextauth', 'supersecret'])],
  ['Auth.js v5', 'nextauth', /AUTH_SECRET/, 'your-secret-key', () => make(process.execPath, ['make_node.mjs', '--cookie', 'authjs', 'your-secret-key'])],
];

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sl-audit-fw-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('audit finds bundled public keys of other frameworks', () => {
  it.each(bundled)('%s', async (_name, format, setting, key, cookie) => {
    const value = cookie();
    const r = await run([value]);
    expect(r.code).toBe(1);
    const f = r.out.results[0]!.finding!;
    expect(f).toMatchObject({ rule: 'known-secret-key', severity: 'critical', key, keySource: 'bundled', format, verified: true });
    expect(f.setting).toMatch(setting);
    expect(f.fix).toMatch(/Rotate/);
    expect(f.session).toBeDefined();
  });

  it('finds nothing (exit 0) when the key is in no list', async () => {
    const value = make('/usr/bin/python3', ['make_python.py', '--cookie', 'starlette', 'a-key-in-no-list-8f3a1c9d2e7b6a5f']);
    const r = await run([value]);
    expect(r.code).toBe(0);
    expect(r.out.results[0]!.found).toBe(false);
  });
});

describe('audit finds the committed vectors from a wordlist, all at once', () => {
  it('every family, Phoenix with its salts', async () => {
    const fx = (n: string) => JSON.parse(readFileSync(join(DIR, n), 'utf8')) as Record<string, Record<string, string>[]>;
    const ruby = fx('ruby.json');
    const php = fx('php.json');
    const py = fx('python.json');
    const phoenix = fx('phoenix.json');
    const node = fx('node.json');
    const go = fx('go.json');
    const vectors = [ruby.rails![2]!, ruby.rails![4]!, ruby.rails![6]!, ruby.rack![0]!, php.laravel![2]!, php.laravel![6]!, php.yii2![0]!, py.starlette![0]!, py.tornado![0]!, go.gorilla![0]!, phoenix.phoenix![0]!, phoenix.phoenix![3]!, node.iron![0]!, node.nextauth![2]!];
    const words = join(dir, 'words.txt');
    writeFileSync(words, ['not-it', ...new Set(vectors.map((v) => v.key))].join('\n'));
    const r = await run([...vectors.map((v) => v.value!), '--wordlist', words, '--salt', phoenix.phoenix![0]!.signingSalt!, '--salt', phoenix.phoenix![3]!.encryptionSalt!]);
    expect(r.code).toBe(1);
    expect(r.out.results.map((x) => [x.found, x.finding?.format, x.finding?.keySource])).toEqual(
      ['rails-encrypted', 'rails-encrypted-cbc', 'rails-signed', 'rack', 'laravel-encrypted', 'laravel-encrypted', 'yii2', 'starlette', 'tornado', 'gorilla', 'phoenix-signed', 'phoenix-encrypted', 'iron-session', 'nextauth'].map((f) => [true, f, 'wordlist']),
    );
    // The iron seal and the NextAuth token carry an expiry in 2023: the key opens them, but they are expired.
    expect(r.out.results.map((x) => [x.finding?.format, x.finding?.verified])).toEqual(
      r.out.results.map((x) => [x.finding?.format, x.finding?.format !== 'iron-session' && x.finding?.format !== 'nextauth']),
    );
    expect(r.out.results.every((x) => x.finding?.session !== undefined && x.finding.session !== null)).toBe(true);
  });

  it('the PBKDF2 families give the same findings with the native SHA engine and without it (SESSION_LENS_NATIVE=0: WebAssembly SIMD)', async () => {
    const fx = (n: string) => JSON.parse(readFileSync(join(DIR, n), 'utf8')) as Record<string, Record<string, string>[]>;
    const ruby = fx('ruby.json');
    const phoenix = fx('phoenix.json').phoenix!;
    const vectors = [...ruby.rails!, ...ruby.rack!, phoenix[0]!, phoenix[3]!, ...fx('node.json').iron!];
    const words = join(dir, 'pbkdf2-words.txt');
    writeFileSync(words, ['not-it', 'x'.repeat(80), ...new Set(vectors.map((v) => v.key))].join('\n'));
    const args = [...vectors.map((v) => v.value!), '--wordlist', words, '--salt', phoenix[0]!.signingSalt!, '--salt', phoenix[3]!.encryptionSalt!];
    const native = await run(args);
    const before = process.env.SESSION_LENS_NATIVE;
    process.env.SESSION_LENS_NATIVE = '0';
    try {
      const wasm = await run(args);
      expect(native.out.results.map((x) => x.found)).toEqual(vectors.map(() => true));
      expect(wasm.out.results).toEqual(native.out.results);
    } finally {
      if (before === undefined) delete process.env.SESSION_LENS_NATIVE;
      else process.env.SESSION_LENS_NATIVE = before;
    }
  });
});
