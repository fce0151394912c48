/**
 * Stores that go away and come back while the companion keeps running: Redis and PostgreSQL are
 * really stopped (the commands of scripts/services.sh) — 503 ERR_STORE_UNAVAILABLE while down,
 * the right answers again once they are back, with no restart of the companion. The services are
 * restarted in `finally` even when an assertion fails, and each outage lasts a few seconds.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { prepareDjango, DJANGO_SECRET_KEY } from '../../support/django.ts';
import { cacheStore, databaseStore, ensureServices, exact, startCompanion, waitFor } from './helpers.ts';

const REDIS = 'redis://127.0.0.1:6379/0';
const PG_VERSION = '15';
const DATA = '{"_auth_user_id":"9","big":12345678901234567890,"note":"survives restarts"}';

function quiet(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 30_000 });
  } catch {
    // redis-cli shutdown reports the dropped connection as an error; the state is checked below
  }
}

describe('faults: stores restarted mid-run', () => {
  it('Redis: 503 while down, answers again when it is back', async () => {
    const dj = await prepareDjango({ engine: 'cache', cache: REDIS });
    const c = await startCompanion([cacheStore(dj)]);
    try {
      const [w] = (await dj.tool(['write', '--data', DATA])).sessions;
      expect((await c.api(`/v1/sessions/${w.key}`)).status).toBe(200);

      const downAt = Date.now();
      quiet('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave']);
      const down = await c.api(`/v1/sessions/${w.key}`);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ok: false, code: 'ERR_STORE_UNAVAILABLE', store: expect.stringContaining('redis://') });
      const health = (await c.api(`/v1/health`)).body;
      expect(health).toMatchObject({ ok: false, stores: [{ reachable: false }] });
      // Still answering quickly, and more than once, while Redis is down.
      for (let i = 0; i < 3; i++) expect((await c.api(`/v1/sessions/${w.key}`)).status).toBe(503);

      ensureServices();
      const outage = Date.now() - downAt;
      expect(await waitFor(async () => (await c.api(`/v1/sessions/${w.key}`)).status !== 503, 15_000)).toBe(true);
      expect(outage).toBeLessThan(15_000);
      // Redis runs without persistence here, so the old entry is gone: Django writes a new one.
      expect((await c.api(`/v1/sessions/${w.key}`)).status).toBe(404);
      const [w2] = (await dj.tool(['write', '--data', DATA])).sessions;
      const django = await dj.tool(['load', '--key', w2.key]);
      const back = await c.api(`/v1/sessions/${w2.key}`);
      expect(back.status).toBe(200);
      expect(exact(back.body.data)).toBe(exact(django.data));
      expect((await c.api(`/v1/health`)).body).toMatchObject({ ok: true });
      expect(c.logs.join('\n')).toMatch(/redis:\/\/127\.0\.0\.1:6379\/0.* is unavailable/);
      expect(c.logs.join('\n')).toMatch(/is back/);
    } finally {
      ensureServices();
      await c.close();
      await dj.cleanup();
    }
  });

  it('PostgreSQL: 503 while down, the same session again when it is back', async () => {
    const dj = await prepareDjango({ engine: 'db', database: 'postgres' });
    const c = await startCompanion([databaseStore(dj)], ['--secret-key', DJANGO_SECRET_KEY]);
    try {
      const [w] = (await dj.tool(['write', '--data', DATA])).sessions;
      const before = await c.api(`/v1/sessions/${w.key}`);
      expect(before.status).toBe(200);
      expect(before.body.verified).toBe(true);

      const downAt = Date.now();
      try {
        quiet('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', 'stop', '-m', 'fast']);
        const down = await c.api(`/v1/sessions/${w.key}`);
        expect(down.status).toBe(503);
        expect(down.body).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', store: expect.stringContaining('postgres://') });
        expect((await c.api('/v1/sessions')).status).toBe(503);
      } finally {
        quiet('pg_ctlcluster', ['--skip-systemctl-redirect', PG_VERSION, 'main', 'start']);
        ensureServices();
      }
      expect(await waitFor(async () => (await c.api(`/v1/sessions/${w.key}`)).status === 200, 20_000)).toBe(true);
      expect(Date.now() - downAt).toBeLessThan(20_000);
      const after = await c.api(`/v1/sessions/${w.key}`);
      expect(after.body).toMatchObject({ found: true, verified: true, expired: false });
      expect(exact(after.body.data)).toBe(exact(before.body.data));
      expect(exact(after.body.data)).toBe(exact((await dj.tool(['load', '--key', w.key])).data));
    } finally {
      ensureServices();
      await c.close();
      await dj.cleanup();
    }
  });
});
