/**
 * `session-lens serve` as a user runs it: the real bin, a real process, options from the
 * environment, the generated token printed once, and a clean exit on SIGTERM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson } from '../../../lib/codec/index.ts';
import { prepareDjango, DJANGO_SECRET_KEY, type DjangoEnv } from '../../support/django.ts';
import { spawnServe as serve, until } from './helpers.ts';

describe('session-lens serve (the real command)', () => {
  let dj: DjangoEnv;
  let key: string;
  beforeAll(async () => {
    dj = await prepareDjango({ engine: 'db' });
    key = (await dj.tool(['write', '--data', '{"_auth_user_id":"3","big":12345678901234567890}'])).sessions[0].key;
  });
  afterAll(async () => {
    await dj?.cleanup();
  });

  it('takes its options from SESSION_LENS_*, prints a generated token once, serves, and stops cleanly on SIGTERM', async () => {
    const run = serve(['--port', '0', '--verbose'], { SESSION_LENS_STORE: dj.database, SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
    try {
      await until(() => /token: \S+/.test(run.stdout()), 20_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())![1]!;
      const token = /token: (\S+)/.exec(run.stdout())![1]!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(run.stdout()).toContain('(read-only)');
      expect(run.stdout()).not.toContain(DJANGO_SECRET_KEY);

      const res = await fetch(`${url}/v1/sessions/${key}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      const body = parseJson(await res.text()) as Record<string, unknown>;
      expect(body).toMatchObject({ found: true, verified: true, data: { _auth_user_id: '3', big: 12345678901234567890n } });
      expect((await fetch(`${url}/v1/sessions/${key}`)).status).toBe(401);

      const t0 = Date.now();
      run.child.kill('SIGTERM');
      const { code } = await run.exited;
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(run.stderr()).toContain('shutting down');
      await expect(fetch(`${url}/v1/health`)).rejects.toThrow();
      // The token appears exactly once (the start banner); keys and data never in the logs.
      const all = run.stdout() + run.stderr();
      expect(all.split(token).length - 1).toBe(1);
      for (const s of [key, '12345678901234567890', DJANGO_SECRET_KEY]) expect(all).not.toContain(s);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('uses the token given in SESSION_LENS_TOKEN and never prints it', async () => {
    const token = 'env-token-abcdefghijklmnopqrstuvwxyz';
    const run = serve(['--port', '0', '--store', dj.database], { SESSION_LENS_TOKEN: token });
    try {
      await until(() => /listening on/.test(run.stdout()) && /store:/.test(run.stdout()), 20_000);
      await until(() => /no secret key/.test(run.stdout()), 5_000);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())![1]!;
      const res = await fetch(`${url}/v1/sessions/${key}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ verified: null });
      run.child.kill('SIGTERM');
      expect((await run.exited).code).toBe(0);
      expect(run.stdout() + run.stderr()).not.toContain(token);
    } finally {
      run.child.kill('SIGKILL');
    }
  });

  it('a usage error exits 2 and names the option, not its value', async () => {
    const run = serve(['--token', 'tooshort-secret'], {});
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.stderr()).toMatch(/token must be at least 16/);
    expect(run.stderr()).not.toContain('tooshort-secret');
  });
});
