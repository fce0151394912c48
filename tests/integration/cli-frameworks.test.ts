/**
 * `session-lens decode` on other frameworks' cookies (tests/fixtures/frameworks), run as a user runs
 * it: each family named with the key it needs, then decrypted/verified with the key in the form
 * the framework's config holds it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lib/codec/index.ts';

const BIN = fileURLToPath(new URL('../../bin/session-lens.mjs', import.meta.url));
type V = Record<string, string>;
const fx = (name: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', name), 'utf8')) as Record<string, V[]>;
const ruby = fx('ruby.json');
const php = fx('php.json');
const python = fx('python.json');
const go = fx('go.json');
const phoenix = fx('phoenix.json');
const node = fx('node.json');

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (s: string) => s.trim().split('\n').map((l) => parseJson(l) as Record<string, unknown>);

describe('session-lens decode: other frameworks', () => {
  it('names every family and the key it needs, without a key (one value per line)', () => {
    const values = [ruby.rails![0]!, ruby.rails![4]!, ruby.rack![0]!, php.laravel![0]!, php.yii2![0]!, python.starlette![0]!, python.tornado![0]!, go.gorilla![0]!, phoenix.phoenix![0]!, phoenix.phoenix![3]!, node.iron![0]!, node.nextauth![0]!];
    const r = run(['decode', '--json', '-'], values.map((v) => v.value).join('\n'));
    expect(r.code).toBe(0);
    expect(lines(r.stdout).map((o) => [o.format, o.keyName])).toEqual([
      ['rails-encrypted', 'secret_key_base'],
      ['rails-encrypted-cbc', 'secret_key_base'],
      ['rack', 'secret'],
      ['laravel-encrypted', 'APP_KEY'],
      ['yii2', "request component's cookieValidationKey"],
      ['starlette', 'SessionMiddleware secret_key'],
      ['tornado', 'cookie_secret'],
      ['gorilla', 'hashKey (and blockKey)'],
      ['phoenix-signed', 'secret_key_base (+ signing_salt)'],
      ['phoenix-encrypted', 'secret_key_base (+ encryption_salt, signing_salt)'],
      ['iron-session', 'password (SECRET_COOKIE_PASSWORD)'],
      ['nextauth', 'NEXTAUTH_SECRET / AUTH_SECRET'],
    ]);
  });

  it('decrypts a Rails 7 cookie with the hex secret_key_base and checks its purpose with --cookie-name', () => {
    const v = ruby.rails!.find((x) => x.keyDigest === 'sha256')!;
    const ok = run(['decode', '--secret', v.key!, '--cookie-name', v.cookieName!, v.value!]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/framework\s+Ruby on Rails \(≥ 5\.2\) — key: secret_key_base/);
    expect(ok.stdout).toMatch(/✔ verified/);
    expect(ok.stdout).toContain('12345678901234567890');
    expect(ok.stdout).not.toContain(v.key!);
    const moved = run(['decode', '--secret', v.key!, '--cookie-name', 'other', v.value!]);
    expect(moved.code).toBe(1);
    expect(moved.stdout).toMatch(/purpose "cookie\._app_session" is not cookie\.other/);
  });

  it('decrypts Laravel with APP_KEY as .env holds it (base64:…), the session id shown as text', () => {
    const v = php.laravel![0]!;
    const r = run(['decode', '--json', '--secret', v.key!, v.value!]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ format: 'laravel-encrypted', verified: true, data: v.data, serializer: 'text', details: { cookieName: 'laravel_session' } });
  });

  it('verifies Phoenix with secret_key_base and both salts (--salt twice), exit 1 with a wrong key', () => {
    const v = phoenix.phoenix!.find((x) => x.mode === 'encrypted')!;
    const r = run(['decode', '--json', '--secret', v.key!, '--salt', v.encryptionSalt!, '--salt', v.signingSalt!, v.value!]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)[0]).toMatchObject({ format: 'phoenix-encrypted', verified: true, serializer: 'erlang', salt: v.signingSalt });
    const bad = run(['decode', '--json', '--secret', 'x'.repeat(64), '--salt', v.encryptionSalt!, '--salt', v.signingSalt!, v.value!]);
    expect(bad.code).toBe(1);
    expect(lines(bad.stdout)[0]).toMatchObject({ verified: false, error: { code: 'ERR_BAD_SIGNATURE' } });
  });
});
