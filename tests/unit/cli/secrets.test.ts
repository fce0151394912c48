/**
 * Secrets kept off the command line (issue 11): `--secret-file` / `--token-file`, a warning when a
 * secret is given as an argument, and SECRET_KEY_FALLBACKS split by one rule in every command.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { EXAMPLE } from '../../../lib/cli/example.ts';
import { main } from '../../../lib/cli/main.ts';
import { readSecretFile, splitFallbacks } from '../../../lib/node/index.ts';
import { parseServeConfig, type CompanionConfig } from '../../../lib/companion/config.ts';
import { sink } from '../../support/sink.ts';

const dir = mkdtempSync(join(tmpdir(), 'sl-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, { stdout, stderr, stdin: Readable.from([]), env });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

/** The example's value, signed with the example key: verifies only when that key is among the keys. */
const VALUE = EXAMPLE.value;
const KEY = EXAMPLE.secretKey;

describe('SECRET_KEY_FALLBACKS', () => {
  it.each([
    ['a,b,c', ['a', 'b', 'c']],
    [' a , b ,, c ', ['a', 'b', 'c']],
    ['a\nb\r\nc\n', ['a', 'b', 'c']],
    ['', []],
  ])('%j splits into %j', (v, want) => {
    expect(splitFallbacks(v)).toEqual(want);
  });

  it('decode, sign and serve read the same keys from the same variables', async () => {
    const env = { SESSION_LENS_SECRET_KEY: 'newest-key-0123456789', SESSION_LENS_SECRET_KEY_FALLBACKS: ` wrong-1 ,\n${KEY}\n` };
    const decoded = await run(['decode', '--json', VALUE], env);
    expect(JSON.parse(decoded.stdout)).toMatchObject({ verified: true, keyIndex: 2 });
    const served = parseServeConfig(['--store', 'file:///tmp'], env, '/tmp') as CompanionConfig;
    expect(served.secretKeys).toEqual(['newest-key-0123456789', 'wrong-1', KEY]);
    const signed = await run(['sign', '--timestamp', '1700000000', '{"a":1}'], env);
    expect(signed.code).toBe(0);
    expect(signed.stderr).toBe('');
  });
});

describe('--secret-file and --token-file', () => {
  it('decode verifies with keys from a file (one per line, newest first) and warns about none', async () => {
    const f = file('keys', `wrong-key-0123456789\n\n  ${KEY}  \n`);
    const r = await run(['decode', '--json', '--secret-file', f, VALUE]);
    expect(JSON.parse(r.stdout)).toMatchObject({ verified: true, keyIndex: 1 });
    expect(r.stderr).toBe('');
  });

  it('sign takes its key from a file and writes what --secret writes', async () => {
    const f = file('sign-key', `${KEY}\n`);
    const a = await run(['sign', '--timestamp', '1700000000', '--secret-file', f, '{"a":1}']);
    const b = await run(['sign', '--timestamp', '1700000000', '--secret', KEY, '{"a":1}']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
  });

  it('serve takes the keys and the token from files', () => {
    const keys = file('serve-keys', 'current-key\nprevious-key\n');
    const token = file('token', 'file-token-0123456789abcdef\n');
    const config = parseServeConfig(['--secret-file', keys, '--token-file', token], {}, '/tmp') as CompanionConfig;
    expect(config.secretKeys).toEqual(['current-key', 'previous-key']);
    expect(config.token).toBe('file-token-0123456789abcdef');
    const fromEnv = parseServeConfig([], { SESSION_LENS_SECRET_FILE: keys, SESSION_LENS_TOKEN_FILE: token }, '/tmp') as CompanionConfig;
    expect(fromEnv).toMatchObject({ secretKeys: ['current-key', 'previous-key'], token: 'file-token-0123456789abcdef' });
  });

  it('a missing, empty or oversized file is a usage error that names the file, never its content', async () => {
    const empty = file('empty', '\n\n');
    const big = file('big', `${'x'.repeat(70_000)}\n`);
    for (const f of [join(dir, 'missing'), empty, big, dir]) {
      const r = await run(['decode', '--secret-file', f, VALUE]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(f);
      expect(r.stderr).not.toContain('xxxxxxxx');
    }
    expect(() => readSecretFile(empty, '--secret-file')).toThrow(/is empty/);
  });

  it('warns when others can read the file', () => {
    const f = file('open-keys', 'k\n', 0o644);
    const warnings: string[] = [];
    readSecretFile(f, '--secret-file', (l) => warnings.push(l));
    expect(warnings.join()).toMatch(/can be read by other users/);
  });
});

describe('secrets on the command line', () => {
  it.each([
    ['decode', ['decode', '--secret', KEY, VALUE], '--secret'],
    ['sign', ['sign', '--secret', KEY, '{"a":1}'], '--secret'],
  ])('%s warns that --secret is visible to other users, without printing it', async (_cmd, argv, flag) => {
    const r = await run(argv);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`warning: ${flag} on the command line is visible to other users`));
    expect(r.stderr).not.toContain(KEY);
  });

  it('decode with the key from the environment prints no warning', async () => {
    const r = await run(['decode', VALUE], { SESSION_LENS_SECRET_KEY: KEY });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('serve warns about --secret-key and --token given as arguments', async () => {
    const ac = new AbortController();
    const stdout = sink();
    const stderr = sink();
    const { serve } = await import('../../../lib/cli/commands/serve.ts');
    const done = serve(['--port', '0', '--store', `file://${dir}`, '--secret-key', 'cli-key-0123', '--token', 'cli-token-0123456789abc'], {
      stdout,
      stderr,
      stdin: Readable.from([]),
      env: {},
      signal: ac.signal,
    } as never);
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    expect(await done).toBe(0);
    expect(stderr.text).toMatch(/--secret-key on the command line is visible/);
    expect(stderr.text).toMatch(/--token on the command line is visible/);
    expect(stderr.text + stdout.text).not.toMatch(/cli-key-0123|cli-token-0123456789abc/);
  });
});
