/**
 * `--allow-write`: DELETE removes a session from every store that has it, and Django agrees it is
 * gone. (Without the flag nothing is ever written: security.test.ts.)
 */
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { prepareDjango, DJANGO_SECRET_KEY } from '../../support/django.ts';
import { cacheStore, databaseStore, fileStore, startCompanion } from './helpers.ts';

const REDIS = 'redis://127.0.0.1:6379/0';

describe('DELETE with --allow-write', () => {
  it('cached_db on Redis + SQLite: the cache entry and the row go; Django loads nothing', async () => {
    const dj = await prepareDjango({ engine: 'cached_db', cache: REDIS });
    const redis = new Redis(REDIS);
    const c = await startCompanion([cacheStore(dj), databaseStore(dj)], ['--allow-write', '--secret-key', DJANGO_SECRET_KEY]);
    try {
      const [keep, gone] = (await dj.tool(['write', '--data', '{"a":1}', '--count', '2'])).sessions;
      const cacheKey = `${dj.env.SL_CACHE_KEY_PREFIX}:1:django.contrib.sessions.cached_db${gone.key}`;
      expect(await redis.exists(cacheKey)).toBe(1);
      const r = await c.api(`/v1/sessions/${gone.key}`, { method: 'DELETE' });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ key: gone.key, deleted: [expect.stringMatching(/^redis:\/\/.* \+ sqlite:\/\//)] });
      expect(await redis.exists(cacheKey)).toBe(0);
      expect((await dj.tool(['load', '--key', gone.key])).found).toBe(false);
      expect((await dj.tool(['keys'])).keys).toEqual([keep.key]);
      expect((await c.api(`/v1/sessions/${gone.key}`)).status).toBe(404);
      // Deleting again: nothing left to delete.
      expect((await c.api(`/v1/sessions/${gone.key}`, { method: 'DELETE' })).body).toEqual({ key: gone.key, deleted: [] });
      expect((await c.api(`/v1/sessions/${keep.key}`)).status).toBe(200);
    } finally {
      await c.close();
      redis.disconnect();
      await dj.cleanup();
    }
  });

  it('file: the session file goes', async () => {
    const dj = await prepareDjango({ engine: 'file' });
    const c = await startCompanion([fileStore(dj)], ['--allow-write']);
    try {
      const [s] = (await dj.tool(['write', '--data', '{"a":1}'])).sessions;
      expect((await c.api(`/v1/sessions/${s.key}`, { method: 'DELETE' })).body.deleted).toHaveLength(1);
      expect((await dj.tool(['keys'])).keys).toEqual([]);
    } finally {
      await c.close();
      await dj.cleanup();
    }
  });

  it('PostgreSQL: the row goes (the connection is read-write only with the flag)', async () => {
    const dj = await prepareDjango({ engine: 'db', database: 'postgres' });
    const c = await startCompanion([databaseStore(dj)], ['--allow-write']);
    try {
      const [s] = (await dj.tool(['write', '--data', '{"a":1}'])).sessions;
      expect((await c.api(`/v1/sessions/${s.key}`, { method: 'DELETE' })).status).toBe(200);
      expect((await dj.tool(['keys'])).keys).toEqual([]);
      const health = (await c.api(`/v1/health`)).body;
      expect(health.readOnly).toBe(false);
    } finally {
      await c.close();
      await dj.cleanup();
    }
  });
});
