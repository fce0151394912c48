/**
 * The CLI installs like a real tool (issue 11): `npm pack`, then `npm install -g` of the tarball
 * into a temporary prefix, offline (the package has no dependencies to fetch), then `session-lens`
 * run from a directory outside the repository with nothing of the checkout on its paths.
 * Also: each command's code is loaded only when it runs — `decode` reaches no database driver.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE } from '../../lib/cli/example.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('npm pack → npm install -g → session-lens anywhere', () => {
  let tmp: string;
  let bin: string;
  let pkgDir: string;
  let elsewhere: string;
  const env = () => ({ PATH: `${dirname(bin)}:/usr/bin:/bin`, HOME: tmp, NO_COLOR: '1' });
  const run = (args: string[], input?: string) =>
    spawnSync(bin, args, { cwd: elsewhere, env: env(), input, encoding: 'utf8', timeout: 60_000 });

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sl-install-'));
    elsewhere = join(tmp, 'somewhere');
    execFileSync('mkdir', ['-p', elsewhere]);
    // dist/cli was just built by the integration globalSetup; pack it as `npm publish` would.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: ROOT, stdio: 'ignore', timeout: 120_000 });
    const tgz = readdirSync(tmp).find((f) => /^session-lens-.*\.tgz$/.test(f))!;
    const prefix = join(tmp, 'prefix');
    execFileSync('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, join(tmp, tgz)], {
      cwd: elsewhere,
      env: { PATH: process.env.PATH, HOME: tmp },
      stdio: 'ignore',
      timeout: 180_000,
    });
    bin = join(prefix, 'bin', 'session-lens');
    pkgDir = join(prefix, 'lib', 'node_modules', 'session-lens');
  }, 300_000);
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('installs plain JavaScript only: the launcher, the built CLI and the native engine in C, no TypeScript, no dependencies', () => {
    const files = execFileSync('find', ['.', '-type', 'f'], { cwd: pkgDir, encoding: 'utf8' }).trim().split('\n');
    expect(files.filter((f) => /\.tsx?$/.test(f))).toEqual([]);
    expect(files.filter((f) => f.startsWith('./lib/') && !f.startsWith('./lib/cli/audit/native/'))).toEqual([]);
    expect(files).toContain('./lib/cli/audit/native/binding.gyp');
    expect(files).toContain('./bin/session-lens.mjs');
    expect(files).toContain('./dist/cli/main.mjs');
    expect(readdirSync(pkgDir)).not.toContain('node_modules');
  });

  it('decode --example works from any directory', () => {
    const r = run(['decode', '--example']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/verified/);
  });

  it('decode --json - reads standard input; sign writes what decode verifies', () => {
    const signed = spawnSync(bin, ['sign', '--timestamp', '1700000000', '{"_auth_user_id":"1"}'], {
      cwd: elsewhere,
      env: { ...env(), SESSION_LENS_SECRET_KEY: EXAMPLE.secretKey },
      encoding: 'utf8',
    });
    expect(signed.status).toBe(0);
    const r = spawnSync(bin, ['decode', '--json', '--salt', 'django.core.signing', '-'], {
      cwd: elsewhere,
      env: { ...env(), SESSION_LENS_SECRET_KEY: EXAMPLE.secretKey },
      input: `${signed.stdout.trim()}\n${EXAMPLE.value}\n`,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verified)).toEqual([true, true]);
    expect(lines[0].data).toEqual({ _auth_user_id: '1' });
  });

  it('audit runs its worker threads from the installed files, on the native SHA engine when the install built it', () => {
    const r = run(['audit', EXAMPLE.value]);
    expect(r.stdout).toMatch(/tried \d+ keys/);
    expect([0, 1]).toContain(r.status);
    // The bundle (dist/cli/chunks) finds the addon the install script built, or says it fell back.
    const built = existsSync(join(pkgDir, 'lib', 'cli', 'audit', 'native', 'build', 'Release', 'session_lens_native.node'));
    expect(r.stdout).toMatch(built ? /threads, native SHA engine, 16 keys per pass/ : /threads, WebAssembly SIMD/);
  });

  it('builds the native SHA engine at install, or falls back to WebAssembly without failing', () => {
    const addon = join(pkgDir, 'lib', 'cli', 'audit', 'native', 'build', 'Release', 'session_lens_native.node');
    if (!existsSync(addon)) {
      // No C compiler or Node headers: the install still succeeded (beforeAll) and audit runs on WebAssembly.
      console.info('native SHA engine: not built at install, the audit falls back to WebAssembly');
      return;
    }
    // Built: it loads from the installed package and agrees with node:crypto (the CLI's own loader finds it from dist/cli).
    const check = `const a = require(${JSON.stringify(addon)}); const out = Buffer.alloc(32);
      a.hmac(1, Buffer.from('key'), Int32Array.of(0), Int32Array.of(3), 1, Buffer.from('msg'), out);
      process.stdout.write(out.equals(require('node:crypto').createHmac('sha256', 'key').update('msg').digest()) ? 'ok' : 'bad');`;
    const r = spawnSync(process.execPath, ['-e', check], { cwd: elsewhere, encoding: 'utf8' });
    expect(r.stdout).toBe('ok');
    console.info('native SHA engine: built at install and loaded');
  });

  it('serve --help, check and --version answer', () => {
    expect(run(['serve', '--help']).stdout).toContain('--token-file');
    expect(run(['--version']).stdout).toMatch(/^session-lens \d+\.\d+\.\d+/);
    const bad = run(['check', 'ftp://x/']);
    expect(bad.status).toBe(2);
  });

  it('decode loads no database driver: its chunks reach none', () => {
    const dir = join(pkgDir, 'dist', 'cli', 'chunks');
    const decode = readdirSync(dir).find((f) => /^decode-.*\.mjs$/.test(f))!;
    const seen = new Set<string>();
    const visit = (f: string) => {
      if (seen.has(f)) return;
      seen.add(f);
      for (const m of readFileSync(join(dir, f), 'utf8').matchAll(/(?:^|[;\s}])import\s*(?:[^'"]*?from\s*)?["']\.\/([^"']+)["']/g)) visit(m[1]!);
    };
    visit(decode);
    expect(seen.size).toBeGreaterThan(1);
    const code = [...seen].map((f) => readFileSync(join(dir, f), 'utf8')).join('\n');
    for (const driver of ['pg-protocol', 'mysql2', 'memjs', 'better-sqlite3', 'node:net']) expect(code).not.toContain(driver);
    expect(code.length).toBeLessThan(400_000);
  });
});
