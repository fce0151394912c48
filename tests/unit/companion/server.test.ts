import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dumps, parseJson } from '../../../lib/codec/index.ts';
import type { CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import type { StoredSession } from '../../../lib/companion/stores/types.ts';
import {
  ErrorResponseSchema,
  HealthResponseSchema,
  SessionFoundResponseSchema,
  SessionListResponseSchema,
  SessionNotFoundResponseSchema,
} from '../../../lib/protocol/index.ts';
import { rawRequest } from './http.ts';
import { MemoryStore } from './memory-store.ts';

const SECRET = 'django-insecure-unit-test-secret-key-0123456789abcdefghij';
const SALT = 'django.contrib.sessions.SessionStore';
const TOKEN = 'unit-test-token-0123456789';
const KEY = 'abcdefghij0123456789abcdefghij01';
const OTHER = 'zzzzzzzzzz0123456789zzzzzzzzzz99';
const TYPED = 'typedtypedtyped0123456789typed00';
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);

const baseConfig = (over: Partial<CompanionConfig> = {}): CompanionConfig => ({
  stores: [{ kind: 'sqlite', name: 'memory://a', path: '/dev/null', table: 'django_session' }],
  secretKeys: [SECRET],
  host: '127.0.0.1',
  port: 0,
  token: TOKEN,
  allowWrite: false,
  allowOrigins: ['http://localhost:5173'],
  allowHosts: [],
  timeoutMs: 1000,
  rateLimit: 100_000,
  verbose: true,
  ...over,
});

const auth = { authorization: `Bearer ${TOKEN}` };
/** What Python's json.dumps prints for {'z': 1, '2': 'two', 'f': 1.0, 'nz': -0.0, 'e': 1e16}. */
const EXACT = '{"z":1,"2":"two","f":1.0,"nz":-0.0,"e":1e+16}';

async function signedRow(data: Record<string, unknown>, expire: Date, key = SECRET, store = 'memory://a'): Promise<StoredSession> {
  // Django 3.1+ session_data: signing.dumps(session, salt=SALT, compress=True) with the JSON serializer.
  const text = await dumps(data as never, { key, salt: SALT, compress: true, timestamp: Math.floor(NOW / 1000) });
  return { format: 'session_data', store, text, expiry: { kind: 'date', date: expire } };
}

describe('companion server (in-memory store)', () => {
  let server: CompanionServer;
  let store: MemoryStore;
  const logs: string[] = [];

  beforeAll(async () => {
    store = new MemoryStore();
    store.entries.set(KEY, await signedRow({ _auth_user_id: '7', big: 12345678901234567890n, cart: [1, 'two'] }, new Date(NOW + 3600_000)));
    store.entries.set(OTHER, await signedRow({ old: true }, new Date(NOW - 1000)));
    server = await startCompanionServer({ config: baseConfig(), stores: [store], now: () => NOW, log: (l) => logs.push(l) });
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    store.down = false;
    store.hang = false;
  });

  it('listens on loopback', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tokenGenerated).toBe(false);
  });

  it('GET /v1/health with the token reports the stores', async () => {
    const r = await rawRequest(server.url, '/v1/health', { headers: auth });
    expect(r.status).toBe(200);
    const h = HealthResponseSchema.parse(r.json);
    expect(h).toMatchObject({ ok: true, readOnly: true, stores: [{ name: 'memory://a', kind: 'sqlite', reachable: true, canList: true }] });
    store.down = true;
    const down = HealthResponseSchema.parse((await rawRequest(server.url, '/v1/health', { headers: auth })).json);
    expect(down).toMatchObject({ ok: false, stores: [{ reachable: false, error: 'ECONNREFUSED' }] });
  });

  it('GET /v1/sessions/{key}: the data exactly (big integers as digits), verified, not expired', async () => {
    const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-store');
    expect(r.text).toContain('"big":12345678901234567890');
    const body = SessionFoundResponseSchema.parse(r.json);
    expect(body).toMatchObject({ key: KEY, found: true, store: 'memory://a', expired: false, verified: true, expireDate: new Date(NOW + 3600_000).toISOString() });
    expect(parseJson(r.text)).toMatchObject({ data: { _auth_user_id: '7', big: 12345678901234567890n, cart: [1, 'two'] } });
  });

  it('GET /v1/sessions/{key}: Python types exactly (floats, key order) via the codec writer', async () => {
    store.entries.set(TYPED, await signedRow(parseJson(EXACT) as Record<string, unknown>, new Date(NOW + 3600_000)));
    const r = await rawRequest(server.url, `/v1/sessions/${TYPED}`, { headers: auth });
    store.entries.delete(TYPED);
    expect(r.status).toBe(200);
    expect(r.text).toContain(`"data":${EXACT}`);
  });

  it('marks a past expire_date expired and still shows the data', async () => {
    const r = await rawRequest(server.url, `/v1/sessions/${OTHER}`, { headers: auth });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ expired: true, verified: true, data: { old: true } });
  });

  it('404 { found: false } for an unknown key', async () => {
    const r = await rawRequest(server.url, '/v1/sessions/unknownkey0123456789', { headers: auth });
    expect(r.status).toBe(404);
    expect(SessionNotFoundResponseSchema.parse(r.json)).toEqual({ key: 'unknownkey0123456789', found: false });
  });

  describe('refusals', () => {
    it.each([
      ['no token', {}],
      ['wrong token', { authorization: 'Bearer unit-test-token-012345678X' }],
      ['token as Basic', { authorization: `Basic ${TOKEN}` }],
      ['token in the wrong header', { 'x-token': TOKEN }],
    ])('401 with %s', async (_what, headers) => {
      const before = store.calls.length;
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(ErrorResponseSchema.parse(r.json)).toMatchObject({ ok: false, code: 'ERR_UNAUTHORIZED' });
      expect(store.calls.length).toBe(before);
    });

    it('401 for the list without a token', async () => {
      expect((await rawRequest(server.url, '/v1/sessions')).status).toBe(401);
    });

    it.each(['evil.example', 'evil.example:8399', '127.0.0.1.nip.io', '10.0.0.1', 'localhost@evil.example'])('403 for Host %j, even with the token, even for health', async (host) => {
      for (const path of [`/v1/sessions/${KEY}`, '/v1/health']) {
        const r = await rawRequest(server.url, path, { headers: { ...auth, host } });
        expect(r.status).toBe(403);
        expect(r.json).toMatchObject({ code: 'ERR_FORBIDDEN_HOST' });
      }
    });

    it('400 without a Host header (HTTP/1.1 requires one)', async () => {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { ...auth, host: '' } });
      expect(r.status).toBe(400);
    });

    it.each(['https://evil.example', 'null', 'http://localhost:3000'])('403 for Origin %s, without CORS headers', async (origin) => {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { ...auth, origin } });
      expect(r.status).toBe(403);
      expect(r.json).toMatchObject({ code: 'ERR_FORBIDDEN_ORIGIN' });
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    });

    it.each([
      ['path traversal', '/v1/sessions/..%2F..%2F..%2Fetc%2Fpasswd'],
      ['dot segments', '/v1/sessions/....'],
      ['SQL injection', `/v1/sessions/${encodeURIComponent("x' OR '1'='1")}`],
      ['SQL comment', '/v1/sessions/abcdefgh--'],
      ['upper case', '/v1/sessions/ABCDEFGHIJ0123456789ABCDEFGHIJ01'],
      ['too short', '/v1/sessions/abc1234'],
      ['too long', `/v1/sessions/${'a'.repeat(41)}`],
      ['encoded letters', '/v1/sessions/%61bcdefghij0123456789abcdefghij01'],
      ['glob', '/v1/sessions/abcdefgh*'],
      ['NUL', '/v1/sessions/abcdefgh%00'],
    ])('400 ERR_BAD_KEY for %s, and no store sees it', async (_what, path) => {
      const before = [...store.calls];
      const r = await rawRequest(server.url, path, { headers: auth });
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({ ok: false, code: 'ERR_BAD_KEY' });
      expect(store.calls).toEqual(before);
    });

    it.each(['/v1/sessions/../../etc/passwd', '/v1/sessions/a/b', '/etc/passwd', '/v1/../v1/health/x'])('404 for the path %s, and no store sees it', async (path) => {
      const before = [...store.calls];
      const r = await rawRequest(server.url, path, { headers: auth });
      expect(r.status).toBe(404);
      expect(r.json).toMatchObject({ ok: false, code: 'ERR_NOT_FOUND' });
      expect(store.calls).toEqual(before);
    });

    it('DELETE is refused without --allow-write and nothing is deleted', async () => {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'DELETE', headers: auth });
      expect(r.status).toBe(405);
      expect(r.json).toMatchObject({ code: 'ERR_READ_ONLY' });
      expect(store.calls.some((c) => c.startsWith('delete:'))).toBe(false);
      expect(store.entries.has(KEY)).toBe(true);
    });

    // PUT is a write: ERR_READ_ONLY on this server (put.test.ts).
    it.each(['POST', 'PATCH'])('%s is not allowed', async (method) => {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method, headers: auth });
      expect(r.status).toBe(405);
      expect(r.json).toMatchObject({ code: 'ERR_METHOD_NOT_ALLOWED' });
    });

    it('413 for a request body', async () => {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'GET', headers: auth, body: 'x'.repeat(10_000) });
      expect(r.status).toBe(413);
      expect(r.json).toMatchObject({ code: 'ERR_TOO_LARGE' });
    });

    it('414 for an overlong URL', async () => {
      const r = await rawRequest(server.url, `/v1/sessions?x=${'a'.repeat(3000)}`, { headers: auth });
      expect(r.status).toBe(414);
    });

    it('431 for oversized headers (Node refuses them before the handler)', async () => {
      const r = await rawRequest(server.url, '/v1/health', { headers: { 'x-pad': 'a'.repeat(20_000) } });
      expect(r.status).toBe(431);
    });
  });

  describe('CORS', () => {
    it.each(['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://12345678-1234-5678-1234-567812345678', 'http://localhost:5173'])(
      'answers %s',
      async (origin) => {
        const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { ...auth, origin } });
        expect(r.status).toBe(200);
        expect(r.headers['access-control-allow-origin']).toBe(origin);
        expect(r.headers.vary).toBe('Origin');
      },
    );

    it('preflight without a token', async () => {
      const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'GET' } });
      expect(r.status).toBe(204);
      expect(r.headers['access-control-allow-origin']).toBe(origin);
      expect(r.headers['access-control-allow-headers']).toBe('Authorization');
      expect(r.headers['access-control-allow-methods']).toBe('GET, OPTIONS');
    });
  });

  describe('faults', () => {
    it('503 ERR_STORE_UNAVAILABLE while the store is down, answers again when it is back', async () => {
      store.down = true;
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth });
      expect(r.status).toBe(503);
      expect(ErrorResponseSchema.parse(r.json)).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', store: 'memory://a' });
      expect(logs.some((l) => l.includes('memory://a is unavailable (ECONNREFUSED)'))).toBe(true);
      store.down = false;
      expect((await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth })).status).toBe(200);
      expect(logs.some((l) => l.includes('memory://a is back'))).toBe(true);
    });

    it('errors carry the CORS headers too, so the extension can read them', async () => {
      const origin = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';
      store.down = true;
      const down = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { ...auth, origin } });
      expect(down.status).toBe(503);
      expect(down.headers['access-control-allow-origin']).toBe(origin);
      store.down = false;
      store.hang = true;
      const slow = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { ...auth, origin } });
      expect(slow.status).toBe(504);
      expect(slow.headers['access-control-allow-origin']).toBe(origin);
      const unauthorized = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: { origin } });
      expect(unauthorized.status).toBe(401);
      expect(unauthorized.headers['access-control-allow-origin']).toBe(origin);
    });

    it('504 ERR_TIMEOUT when the store hangs, then answers again', async () => {
      store.hang = true;
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth });
      expect(r.status).toBe(504);
      expect(r.json).toMatchObject({ code: 'ERR_TIMEOUT' });
      store.hang = false;
      expect((await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth })).status).toBe(200);
    });
  });

  it('GET /v1/sessions lists keys, expiry and user id, latest expiry first', async () => {
    const r = await rawRequest(server.url, '/v1/sessions?limit=10', { headers: auth });
    expect(r.status).toBe(200);
    const body = SessionListResponseSchema.parse(r.json);
    expect(body.sessions).toEqual([
      { key: KEY, store: 'memory://a', expireDate: new Date(NOW + 3600_000).toISOString(), expired: false, userId: '7' },
      { key: OTHER, store: 'memory://a', expireDate: new Date(NOW - 1000).toISOString(), expired: true, userId: null },
    ]);
    expect((await rawRequest(server.url, '/v1/sessions?limit=1', { headers: auth })).json.sessions).toHaveLength(1);
  });

  it.each(['0', '1001', 'ten', '-1', '1.5'])('400 for limit=%s', async (limit) => {
    const r = await rawRequest(server.url, `/v1/sessions?limit=${limit}`, { headers: auth });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: 'ERR_BAD_REQUEST' });
  });

  it('never logs keys, tokens or data', () => {
    const all = logs.join('\n');
    expect(all).toContain('GET /v1/sessions/{key} 200');
    for (const secret of [KEY, OTHER, TOKEN, SECRET, '12345678901234567890', 'evil']) expect(all).not.toContain(secret);
  });
});

describe('companion server: verification, write mode, limits, shutdown', () => {
  it('without a secret key the data is shown, verified: null; with a wrong key, verified: false', async () => {
    const store = new MemoryStore();
    store.entries.set(KEY, await signedRow({ a: 1 }, new Date(NOW + 1000)));
    for (const [keys, verified] of [
      [[], null],
      [['not-the-key'], false],
      [['not-the-key', SECRET], true],
    ] as const) {
      const server = await startCompanionServer({ config: baseConfig({ secretKeys: [...keys] }), stores: [store], now: () => NOW });
      try {
        const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth });
        expect(r.status).toBe(200);
        expect(r.json).toMatchObject({ verified, data: { a: 1 } });
        if (verified === false) expect(r.json.error).toMatchObject({ code: 'ERR_BAD_SIGNATURE' });
      } finally {
        await server.close();
      }
    }
  });

  it('unreadable session_data: found, data null, a codec error code', async () => {
    const store = new MemoryStore();
    store.entries.set(KEY, { format: 'session_data', store: store.name, text: '!!!not base64!!!', expiry: { kind: 'date', date: null } });
    const server = await startCompanionServer({ config: baseConfig(), stores: [store], now: () => NOW });
    try {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ found: true, data: null, verified: false, expireDate: null, error: { code: expect.stringMatching(/^ERR_/) } });
    } finally {
      await server.close();
    }
  });

  it('DELETE with --allow-write removes the key from every store', async () => {
    const a = new MemoryStore('memory://a');
    const b = new MemoryStore('memory://b', 'redis');
    a.entries.set(KEY, await signedRow({ a: 1 }, new Date(NOW + 1000)));
    b.entries.set(KEY, await signedRow({ a: 1 }, new Date(NOW + 1000), SECRET, 'memory://b'));
    const server = await startCompanionServer({ config: baseConfig({ allowWrite: true }), stores: [a, b], now: () => NOW });
    try {
      const r = await rawRequest(server.url, `/v1/sessions/${KEY}`, { method: 'DELETE', headers: auth });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ key: KEY, deleted: ['memory://a', 'memory://b'] });
      expect(a.entries.size + b.entries.size).toBe(0);
      expect((await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth })).status).toBe(404);
      expect((await rawRequest(server.url, '/v1/health', { headers: auth })).json.readOnly).toBe(false);
    } finally {
      await server.close();
    }
  });

  it('searches the stores in order; a down store does not hide a hit in another, but does turn a miss into 503', async () => {
    const a = new MemoryStore('memory://a');
    const b = new MemoryStore('memory://b');
    b.entries.set(KEY, await signedRow({ from: 'b' }, new Date(NOW + 1000), SECRET, 'memory://b'));
    a.down = true;
    const server = await startCompanionServer({ config: baseConfig(), stores: [a, b], now: () => NOW });
    try {
      expect((await rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth })).json).toMatchObject({ store: 'memory://b', data: { from: 'b' } });
      expect((await rawRequest(server.url, `/v1/sessions/${OTHER}`, { headers: auth })).status).toBe(503);
      const list = await rawRequest(server.url, '/v1/sessions', { headers: auth });
      expect(list.json.unlisted).toEqual([{ store: 'memory://a', reason: 'ERR_STORE_UNAVAILABLE' }]);
    } finally {
      await server.close();
    }
  });

  it('429 past the per-client rate limit', async () => {
    const server = await startCompanionServer({ config: baseConfig({ rateLimit: 3 }), stores: [new MemoryStore()], now: () => NOW });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await rawRequest(server.url, '/v1/health')).status);
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await server.close();
    }
  });

  it('generates a token when none is given', async () => {
    const server = await startCompanionServer({ config: baseConfig({ token: undefined }), stores: [new MemoryStore()] });
    try {
      expect(server.tokenGenerated).toBe(true);
      expect(server.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await rawRequest(server.url, '/v1/sessions', { headers: { authorization: `Bearer ${server.token}` } })).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('close() lets an in-flight request finish, then stops listening', async () => {
    const store = new MemoryStore();
    store.entries.set(KEY, await signedRow({ a: 1 }, new Date(NOW + 1000)));
    const server = await startCompanionServer({ config: baseConfig({ timeoutMs: 5000 }), stores: [store], now: () => NOW });
    store.hang = true;
    const pending = rawRequest(server.url, `/v1/sessions/${KEY}`, { headers: auth }).catch((e: Error) => e);
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close(200);
    await closed;
    const res = await pending;
    // The hung request was cut at the end of the grace period; the server no longer listens.
    expect(res instanceof Error || (res as { status: number }).status >= 500).toBe(true);
    await expect(rawRequest(server.url, '/v1/health')).rejects.toThrow(/ECONNREFUSED/);
  });
});
