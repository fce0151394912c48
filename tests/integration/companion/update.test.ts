/**
 * `PUT /v1/sessions/{key}` with `--allow-write`: the companion writes the new session dict back into
 * every real store in Django's own format (signed session_data for databases and files, the pickled
 * dict for caches), keeps the expiry, and Django's own `SessionStore(key).load()` returns exactly the
 * new data. Where the store's serializer cannot hold the data exactly, it refuses and writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseExactJson, parseJson, stringifyJson } from '../../../lib/codec/index.ts';
import { prepareDjango, DJANGO_SECRET_KEY, type DjangoEnv, type DjangoOptions } from '../../support/django.ts';
import { cacheStore, databaseStore, exact, fileStore, startCompanion, type Companion } from './helpers.ts';

const REDIS = 'redis://127.0.0.1:6379/0';
const MEMCACHED = 'memcached://127.0.0.1:11211';

const BEFORE = '{"_auth_user_id":"42","cart":[{"sku":"ünïcødé","qty":3}],"big":12345678901234567890,"html":"<b>x</b>"}';
/** Switch the user, empty the cart, a bigger big int, a whole float, a new key, `html` removed. */
const AFTER = '{"_auth_user_id":"7","cart":[],"big":98765432109876543210,"whole":1.0,"added":"✓ é"}';

interface Case {
  name: string;
  django: DjangoOptions;
  stores: (dj: DjangoEnv) => string[];
  /** How far apart the expiry before and after may be (ms); `null`: the store does not say. */
  expirySlack: number | null;
  /** Whether the store holds a pickle (a tuple is writable there). */
  pickle: boolean;
}

const CASES: Case[] = [
  { name: 'db on SQLite', django: { engine: 'db' }, stores: (dj) => [databaseStore(dj)], expirySlack: 0, pickle: false },
  { name: 'db on PostgreSQL', django: { engine: 'db', database: 'postgres' }, stores: (dj) => [databaseStore(dj)], expirySlack: 0, pickle: false },
  { name: 'db on MariaDB', django: { engine: 'db', database: 'mysql' }, stores: (dj) => [databaseStore(dj)], expirySlack: 0, pickle: false },
  { name: 'file', django: { engine: 'file' }, stores: (dj) => [fileStore(dj)], expirySlack: 0, pickle: false },
  { name: 'cache on Redis (django-redis)', django: { engine: 'cache', cache: REDIS }, stores: (dj) => [cacheStore(dj)], expirySlack: 3000, pickle: true },
  { name: 'cache on memcached (PyMemcacheCache)', django: { engine: 'cache', cache: MEMCACHED }, stores: (dj) => [cacheStore(dj)], expirySlack: null, pickle: true },
  { name: 'cached_db on Redis + SQLite', django: { engine: 'cached_db', cache: REDIS }, stores: (dj) => [cacheStore(dj), databaseStore(dj)], expirySlack: 3000, pickle: false },
  { name: 'cached_db on memcached + PostgreSQL', django: { engine: 'cached_db', cache: MEMCACHED, database: 'postgres' }, stores: (dj) => [cacheStore(dj), databaseStore(dj)], expirySlack: 0, pickle: false },
];

const put = (c: Companion, key: string, body: string, headers: Record<string, string> = {}) =>
  c.api(`/v1/sessions/${key}`, { method: 'PUT', body, headers: { 'content-type': 'application/json', ...headers } });

describe.each(CASES)('PUT on $name', (c) => {
  let dj: DjangoEnv;
  let companion: Companion;

  beforeAll(async () => {
    dj = await prepareDjango(c.django);
    companion = await startCompanion(c.stores(dj), ['--allow-write'], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
  });
  afterAll(async () => {
    await companion?.close();
    await dj?.cleanup();
  });

  it('writes the new data; Django loads exactly it, expiry unchanged', async () => {
    const [s] = (await dj.tool(['write', '--data', BEFORE, '--count', '2'])).sessions;
    const before = (await companion.api(`/v1/sessions/${s.key}`)).body;
    const r = await put(companion, s.key, `{"data":${AFTER}}`);
    expect(r.status, r.text).toBe(200);
    expect(r.body.key).toBe(s.key);
    expect(r.body.updated).toHaveLength(c.name.startsWith('cached_db') ? 2 : 1);

    const django = await dj.tool(['load', '--key', s.key]);
    expect(django.found).toBe(true);
    expect(exact(django.data)).toBe(exact(parseExactJson(AFTER)));
    if (c.name.startsWith('cached_db')) {
      // The row too, not just the cache entry: read the database alone, signed with the SECRET_KEY.
      const dbOnly = await startCompanion([databaseStore(dj)], [], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
      try {
        const row = (await dbOnly.api(`/v1/sessions/${s.key}`)).body;
        expect(row.verified).toBe(true);
        expect(exact(row.data)).toBe(exact(parseExactJson(AFTER)));
      } finally {
        await dbOnly.close();
      }
    }
    const after = (await companion.api(`/v1/sessions/${s.key}`)).body;
    expect(exact(after.data)).toBe(exact(parseExactJson(AFTER)));
    expect(after.expired).toBe(false);
    if (c.expirySlack !== null) expect(Math.abs(Date.parse(after.expireDate) - Date.parse(before.expireDate))).toBeLessThanOrEqual(c.expirySlack);
  });

  it('refuses a value the serializer cannot hold exactly (422), and writes nothing', async () => {
    const [s] = (await dj.tool(['write', '--data', BEFORE])).sessions;
    const value = c.pickle ? '{"$py":"datetime.datetime","value":"2026-01-01T00:00:00+00:00"}' : '{"$py":"tuple","items":[1,"a"]}';
    const r = await put(companion, s.key, `{"data":{"v":${value}}}`);
    expect(r.status).toBe(422);
    expect(r.body).toMatchObject({ ok: false, code: 'ERR_UNWRITABLE_VALUE' });
    expect(r.text).not.toContain('2026-01-01');
    expect(exact((await dj.tool(['load', '--key', s.key])).data)).toBe(exact(parseExactJson(BEFORE)));
  });

  it.runIf(c.pickle)('a tuple goes into a pickle exactly', async () => {
    const [s] = (await dj.tool(['write', '--data', BEFORE])).sessions;
    const data = '{"t":{"$py":"tuple","items":[1,"a",2.5]},"n":null}';
    expect((await put(companion, s.key, `{"data":${data}}`)).status).toBe(200);
    // The tool prints Python's tuple as {"$py": "tuple", …}: compare with the text as plain JSON.
    expect(exact((await dj.tool(['load', '--key', s.key])).data)).toBe(exact(parseJson(data)));
  });

  it('404 for a key no store has; nothing is created', async () => {
    const key = '0123456789abcdefghijklmnopqrstuv';
    const r = await put(companion, key, '{"data":{"a":1}}');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ key, found: false });
    expect((await dj.tool(['load', '--key', key])).exists).toBe(false);
  });
});

describe('PUT refusals against Django-written data', () => {
  it('PickleSerializer session_data: 409 ERR_NOT_WRITABLE, the row untouched', async () => {
    const dj = await prepareDjango({ engine: 'db', serializer: 'pickle' });
    const c = await startCompanion([databaseStore(dj)], ['--allow-write'], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
    try {
      const [s] = (await dj.tool(['write', '--data', BEFORE, '--pickle-extra'])).sessions;
      const before = await dj.tool(['load', '--key', s.key]);
      const r = await put(c, s.key, '{"data":{"a":1}}');
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ ok: false, code: 'ERR_NOT_WRITABLE', message: expect.stringContaining('PickleSerializer') });
      expect(exact((await dj.tool(['load', '--key', s.key])).data)).toBe(exact(before.data));
    } finally {
      await c.close();
      await dj.cleanup();
    }
  });

  it('no SECRET_KEY: 409 ERR_NO_SECRET_KEY; a wrong one: 409 ERR_NOT_WRITABLE (Django would not load it)', async () => {
    const dj = await prepareDjango({ engine: 'file' });
    const none = await startCompanion([fileStore(dj)], ['--allow-write']);
    const wrong = await startCompanion([fileStore(dj)], ['--allow-write'], { SESSION_LENS_SECRET_KEY: 'not-the-key' });
    try {
      const [s] = (await dj.tool(['write', '--data', BEFORE])).sessions;
      expect((await put(none, s.key, '{"data":{"a":1}}')).body).toMatchObject({ code: 'ERR_NO_SECRET_KEY' });
      const r = await put(wrong, s.key, '{"data":{"a":1}}');
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ code: 'ERR_NOT_WRITABLE' });
      expect(r.text).not.toContain('not-the-key');
      expect(exact((await dj.tool(['load', '--key', s.key])).data)).toBe(exact(parseExactJson(BEFORE)));
    } finally {
      await none.close();
      await wrong.close();
      await dj.cleanup();
    }
  });

  it('a read-only server: 405 ERR_READ_ONLY, nothing read from the body', async () => {
    const dj = await prepareDjango({ engine: 'db' });
    const c = await startCompanion([databaseStore(dj)], [], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
    try {
      const [s] = (await dj.tool(['write', '--data', BEFORE])).sessions;
      const r = await put(c, s.key, stringifyJson({ data: { a: 1 } }));
      expect(r.status).toBe(405);
      expect(r.body).toMatchObject({ code: 'ERR_READ_ONLY' });
      expect(exact((await dj.tool(['load', '--key', s.key])).data)).toBe(exact(parseExactJson(BEFORE)));
    } finally {
      await c.close();
      await dj.cleanup();
    }
  });
});
