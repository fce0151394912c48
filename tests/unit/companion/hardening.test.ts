/**
 * Attacks on the companion that once held (issue 11), each reproduced here first: credentials in
 * store URLs, a non-loopback bind, the token comparison, odd tokens, header timeouts, shutdown,
 * duplicate Host headers, and health without the token.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, parseServeConfig, parseStoreUrl, DJANGO_STORE_DEFAULTS, type CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import { HealthResponseSchema } from '../../../lib/protocol/index.ts';
import { rawRequest } from './http.ts';
import { MemoryStore } from './memory-store.ts';

const crypto = vi.hoisted(() => ({ calls: [] as [number, number][] }));
vi.mock('node:crypto', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:crypto')>();
  return {
    ...orig,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      crypto.calls.push([a.byteLength, b.byteLength]);
      return orig.timingSafeEqual(a, b);
    },
  };
});
const { tokenChecker } = await import('../../../lib/companion/security.ts');

const TOKEN = 'unit-test-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };

const baseConfig = (over: Partial<CompanionConfig> = {}): CompanionConfig => ({
  stores: [{ kind: 'sqlite', name: 'memory://a', path: '/dev/null', table: 'django_session' }],
  secretKeys: [],
  host: '127.0.0.1',
  port: 0,
  token: TOKEN,
  allowWrite: false,
  allowOrigins: [],
  allowHosts: [],
  exposeOnNetwork: false,
  timeoutMs: 1000,
  rateLimit: 100_000,
  verbose: false,
  ...over,
});

/** Sends raw bytes and resolves with everything the server answered before closing. */
function rawExchange(url: string, bytes: string, waitMs = 3000): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const sock = connect(Number(u.port), u.hostname);
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      resolve(out);
    }, waitMs);
    sock.on('data', (d: Buffer) => (out += d.toString('latin1')));
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
    sock.on('error', reject);
    sock.write(bytes);
  });
}

describe('store names never carry credentials', () => {
  it.each([
    ['postgres://app@db.internal:5433/app?password=hunter2-query', 'postgres://app@db.internal:5433/app'],
    ['postgres://app:hunter2-userinfo@127.0.0.1/app?sslmode=require', 'postgres://app@127.0.0.1/app'],
    ['postgresql://app@127.0.0.1/app?sslpassword=hunter2-ssl&sslkey=/k', 'postgres://app@127.0.0.1/app'],
    ['mysql://root@127.0.0.1:3307/app?password=hunter2-mysql', 'mysql://root@127.0.0.1:3307/app'],
    ['mariadb://root:hunter2-maria@127.0.0.1/app', 'mysql://root@127.0.0.1/app'],
    ['redis://:hunter2-redis@127.0.0.1:6379/2?key_prefix=p', 'redis://127.0.0.1:6379/2'],
    ['memcached://u:hunter2-mc@127.0.0.1:11211', 'memcached://u@127.0.0.1:11211'],
  ])('%s is shown as %s', (url, name) => {
    const spec = parseStoreUrl(url, { ...DJANGO_STORE_DEFAULTS }, '/');
    expect(spec.name).toBe(name);
    expect(spec.name).not.toMatch(/hunter2|password|\?/);
  });

  it('a store URL that does not parse is named by its scheme only, never echoed', () => {
    for (const url of ['postgres://u:hunter2-bad@[::1/db', 'ftp://u:hunter2-ftp@h/x', 'redis://:hunter2-r@127.0.0.1/x?bogus=1']) {
      let err: unknown;
      try {
        parseStoreUrl(url, { ...DJANGO_STORE_DEFAULTS }, '/');
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain('hunter2');
    }
  });
});

describe('binding', () => {
  it.each(['0.0.0.0', '::', '192.168.1.20', '::ffff:0.0.0.0'])('refuses --host %s without the opt-in flag', (host) => {
    expect(() => parseServeConfig(['--host', host], {}, '/tmp')).toThrow(/--expose-sessions-to-network/);
    expect(() => parseServeConfig([], { SESSION_LENS_HOST: host }, '/tmp')).toThrow(/--expose-sessions-to-network/);
  });

  it.each(['127.0.0.1', '127.0.0.2', '::1', 'localhost'])('accepts loopback %s', (host) => {
    expect(parseServeConfig(['--host', host], {}, '/tmp')).toMatchObject({ host, exposeOnNetwork: false });
  });

  it('accepts a network bind with the opt-in flag, and warns loudly at start', async () => {
    const config = parseServeConfig(['--host', '0.0.0.0', '--port', '0', '--expose-sessions-to-network'], {}, '/tmp') as CompanionConfig;
    expect(config.exposeOnNetwork).toBe(true);
    const logs: string[] = [];
    const server = await startCompanionServer({ config: { ...config, token: TOKEN }, stores: [new MemoryStore()], log: (l) => logs.push(l) });
    try {
      expect(logs.join('\n')).toMatch(/WARNING.*plain HTTP.*network/is);
    } finally {
      await server.close();
    }
  });
});

describe('tokens', () => {
  it('compares fixed-size digests, whatever length the presented token has', () => {
    const check = tokenChecker(TOKEN);
    for (const candidate of [TOKEN, `${TOKEN}x`, 'short', 'x'.repeat(TOKEN.length), 'y'.repeat(900)]) {
      crypto.calls.length = 0;
      check(`Bearer ${candidate}`);
      expect(crypto.calls).toEqual([[32, 32]]);
    }
    expect(check(`Bearer ${TOKEN}`)).toBe(true);
    expect(check(`Bearer ${TOKEN}x`)).toBe(false);
    expect(check(undefined)).toBe(false);
  });

  it.each([
    ['a space', 'token with a space in it!'],
    ['non-ASCII', 'tökenwithumlautsandmore'],
    ['a control character', 'token\twith-a-tab-0123456'],
  ])('refuses a token with %s at start-up (it could never match)', (_what, token) => {
    expect(() => parseServeConfig(['--token', token], {}, '/tmp')).toThrow(/token must be printable ASCII without spaces/);
    try {
      parseServeConfig(['--token', token], {}, '/tmp');
    } catch (e) {
      expect((e as Error).message).not.toContain(token);
    }
  });
});

describe('health and HTTP edges', () => {
  let server: CompanionServer;
  let store: MemoryStore;
  beforeAll(async () => {
    store = new MemoryStore('postgres://app@127.0.0.1:5432/app', 'postgres');
    server = await startCompanionServer({ config: baseConfig(), stores: [store] });
  });
  afterAll(async () => {
    await server.close();
  });

  it('/v1/health without the token says only that the server is alive', async () => {
    const r = await rawRequest(server.url, '/v1/health');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ ok: true, name: 'session-lens-companion', version: expect.any(String) });
    expect(r.text).not.toContain('postgres');
    HealthResponseSchema.parse(r.json);
  });

  it('/v1/health with the token lists the stores', async () => {
    const r = await rawRequest(server.url, '/v1/health', { headers: auth });
    expect(HealthResponseSchema.parse(r.json)).toMatchObject({ ok: true, readOnly: true, stores: [{ name: 'postgres://app@127.0.0.1:5432/app', reachable: true }] });
  });

  it('/v1/health with a wrong token is refused (no probing for the store list)', async () => {
    const r = await rawRequest(server.url, '/v1/health', { headers: { authorization: 'Bearer wrong-token-0123456789' } });
    expect(r.status).toBe(401);
  });

  it('400 for two Host headers', async () => {
    const out = await rawExchange(server.url, `GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n`, 1500);
    expect(out).toMatch(/^HTTP\/1\.1 400 /);
    const out2 = await rawExchange(server.url, `GET /v1/health HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1\r\n\r\n`, 1500);
    expect(out2).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('timeouts and shutdown', () => {
  it('408 when the headers do not arrive in time', async () => {
    const server = await startCompanionServer({ config: baseConfig({ headersTimeoutMs: 300 } as Partial<CompanionConfig>), stores: [new MemoryStore()] });
    try {
      const out = await rawExchange(server.url, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: 1', 4000);
      expect(out).toMatch(/^HTTP\/1\.1 408 /);
      expect(out.toLowerCase()).toContain('connection: close');
    } finally {
      await server.close();
    }
  });

  it('answers with Connection: close while shutting down', async () => {
    const store = new MemoryStore();
    const server = await startCompanionServer({ config: baseConfig({ timeoutMs: 5000 }), stores: [store] });
    store.hang = true;
    const pending = rawRequest(server.url, '/v1/sessions/abcdefgh01234567', { headers: { ...auth, connection: 'keep-alive' } });
    await new Promise((r) => setTimeout(r, 50));
    const closed = server.close(2000);
    await new Promise((r) => setTimeout(r, 50));
    store.hang = false;
    store.release();
    const res = await pending;
    await closed;
    expect(res.status).toBe(404);
    expect(res.headers.connection).toBe('close');
  });
});
