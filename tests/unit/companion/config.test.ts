import { describe, expect, it } from 'vitest';
import { ConfigError, DJANGO_STORE_DEFAULTS, parseServeConfig, parseStoreUrl, type CompanionConfig } from '../../../lib/companion/config.ts';

const cwd = '/srv/app';
const d = { ...DJANGO_STORE_DEFAULTS };
const cfg = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseServeConfig(argv, env, cwd) as CompanionConfig;

describe('parseStoreUrl', () => {
  it.each([
    ['sqlite:///srv/db.sqlite3', { kind: 'sqlite', path: '/srv/db.sqlite3', table: 'django_session', name: 'sqlite:///srv/db.sqlite3' }],
    ['sqlite:////srv/db.sqlite3', { kind: 'sqlite', path: '/srv/db.sqlite3' }],
    ['sqlite:db.sqlite3', { kind: 'sqlite', path: '/srv/app/db.sqlite3' }],
    ['sqlite://data/db.sqlite3?table=sess', { kind: 'sqlite', path: '/srv/app/data/db.sqlite3', table: 'sess' }],
    ['postgres://u:hunter2@127.0.0.1:5432/app?sslmode=disable', { kind: 'postgres', url: 'postgres://u:hunter2@127.0.0.1:5432/app?sslmode=disable', name: 'postgres://u@127.0.0.1:5432/app' }],
    ['postgresql://127.0.0.1/app?table=my_sessions', { kind: 'postgres', url: 'postgresql://127.0.0.1/app', table: 'my_sessions' }],
    ['mysql://root@127.0.0.1:3306/test', { kind: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', table: 'django_session' }],
    ['mariadb://root@127.0.0.1/test', { kind: 'mysql', url: 'mysql://root@127.0.0.1/test' }],
    ['redis://127.0.0.1:6379/2', { kind: 'redis', url: 'redis://127.0.0.1:6379/2', keyPrefix: '', version: 1 }],
    ['redis://:pw@127.0.0.1:6379/0?key_prefix=site&version=3&engine=cached_db', { kind: 'redis', url: 'redis://:pw@127.0.0.1:6379/0', name: 'redis://127.0.0.1:6379/0', keyPrefix: 'site', version: 3, engine: 'cached_db' }],
    ['memcached://127.0.0.1:11211', { kind: 'memcached', servers: '127.0.0.1:11211', keyPrefix: '', version: 1 }],
    ['memcached://cache', { kind: 'memcached', servers: 'cache:11211' }],
    ['file:///var/lib/sessions?prefix=sid&cookie_age=60', { kind: 'file', dir: '/var/lib/sessions', prefix: 'sid', cookieAge: 60 }],
    ['file:///tmp', { kind: 'file', dir: '/tmp', prefix: 'sessionid', cookieAge: 1209600 }],
  ])('%s', (url, want) => {
    expect(parseStoreUrl(url, d, cwd)).toMatchObject(want);
  });

  it.each([
    ['nothing-here', /not a URL/],
    ['ftp://x/y', /unsupported store scheme 'ftp:'/],
    ['redis://127.0.0.1/0?table=x', /does not apply to redis/],
    ['redis://127.0.0.1/0?foo=1', /unknown store option 'foo'/],
    ['sqlite:///db?table=x;DROP TABLE y', /table/],
    ['postgres://127.0.0.1/app?table=a%22b', /table/],
    ['redis://127.0.0.1/0?version=x', /version/],
    ['redis://127.0.0.1/0?engine=db', /engine/],
    ['redis://127.0.0.1/0?key_prefix=a%20b', /key_?[pP]refix|printable/],
  ])('%s is refused', (url, message) => {
    expect(() => parseStoreUrl(url, d, cwd)).toThrow(message);
  });

  it('never puts the password into a refusal', () => {
    expect(() => parseStoreUrl('redis://:topsecret@127.0.0.1/0?version=x', d, cwd)).toThrow(/^(?!.*topsecret)/s);
  });
});

describe('parseServeConfig', () => {
  it('defaults: Django default SQLite file in the current directory, loopback, 8399, read-only, no keys', () => {
    const c = cfg([]);
    expect(c.stores).toEqual([{ kind: 'sqlite', name: 'sqlite:///srv/app/db.sqlite3', path: '/srv/app/db.sqlite3', table: 'django_session' }]);
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8399, allowWrite: false, secretKeys: [], allowOrigins: [], verbose: false });
    expect(c.token).toBeUndefined();
  });

  it('flags: repeated stores and keys, write, origins, timeouts', () => {
    const c = cfg([
      '--store', 'redis://127.0.0.1:6379/0', '--store=postgres://127.0.0.1/app',
      '--secret-key', 'k1', '--secret-key', 'k2', '--port', '0', '--token', 'x'.repeat(20),
      '--allow-write', '--allow-origin', 'http://localhost:3000', '--timeout', '800', '--rate-limit', '50',
      '--cache-version', '2', '--table', 'sess',
    ]);
    expect(c.stores.map((s) => s.kind)).toEqual(['redis', 'postgres']);
    expect(c.stores[0]).toMatchObject({ version: 2 });
    expect(c.stores[1]).toMatchObject({ table: 'sess' });
    expect(c).toMatchObject({ secretKeys: ['k1', 'k2'], port: 0, allowWrite: true, allowOrigins: ['http://localhost:3000'], timeoutMs: 800, rateLimit: 50 });
  });

  it('every option also comes from SESSION_LENS_* (flags win)', () => {
    const env = {
      SESSION_LENS_STORE: 'redis://127.0.0.1:6379/1 file:///tmp/s',
      SESSION_LENS_SECRET_KEY: 'main,with,commas',
      SESSION_LENS_SECRET_KEY_FALLBACKS: 'old1,old2',
      SESSION_LENS_TOKEN: 't'.repeat(32),
      SESSION_LENS_PORT: '9000',
      SESSION_LENS_HOST: '127.0.0.2',
      SESSION_LENS_ALLOW_WRITE: '1',
      SESSION_LENS_FILE_PREFIX: 'sid',
      SESSION_LENS_ALLOW_ORIGIN: 'http://a.test,http://b.test',
    };
    const c = cfg([], env);
    expect(c.stores).toMatchObject([{ kind: 'redis', url: 'redis://127.0.0.1:6379/1' }, { kind: 'file', dir: '/tmp/s', prefix: 'sid' }]);
    expect(c).toMatchObject({ secretKeys: ['main,with,commas', 'old1', 'old2'], token: 't'.repeat(32), port: 9000, host: '127.0.0.2', allowWrite: true, allowOrigins: ['http://a.test', 'http://b.test'] });
    expect(cfg(['--port', '1234', '--secret-key', 'flag'], env)).toMatchObject({ port: 1234, secretKeys: ['flag'] });
  });

  it('SESSION_LENS_STORE may separate URLs with commas too', () => {
    expect(cfg([], { SESSION_LENS_STORE: 'redis://127.0.0.1:6379/0,sqlite:///x.db' }).stores.map((s) => s.kind)).toEqual(['redis', 'sqlite']);
  });

  it('--help', () => {
    expect(parseServeConfig(['--help'], {}, cwd)).toBe('help');
  });

  it.each([
    [['--bogus'], /unknown option '--bogus'/],
    [['--port'], /--port needs a value/],
    [['--port', '70000'], /port/],
    [['--port', '1', '--port', '2'], /given twice/],
    [['--token', 'short'], /token must be at least 16/],
    [['--timeout', 'soon'], /timeoutMs/],
    [['stray'], /unexpected argument/],
    [['--allow-origin', 'not an origin'], /origin/],
  ])('%j is a ConfigError', (argv, message) => {
    expect(() => cfg(argv)).toThrow(ConfigError);
    expect(() => cfg(argv)).toThrow(message);
  });

  it('never echoes a rejected token', () => {
    expect(() => cfg(['--token', 'sekrit'])).toThrow(/^(?!.*sekrit)/s);
  });
});
