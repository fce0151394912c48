/**
 * The real Django fixture site (tests/fixtures/django) and its helper (tests/support/django.ts):
 * what other suites rely on, checked through plain fetch and sessions_tool.py.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DJANGO_DIR, DJANGO_PYTHON, prepareDjango, startDjango, djangoTool, type DjangoServer, type ToolLoadResult, type ToolWriteResult } from '../support/django.ts';

/** Set-Cookie lines of a response, by cookie name. */
function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const name = line.slice(0, line.indexOf('=')).trim();
    out.set(name, line.trim());
  }
  return out;
}

function cookieValue(line: string | undefined): string | undefined {
  if (line === undefined) return undefined;
  const first = line.split(';')[0] ?? '';
  return first.slice(first.indexOf('=') + 1);
}

describe('fixture site, db engine (SQLite)', () => {
  let dj: DjangoServer;
  beforeAll(async () => {
    dj = await startDjango({ engine: 'db' });
  });
  afterAll(async () => {
    await dj?.stop();
  });

  it('login sets a session cookie with Django defaults and rotates an anonymous session key', async () => {
    const anon = await fetch(`${dj.url}/set?key=cart&value=3`);
    const line0 = setCookies(anon).get('sessionid');
    expect(line0).toMatch(/^sessionid=[a-z0-9]{32};/);
    expect(line0).toMatch(/HttpOnly/);
    expect(line0).toMatch(/SameSite=Lax/);
    expect(line0).toMatch(/Max-Age=1209600/);
    expect(line0).not.toMatch(/Secure/);
    const key0 = cookieValue(line0)!;

    const login = await fetch(`${dj.url}/login?user=alice`, { headers: { cookie: `sessionid=${key0}` } });
    expect(login.status).toBe(200);
    const key1 = cookieValue(setCookies(login).get('sessionid'))!;
    expect(key1).toMatch(/^[a-z0-9]{32}$/);
    expect(key1).not.toBe(key0);
    expect(await login.text()).toContain(`<code id="session-key">${key1}</code>`);

    // The stored session is what Django's login wrote (cycle_key keeps the data).
    const loaded = (await djangoTool(['load', '--key', key1], { env: dj.env })) as ToolLoadResult;
    expect(loaded.found).toBe(true);
    expect(loaded.data.cart).toBe(3);
    expect(loaded.data._auth_user_backend).toBe('django.contrib.auth.backends.ModelBackend');
    expect(typeof loaded.data._auth_user_id).toBe('string');
    // The old key is gone.
    const old = (await djangoTool(['load', '--key', key0], { env: dj.env })) as ToolLoadResult;
    expect(old).toMatchObject({ found: false, exists: false });

    // Logging in as someone else flushes: a new key again, without the old data.
    const other = await fetch(`${dj.url}/login?user=carol`, { headers: { cookie: `sessionid=${key1}` } });
    const key2 = cookieValue(setCookies(other).get('sessionid'))!;
    expect(key2).toMatch(/^[a-z0-9]{32}$/);
    expect(key2).not.toBe(key1);
    const carol = (await djangoTool(['load', '--key', key2], { env: dj.env })) as ToolLoadResult;
    expect(carol.data.cart).toBeUndefined();

    // The same user again: the page rotates the key anyway.
    const again = await fetch(`${dj.url}/login?user=carol`, { headers: { cookie: `sessionid=${key2}` } });
    const key3 = cookieValue(setCookies(again).get('sessionid'))!;
    expect(key3).toMatch(/^[a-z0-9]{32}$/);
    expect(key3).not.toBe(key2);
  });

  it('logout clears the cookie and deletes the stored session', async () => {
    const login = await fetch(`${dj.url}/login?user=bob`);
    const key = cookieValue(setCookies(login).get('sessionid'))!;
    const out = await fetch(`${dj.url}/logout`, { headers: { cookie: `sessionid=${key}` } });
    const line = setCookies(out).get('sessionid');
    expect(line).toMatch(/^sessionid="";/);
    expect(line).toMatch(/expires=Thu, 01 Jan 1970 00:00:00 GMT/);
    const loaded = (await djangoTool(['load', '--key', key], { env: dj.env })) as ToolLoadResult;
    expect(loaded.found).toBe(false);
  });

  it('/html stores the HTML and the page shows it escaped', async () => {
    const res = await fetch(`${dj.url}/html`);
    const key = cookieValue(setCookies(res).get('sessionid'))!;
    const body = await res.text();
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<script>alert(1)</script>');
    expect(body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const loaded = (await djangoTool(['load', '--key', key], { env: dj.env })) as ToolLoadResult;
    expect(loaded.data).toEqual({
      html_img: '<img src=x onerror="document.title=\'pwned\'">',
      html_script: '<script>alert(1)</script>',
    });
  });

  it('/bad-cookies sends the four misconfigured cookies', async () => {
    const res = await fetch(`${dj.url}/bad-cookies`);
    const c = setCookies(res);
    expect(c.get('cross')).toBe('cross=1; Path=/; SameSite=None');
    expect(c.get('tracker')).toBe('tracker=1; Path=/');
    expect(c.get('__Host-bad')).toBe('__Host-bad=1; Path=/app');
    expect(c.get('wide')).toBe('wide=1; Domain=localhost; Path=/');
  });

  it('/set stores JSON values and plain strings; /touch re-sends the cookie', async () => {
    const a = await fetch(`${dj.url}/set?key=n&value=${encodeURIComponent('{"big":12345678901234567890}')}`);
    const key = cookieValue(setCookies(a).get('sessionid'))!;
    await fetch(`${dj.url}/set?key=s&value=not%20json`, { headers: { cookie: `sessionid=${key}` } });
    const touched = await fetch(`${dj.url}/touch`, { headers: { cookie: `sessionid=${key}` } });
    expect(cookieValue(setCookies(touched).get('sessionid'))).toBe(key);
    const loaded = (await djangoTool(['load', '--key', key], { env: dj.env })) as ToolLoadResult;
    expect(loaded.data).toEqual({ n: { big: 12345678901234567890n }, s: 'not json', touched: 1 });
  });

  it('/signed sets a signed cookie and a messages cookie that real Django verifies', async () => {
    const res = await fetch(`${dj.url}/signed`);
    const c = setCookies(res);
    const pref = cookieValue(c.get('pref'))!;
    expect(pref).toMatch(/^dark:[0-9A-Za-z]+:[A-Za-z0-9_-]{43}$/);
    expect(cookieValue(c.get('messages'))).toMatch(/:[A-Za-z0-9_-]{43}$/);
    // set_signed_cookie: key "django.http.cookies" + SECRET_KEY, salt = name + salt. Not a dumps() value.
    const bad = await djangoTool(['verify-signed', '--value', pref, '--salt', 'prefui'], { env: dj.env });
    expect(bad).toMatchObject({ ok: false, error: 'BadSignature' });
  });

  it('the DevTools probe is a 404 that never creates a session', async () => {
    const res = await fetch(`${dj.url}/.well-known/appspecific/com.chrome.devtools.json`);
    expect(res.status).toBe(404);
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('sessions_tool write/load round-trips through the real SessionStore (SQLite)', async () => {
    const data = { user: 'héllo 😀', big: 12345678901234567890n, neg: -(2n ** 70n), nested: { a: [1, 2.5, null, true] } };
    const json = '{"user":"héllo 😀","big":12345678901234567890,"neg":-1180591620717411303424,"nested":{"a":[1,2.5,null,true]}}';
    const written = (await djangoTool(['write', '--data', json, '--count', '2'], { env: dj.env })) as ToolWriteResult;
    expect(written.sessions).toHaveLength(2);
    for (const s of written.sessions) {
      expect(s.key).toMatch(/^[a-z0-9]{32}$/);
      expect(s.data).toEqual(data);
      expect(Date.parse(s.expire_date)).toBeGreaterThan(Date.now());
      const loaded = (await djangoTool(['load', '--key', s.key], { env: dj.env })) as ToolLoadResult;
      expect(loaded).toEqual({ found: true, exists: true, data });
    }
    const { keys } = (await djangoTool(['keys'], { env: dj.env })) as { keys: string[] };
    expect(keys).toEqual(expect.arrayContaining(written.sessions.map((s) => s.key)));

    const expired = (await djangoTool(['write', '--data', '{"e":1}', '--expired'], { env: dj.env })) as ToolWriteResult;
    const e = expired.sessions[0]!;
    expect(Date.parse(e.expire_date)).toBeLessThan(Date.now());
    expect(await djangoTool(['load', '--key', e.key], { env: dj.env })).toEqual({ found: false, exists: true, data: {} });
  });

  it('sessions_tool fails with a typed message, not a stack trace', async () => {
    await expect(djangoTool(['write', '--data', '{}', '--pickle-extra'], { env: dj.env })).rejects.toThrow(
      /TypeError: the serializer cannot store this data/,
    );
  });
});

describe('fixture site, signed_cookies engine', () => {
  let dj: DjangoServer;
  beforeAll(async () => {
    dj = await startDjango({ engine: 'signed_cookies', env: { SL_SESSION_COOKIE_SECURE: '1', SL_SESSION_COOKIE_SAMESITE: 'Strict' } });
  });
  afterAll(async () => {
    await dj?.stop();
  });

  it('the session cookie is the signed session itself, and real Django reads it back', async () => {
    const res = await fetch(`${dj.url}/login?user=alice`);
    const line = setCookies(res).get('sessionid');
    expect(line).toMatch(/; Secure/);
    expect(line).toMatch(/SameSite=Strict/);
    const value = cookieValue(line)!;
    expect(value).toMatch(/^[A-Za-z0-9_.-]+:[0-9A-Za-z]+:[A-Za-z0-9_-]{43}$/);
    const verified = await djangoTool(
      ['verify-signed', '--value', value, '--salt', 'django.contrib.sessions.backends.signed_cookies'],
      { env: dj.env },
    );
    expect(verified.ok).toBe(true);
    expect(verified.data._auth_user_backend).toBe('django.contrib.auth.backends.ModelBackend');
    const loaded = (await djangoTool(['load', '--key', value], { env: dj.env })) as ToolLoadResult;
    expect(loaded.found).toBe(true);
    expect(loaded.data).toEqual(verified.data);
  });

  it('logout clears the cookie', async () => {
    const login = await fetch(`${dj.url}/login?user=alice`);
    const value = cookieValue(setCookies(login).get('sessionid'))!;
    const out = await fetch(`${dj.url}/logout`, { headers: { cookie: `sessionid=${value}` } });
    expect(setCookies(out).get('sessionid')).toMatch(/^sessionid="";.*expires=Thu, 01 Jan 1970/);
  });

  it('sessions_tool write returns the cookie value as the key', async () => {
    const written = (await djangoTool(['write', '--data', '{"a":1}'], { env: dj.env })) as ToolWriteResult;
    const s = written.sessions[0]!;
    expect(s.key).toMatch(/^eyJhIjoxfQ:[0-9A-Za-z]+:[A-Za-z0-9_-]{43}$/);
    expect(await djangoTool(['load', '--key', s.key], { env: dj.env })).toEqual({ found: true, exists: false, data: { a: 1 } });
  });
});

describe('sessions_tool on the cache engine (redis, pickled by django-redis)', () => {
  it('writes Python-only values, lists the keys under its own prefix, and cleanup removes them', async () => {
    const dj = await prepareDjango({ engine: 'cache', cache: 'redis://127.0.0.1:6379/3' });
    const prefix = dj.env.SL_CACHE_KEY_PREFIX!;
    expect(prefix).toMatch(/^sl_[0-9a-f]{12}$/);
    const redis = new Redis('redis://127.0.0.1:6379/3');
    try {
      const written = (await dj.tool(['write', '--data', '{"a":1}', '--pickle-extra', '--count', '2'])) as ToolWriteResult;
      const keys = written.sessions.map((s) => s.key).sort();
      expect((await dj.tool(['keys'])).keys).toEqual(keys);
      expect(written.sessions[0]!.data).toMatchObject({
        a: 1,
        py_bigint: 12345678901234567890n,
        py_set: { $py: 'set', items: [1, 2, 3] },
        py_uuid: { $py: 'uuid.UUID', value: '12345678-1234-5678-1234-567812345678' },
      });
      const loaded = (await dj.tool(['load', '--key', keys[0]!])) as ToolLoadResult;
      expect(loaded.found).toBe(true);
      expect(loaded.data).toEqual(written.sessions.find((s) => s.key === keys[0])!.data);
      // Django's key function: KEY_PREFIX:VERSION:key
      expect((await redis.keys(`${prefix}:*`)).sort()).toEqual(keys.map((k) => `${prefix}:1:django.contrib.sessions.cache${k}`));
    } finally {
      await dj.cleanup();
    }
    try {
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });
});

describe('fresh databases per call (PostgreSQL, MariaDB)', () => {
  async function databases(kind: 'postgres' | 'mysql'): Promise<string[]> {
    if (kind === 'postgres') {
      const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        return (await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'sl\\_%'")).rows.map((r) => r.datname);
      } finally {
        await client.end();
      }
    }
    const conn = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', password: '' });
    try {
      const [rows] = await conn.query<mysql.RowDataPacket[]>("SHOW DATABASES LIKE 'sl\\_%'");
      return rows.map((r) => String(Object.values(r)[0]));
    } finally {
      await conn.end();
    }
  }

  it.each(['postgres', 'mysql'] as const)('%s: migrated, used by sessions_tool, dropped on cleanup', async (kind) => {
    const dj = await prepareDjango({ engine: 'db', database: kind });
    const name = new URL(dj.database).pathname.slice(1);
    expect(name).toMatch(/^sl_[0-9a-f]{12}$/);
    try {
      expect(await databases(kind)).toContain(name);
      const written = (await dj.tool(['write', '--data', '{"big":12345678901234567890,"u":"😀"}'])) as ToolWriteResult;
      const key = written.sessions[0]!.key;
      expect((await dj.tool(['keys'])).keys).toEqual([key]);
      expect(await dj.tool(['load', '--key', key])).toEqual({ found: true, exists: true, data: { big: 12345678901234567890n, u: '😀' } });
    } finally {
      await dj.cleanup();
    }
    expect(await databases(kind)).not.toContain(name);
  });
});

describe('djangoTool without a prepared environment', () => {
  it('verify-signed runs on a throwaway store and honours secretKey', async () => {
    const vectors = JSON.parse(readFileSync(new URL('../fixtures/vectors/django.json', import.meta.url), 'utf8')) as {
      decode: { name: string; value: string; keys: string[] }[];
    };
    const v = vectors.decode.find((e) => e.name === 'dumps/default-salt')!;
    expect(await djangoTool(['verify-signed', '--value', v.value])).toMatchObject({ ok: false, error: 'BadSignature' });
    expect(await djangoTool(['verify-signed', '--value', v.value], { secretKey: v.keys[0]! })).toEqual({
      ok: true,
      data: { hello: 'world' },
      error: null,
      message: null,
    });
    await expect(djangoTool(['write', '--data', '{}'], { database: 'postgres' })).rejects.toThrow(/prepareDjango/);
  });
});

describe('golden vectors', () => {
  it('tests/fixtures/vectors/django.json is exactly what make_vectors.py and the real Django write', () => {
    const res = spawnSync(DJANGO_PYTHON, [join(DJANGO_DIR, 'make_vectors.py'), '--check'], { encoding: 'utf8', timeout: 60_000 });
    expect(res.stdout).toMatch(/is up to date: \d+ decode, \d+ sign, \d+ legacy/);
    expect(res.status).toBe(0);
  });
});
