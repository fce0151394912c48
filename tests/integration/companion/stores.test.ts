/**
 * The companion against every store, filled by the real Django 3.2 fixture site through its own
 * session engines (tests/fixtures/django/sessions_tool.py): what the API returns must be exactly
 * what Django's `SessionStore(key).load()` returns, expired sessions marked expired.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDjango, DJANGO_SECRET_KEY, type DjangoEnv, type DjangoOptions } from '../../support/django.ts';
import { cacheStore, databaseStore, exact, fileStore, startCompanion, type Companion } from './helpers.ts';

/** Session data with the values that go wrong most easily: big ints, floats, unicode, nesting. */
const DATA = {
  _auth_user_id: '42',
  _auth_user_backend: 'django.contrib.auth.backends.ModelBackend',
  _auth_user_hash: 'a'.repeat(64),
  cart: [{ sku: 'ünïcødé ✓', qty: 3, price: 19.99 }, null, true],
  big: '__BIG__',
  neg: '__NEG__',
  zero: 0.0,
  nested: { deep: { deeper: ['x', 1e-7, { '': 'empty key' }] } },
  html: '<script>alert(1)</script>',
};
// 12345678901234567890 must reach Django as a Python int, not a rounded double.
const DATA_JSON = JSON.stringify(DATA).replace('"__BIG__"', '12345678901234567890').replace('"__NEG__"', '-9007199254740993');

interface Case {
  name: string;
  django: DjangoOptions;
  stores: (dj: DjangoEnv) => string[];
  /** The cache engines keep no signature: data is `verified: null` there. */
  signed: boolean;
  /** Python-only values (datetime, Decimal, set, bytes, tuple, UUID) survive here. */
  pickle: boolean;
  /** Whether the store can list sessions. */
  lists: boolean;
}

const REDIS = 'redis://127.0.0.1:6379/0';
const MEMCACHED = 'memcached://127.0.0.1:11211';

const CASES: Case[] = [
  { name: 'db on SQLite', django: { engine: 'db' }, stores: (dj) => [databaseStore(dj)], signed: true, pickle: false, lists: true },
  { name: 'db on SQLite, PickleSerializer', django: { engine: 'db', serializer: 'pickle' }, stores: (dj) => [databaseStore(dj)], signed: true, pickle: true, lists: true },
  { name: 'db on PostgreSQL', django: { engine: 'db', database: 'postgres' }, stores: (dj) => [databaseStore(dj)], signed: true, pickle: false, lists: true },
  { name: 'db on MariaDB', django: { engine: 'db', database: 'mysql' }, stores: (dj) => [databaseStore(dj)], signed: true, pickle: false, lists: true },
  { name: 'file', django: { engine: 'file' }, stores: (dj) => [fileStore(dj)], signed: true, pickle: false, lists: true },
  { name: 'cache on Redis (django-redis)', django: { engine: 'cache', cache: REDIS }, stores: (dj) => [cacheStore(dj)], signed: false, pickle: true, lists: true },
  { name: 'cache on memcached (PyMemcacheCache)', django: { engine: 'cache', cache: MEMCACHED }, stores: (dj) => [cacheStore(dj)], signed: false, pickle: true, lists: false },
  { name: 'cached_db on Redis + SQLite', django: { engine: 'cached_db', cache: REDIS }, stores: (dj) => [cacheStore(dj), databaseStore(dj)], signed: false, pickle: false, lists: true },
  { name: 'cached_db on memcached + PostgreSQL', django: { engine: 'cached_db', cache: MEMCACHED, database: 'postgres' }, stores: (dj) => [cacheStore(dj), databaseStore(dj)], signed: false, pickle: false, lists: true },
];

interface Written {
  key: string;
  expire_date: string;
}

describe.each(CASES)('$name', (c) => {
  let dj: DjangoEnv;
  let companion: Companion;
  let fresh: Written[];
  let extra: Written | undefined;
  let expired: Written;

  beforeAll(async () => {
    dj = await prepareDjango(c.django);
    fresh = (await dj.tool(['write', '--data', DATA_JSON, '--count', '2'])).sessions;
    if (c.pickle) extra = (await dj.tool(['write', '--data', DATA_JSON, '--pickle-extra'])).sessions[0];
    expired = (await dj.tool(['write', '--data', '{"stale":true}', '--expired'])).sessions[0];
    companion = await startCompanion(c.stores(dj), ['--secret-key', DJANGO_SECRET_KEY]);
  });
  afterAll(async () => {
    await companion?.close();
    await dj?.cleanup();
  });

  it('serves exactly what Django loads', async () => {
    const written = [...fresh, ...(extra ? [extra] : [])];
    for (const w of written) {
      const django = await dj.tool(['load', '--key', w.key]);
      expect(django.found).toBe(true);
      const r = await companion.api(`/v1/sessions/${w.key}`);
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ key: w.key, found: true, expired: false, verified: c.signed ? true : null });
      expect(r.body.error).toBeUndefined();
      expect(exact(r.body.data)).toBe(exact(django.data));
    }
    const text = exact((await companion.api(`/v1/sessions/${fresh[0]!.key}`)).body.data);
    expect(text).toContain('"big":12345678901234567890,"neg":-9007199254740993,');
  });

  it('reports the expiry the store keeps', async () => {
    const r = await companion.api(`/v1/sessions/${fresh[0]!.key}`);
    const want = Date.parse(fresh[0]!.expire_date);
    if (c.name.startsWith('cache on memcached')) {
      expect(r.body.expireDate).toBeNull(); // memcached does not tell a key's TTL
    } else {
      // db/file: the stored date (to the millisecond); cache: now + TTL, within a few seconds.
      expect(Math.abs(Date.parse(r.body.expireDate) - want)).toBeLessThan(c.signed || c.name.startsWith('cached_db') ? 1500 : 5000);
    }
  });

  it('marks an expired session expired', async () => {
    // Asked first: Django's file engine deletes an expired session's file when it loads it.
    const r = await companion.api(`/v1/sessions/${expired.key}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ found: true, expired: true });
    expect(r.body.data).toMatchObject({ stale: true, _session_expiry: -3600 });
    const django = await dj.tool(['load', '--key', expired.key]);
    if (c.django.engine === 'cache') {
      // The cache engine's load() returns whatever the cache holds, expired or not: the same data.
      expect(django.found).toBe(true);
      expect(exact(r.body.data)).toBe(exact(django.data));
    } else {
      expect(django.found).toBe(false); // db, file, cached_db: Django treats it as empty
    }
  });

  it('404 for a key Django does not know', async () => {
    const r = await companion.api('/v1/sessions/0123456789abcdefghijklmnopqrstuv');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ key: '0123456789abcdefghijklmnopqrstuv', found: false });
  });

  it('lists the sessions where the store can', async () => {
    const r = await companion.api('/v1/sessions?limit=50');
    expect(r.status).toBe(200);
    if (!c.lists) {
      expect(r.body.sessions).toEqual([]);
      expect(r.body.unlisted).toEqual([{ store: expect.stringContaining('memcached://'), reason: 'ERR_LIST_UNSUPPORTED' }]);
      return;
    }
    const keys = r.body.sessions.map((s: { key: string }) => s.key);
    for (const w of fresh) expect(keys).toContain(w.key);
    const row = r.body.sessions.find((s: { key: string }) => s.key === fresh[0]!.key);
    expect(row).toMatchObject({ userId: '42', expired: false });
    expect((await companion.api('/v1/sessions?limit=1')).body.sessions).toHaveLength(1);
  });

  it('health: every store reachable', async () => {
    const h = (await companion.api(`/v1/health`)).body;
    expect(h.ok).toBe(true);
    expect(h.stores.length).toBe(c.stores(dj).length);
    for (const s of h.stores) expect(s.reachable).toBe(true);
  });
});

describe('db on SQLite without a secret key', () => {
  it('shows the data unverified; a wrong key shows it as not verifying', async () => {
    const dj = await prepareDjango({ engine: 'db' });
    try {
      const [w] = (await dj.tool(['write', '--data', DATA_JSON])).sessions;
      for (const [flags, verified] of [
        [[], null],
        [['--secret-key', 'some-other-secret-key'], false],
        [['--secret-key', 'old-rotated-key', '--secret-key', DJANGO_SECRET_KEY], true],
      ] as const) {
        const companion = await startCompanion([databaseStore(dj)], [...flags]);
        try {
          const r = await companion.api(`/v1/sessions/${w.key}`);
          expect(r.body).toMatchObject({ found: true, verified });
          expect(r.body.data).toMatchObject({ _auth_user_id: '42' });
        } finally {
          await companion.close();
        }
      }
    } finally {
      await dj.cleanup();
    }
  });
});

describe('cached_db: the database answers when the cache has no entry', () => {
  it('serves a session whose cache entry was evicted, from the database row', async () => {
    const dj = await prepareDjango({ engine: 'cached_db', cache: REDIS });
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS);
    try {
      const [w] = (await dj.tool(['write', '--data', DATA_JSON])).sessions;
      const cacheKey = `${dj.env.SL_CACHE_KEY_PREFIX}:1:django.contrib.sessions.cached_db${w.key}`;
      expect(await redis.exists(cacheKey)).toBe(1);
      const companion = await startCompanion([cacheStore(dj), databaseStore(dj)], ['--secret-key', DJANGO_SECRET_KEY]);
      try {
        const fromCache = await companion.api(`/v1/sessions/${w.key}`);
        expect(fromCache.body).toMatchObject({ store: expect.stringContaining('redis://'), verified: null });
        await redis.del(cacheKey); // an eviction
        const fromDb = await companion.api(`/v1/sessions/${w.key}`);
        expect(fromDb.body).toMatchObject({ store: expect.stringContaining('sqlite://'), verified: true });
        expect(exact(fromDb.body.data)).toBe(exact(fromCache.body.data));
        // The companion never refills the cache (Django's load() would; we are read-only).
        expect(await redis.exists(cacheKey)).toBe(0);
      } finally {
        await companion.close();
      }
    } finally {
      redis.disconnect();
      await dj.cleanup();
    }
  });
});

describe('a real login on the running fixture site', () => {
  it('the companion shows the session Django created for the sessionid cookie', async () => {
    const { startDjango } = await import('../../support/django.ts');
    const site = await startDjango({ engine: 'db' });
    try {
      const res = await fetch(`${site.url}/login?user=alice`);
      expect(res.status).toBe(200);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('sessionid='));
      const key = /^sessionid=([a-z0-9]{32});/.exec(cookie ?? '')?.[1];
      expect(key).toBeDefined();
      const companion = await startCompanion([databaseStore(site)], ['--secret-key', DJANGO_SECRET_KEY]);
      try {
        const r = await companion.api(`/v1/sessions/${key}`);
        const django = await site.tool(['load', '--key', key!]);
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ found: true, verified: true, expired: false, data: { _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' } });
        expect(exact(r.body.data)).toBe(exact(django.data));
        const list = await companion.api('/v1/sessions');
        expect(list.body.sessions).toContainEqual(expect.objectContaining({ key, userId: django.data._auth_user_id }));
      } finally {
        await companion.close();
      }
    } finally {
      await site.stop();
    }
  });
});

describe('an oversized session_data row', () => {
  it.each(['sqlite', 'postgres', 'mysql'])('%s: reported as too large, never read whole', async (database) => {
    const dj = await prepareDjango({ engine: 'db', database });
    const key = 'oversized0123456789abcdefghijklm';
    const huge = 'x'.repeat(2 * 1024 * 1024);
    const expire = '2099-01-01 00:00:00';
    try {
      // The test itself plants the row (Django would never write one this large).
      if (database === 'sqlite') {
        const { default: Database } = await import('better-sqlite3');
        const db = new Database(dj.database.replace(/^sqlite:\/+/, '/'));
        db.prepare('INSERT INTO django_session VALUES (?, ?, ?)').run(key, huge, expire);
        db.close();
      } else if (database === 'postgres') {
        const { default: pg } = await import('pg');
        const client = new pg.Client({ connectionString: dj.database });
        await client.connect();
        await client.query('INSERT INTO django_session VALUES ($1, $2, $3)', [key, huge, `${expire}+00`]);
        await client.end();
      } else {
        const { default: mysql } = await import('mysql2/promise');
        const conn = await mysql.createConnection({ uri: dj.database });
        await conn.query('SET SESSION max_allowed_packet = 16777216').catch(() => {});
        await conn.execute('INSERT INTO django_session VALUES (?, ?, ?)', [key, huge, expire]);
        await conn.end();
      }
      const c = await startCompanion([databaseStore(dj)], ['--secret-key', DJANGO_SECRET_KEY]);
      try {
        const r = await c.api(`/v1/sessions/${key}`);
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ key, found: true, expired: false, data: null, error: { code: 'ERR_LIMIT_EXCEEDED' } });
        expect(r.text.length).toBeLessThan(1000);
      } finally {
        await c.close();
      }
    } finally {
      await dj.cleanup();
    }
  });
});
