/**
 * The `session-lens decode` and `sign` commands, run as a user runs them (the real bin, real
 * processes), and `sign`'s output checked by a real Django's signing.loads / SessionStore.decode.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../lib/codec/index.ts';
import { EXAMPLE } from '../../lib/cli/example.ts';
import { DJANGO_PYTHON, djangoTool } from '../support/django.ts';

const BIN = fileURLToPath(new URL('../../bin/session-lens.mjs', import.meta.url));

function run(args: string[], input?: string, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const lines = (s: string) => s.trim().split('\n').map((l) => parseJson(l) as Record<string, unknown>);

describe('session-lens decode', () => {
  it('decodes and verifies the embedded example (the quick start)', () => {
    const r = run(['decode', '--example']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/format\s+django-signed \(TimestampSigner, compressed, json\)/);
    expect(r.stdout).toMatch(/✔ verified — key 0, salt django.contrib.sessions.backends.signed_cookies, sha256/);
    expect(r.stdout).toContain('12345678901234567890');
    expect(r.stdout).not.toContain(EXAMPLE.secretKey);
  });

  it('writes one exact JSON object per value with --json', () => {
    const r = run(['decode', '--json', '--secret', 'old', '--secret', EXAMPLE.secretKey, EXAMPLE.value]);
    expect(r.code).toBe(0);
    const [o] = lines(r.stdout);
    expect(o).toMatchObject({
      format: 'django-signed',
      verified: true,
      keyIndex: 1,
      salt: 'django.contrib.sessions.backends.signed_cookies',
      algorithm: 'sha256',
      compressed: true,
      timestamp: '2023-11-14T22:13:20.000Z',
    });
    expect((o!.data as { cart: { items: unknown[] } }).cart.items[0]).toBe(12345678901234567890n);
    expect(r.stdout).toContain('[12345678901234567890,7]');
  });

  it('--json prints the Python types a real Django wrote exactly (floats, key order, tuples)', () => {
    const file = join(process.cwd(), 'tests/fixtures/vectors/django.json');
    const vectors = parseJson(readFileSync(file, 'utf8'), { maxInputLength: Infinity }) as unknown as {
      decode: { name: string; value: string; keys: string[]; expect: { exact: string } }[];
    };
    for (const name of ['dumps/exact-json-types', 'dumps/exact-pickle-types']) {
      const v = vectors.decode.find((d) => d.name === name)!;
      const r = run(['decode', '--json', '--secret', v.keys[0]!, v.value]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`"data":${v.expect.exact},`);
    }
  });

  it('decodes every cookie of a pasted Cookie header, each with its name, session cookies first', () => {
    const file = join(process.cwd(), 'tests/fixtures/vectors/django.json');
    const vectors = parseJson(readFileSync(file, 'utf8'), { maxInputLength: Infinity }) as unknown as {
      cookies: { name: string; input: string; keys: string[]; salt: string; expect: { cookie: string; salt: string; exact: string }[] }[];
    };
    const v = vectors.cookies.find((c) => c.name === 'cookie-header')!;
    const r = run(['decode', '--json', '--secret', v.keys[0]!, '--salt', v.salt, v.input]);
    expect(r.code).toBe(0);
    const out = lines(r.stdout);
    expect(out.map((o) => o.cookie)).toEqual(v.expect.map((e) => e.cookie));
    expect(out.map((o) => o.salt)).toEqual(v.expect.map((e) => e.salt));
    v.expect.forEach((e) => expect(r.stdout).toContain(`"data":${e.exact},`));
    const text = run(['decode', '--secret', v.keys[0]!, '--salt', v.salt, v.input]);
    expect(text.stdout).toMatch(/^cookie\s+sessionid\nformat\s+django-signed/);
  });

  it('reads values from standard input and answers each in order, exit 2 for unreadable input', () => {
    const input = [EXAMPLE.value, 'not a session', EXAMPLE.value.slice(0, -3) + 'AAA'].join('\n');
    const r = run(['decode', '--json', '--secret', EXAMPLE.secretKey, '-'], input);
    const out = lines(r.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatchObject({ verified: true });
    expect(out[1]).toMatchObject({ error: { code: 'ERR_UNKNOWN_FORMAT' } });
    expect(out[2]).toMatchObject({ verified: false, error: { code: 'ERR_BAD_SIGNATURE' } });
    expect(r.code).toBe(2);
  });

  it('reports an over-long line without holding it, then goes on', () => {
    const r = run(['decode', '--json', '-'], `${'a'.repeat(3_000_000)}\r\n${EXAMPLE.value}\r\n`);
    const out = lines(r.stdout);
    expect(out[0]).toMatchObject({ error: { code: 'ERR_LIMIT_EXCEEDED', message: 'Input line is over the limit of 1048576 characters' } });
    expect(out[1]).toMatchObject({ format: 'django-signed', compressed: true });
    expect(r.code).toBe(2);
  });

  it('exits 1 on a bad signature and on an expired value under --max-age', () => {
    expect(run(['decode', '--secret', 'wrong', EXAMPLE.value]).code).toBe(1);
    const r = run(['decode', '--json', '--max-age', '60', '--secret', EXAMPLE.secretKey, EXAMPLE.value]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)[0]).toMatchObject({ verified: false, expired: true, error: { code: 'ERR_SIGNATURE_EXPIRED' } });
  });

  it('takes the key from the environment and reports no key as unverified (null)', () => {
    expect(lines(run(['decode', '--json', EXAMPLE.value], undefined, { SESSION_LENS_SECRET_KEY: EXAMPLE.secretKey }).stdout)[0]).toMatchObject({ verified: true });
    expect(lines(run(['decode', '--json', EXAMPLE.value]).stdout)[0]).toMatchObject({ verified: null });
  });

  it('answers usage errors with exit 2 and no stack trace', () => {
    for (const args of [['decode', '--bogus'], ['decode', '--max-age', 'soon', 'x'], ['nope']]) {
      const r = run(args);
      expect(r.code).toBe(2);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(run(['decode', '--help']).stdout).toMatch(/Usage: session-lens decode/);
  });
});

describe('session-lens sign, checked by a real Django', () => {
  const key = 'sign-test-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH';

  it.each([
    ['signing.dumps default salt', [], 'django.core.signing'],
    ['signed_cookies session, compressed', ['--salt', 'django.contrib.sessions.backends.signed_cookies', '--compress'], 'django.contrib.sessions.backends.signed_cookies'],
    ['sha1 (Django 3.1–3.2 legacy algorithm)', ['--algorithm', 'sha1', '--salt', 'x'], 'x'],
  ])('%s', async (_name, extra, salt) => {
    const data = '{"_auth_user_id": "1", "big": 12345678901234567890, "text": "Grüß 😀", "f": 1.0, "cart": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}';
    const r = run(['sign', '--secret', key, ...extra, data]);
    expect(r.code).toBe(0);
    const value = r.stdout.trim();
    if (extra.includes('--compress')) expect(value.startsWith('.')).toBe(true);
    const verdict = await djangoTool(['verify-signed', '--value', value, '--salt', salt, '--secret', key]);
    expect(verdict.ok).toBe(true);
    expect(verdict.data).toEqual(parseJson(data));
  });

  it('is byte-identical to Django for the same timestamp', () => {
    const r = run(['sign', '--secret', EXAMPLE.secretKey, '--salt', 'django.contrib.sessions.backends.signed_cookies', '--compress', '--timestamp', '1700000000', '-'],
      '{"_auth_user_id":"42","_auth_user_backend":"django.contrib.auth.backends.ModelBackend","_auth_user_hash":"5d41402abc4b2a76b9719d911017c592a3b7f2d1e0c9b8a7f6e5d4c3b2a19081","cart":{"items":[12345678901234567890,7],"currency":"EUR"},"greeting":"Grüß Gott"}');
    expect(r.stdout.trim()).toBe(EXAMPLE.value);
  });

  it.each(['sha384', 'sha512'])('signs with %s the way Django\'s TimestampSigner(algorithm=…) does', (algorithm) => {
    const r = run(['sign', '--secret', key, '--algorithm', algorithm, '--salt', 's', '{"a":[1,2,3]}']);
    expect(r.code).toBe(0);
    const py = spawnSync(
      DJANGO_PYTHON,
      [
        '-c',
        `import sys, json
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1])
from django.core import signing
print(json.dumps(signing.TimestampSigner(key=sys.argv[1], salt='s', algorithm=sys.argv[3]).unsign_object(sys.argv[2])))`,
        key,
        r.stdout.trim(),
        algorithm,
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    expect(parseJson(py.stdout)).toEqual({ a: [1, 2, 3] });
  });

  it('writes legacy session_data that Django 3.2 SessionStore.decode accepts', () => {
    const r = run(['sign', '--legacy', '--secret', key, '{"_auth_user_id":"7","n":12345678901234567890}']);
    expect(r.code).toBe(0);
    const py = spawnSync(
      DJANGO_PYTHON,
      [
        '-c',
        `import sys, json
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1], INSTALLED_APPS=['django.contrib.sessions'])
import django; django.setup()
from django.contrib.sessions.backends.db import SessionStore
print(json.dumps(SessionStore()._legacy_decode(sys.argv[2])))`,
        key,
        r.stdout.trim(),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    expect(parseJson(py.stdout)).toEqual({ _auth_user_id: '7', n: 12345678901234567890n });
  });

  it('refuses bad JSON and a missing key with exit 2', () => {
    expect(run(['sign', '--secret', key, '{bad']).code).toBe(2);
    expect(run(['sign', '{}']).code).toBe(2);
  });
});
