/**
 * The companion's configuration: command-line flags, each also readable from a `SESSION_LENS_…`
 * environment variable (so a secret key or token stays out of shell history), validated with zod.
 *
 * ```
 * session-lens serve --store redis://127.0.0.1:6379/0 --store postgres://postgres@127.0.0.1/app \
 *                    --secret-file /run/secrets/django_key --port 8399
 * SESSION_LENS_STORE='sqlite:///srv/app/db.sqlite3' SESSION_LENS_SECRET_KEY=… session-lens serve
 * ```
 * Flags win over the environment. Secrets are best given by file or environment (`--secret-file`,
 * `--token-file`): command-line values are visible in `ps`. Store URLs (one `--store` each, or whitespace-separated in
 * `SESSION_LENS_STORE`) take per-store query options that override the global ones:
 * `?table=` (db), `?key_prefix=&version=&engine=cache|cached_db` (caches), `?prefix=&cookie_age=` (file).
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { readSecretFile, SecretSourceError, secretKeysOf } from '../node/index.ts';
import { COMPANION_DEFAULT_PORT } from '../protocol/index.ts';

/** Warnings are the command's to print (serve.ts), not the parser's. */
const nowhere = { write: () => true } as unknown as NodeJS.WritableStream;

/** Django's defaults for the options that locate sessions in a store. */
export const DJANGO_STORE_DEFAULTS = Object.freeze({
  /** `django.contrib.sessions.models.Session` → table `django_session`. */
  table: 'django_session',
  /** settings.CACHES[…]['KEY_PREFIX'] default: empty. */
  cacheKeyPrefix: '',
  /** settings.CACHES[…]['VERSION'] default: 1. */
  cacheVersion: 1,
  /** The file engine names files `SESSION_COOKIE_NAME + key`; SESSION_COOKIE_NAME defaults to `sessionid`. */
  filePrefix: 'sessionid',
  /** SESSION_COOKIE_AGE default: two weeks, in seconds. */
  cookieAge: 1_209_600,
});

/** The defaults a store URL inherits unless its query overrides them. */
export interface StoreDefaults {
  table: string;
  cacheKeyPrefix: string;
  cacheVersion: number;
  filePrefix: string;
  cookieAge: number;
}

/** A table name that may be put into SQL: a plain identifier (it is quoted as well). */
const TableSchema = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, 'table must be a plain SQL identifier');
const CacheEngineSchema = z.enum(['cache', 'cached_db']);
const KeyPrefixSchema = z.string().max(200).regex(/^[\x21-\x7e]*$/, 'key prefix must be printable ASCII without spaces');
const VersionSchema = z.coerce.number().int().min(0).max(1_000_000_000);
const CookieAgeSchema = z.coerce.number().int().min(0).max(100 * 365 * 86400);

/** One store to read, parsed from its URL. `name` is the URL with any password replaced by `***`. */
export const StoreSpecSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sqlite'), name: z.string(), path: z.string().min(1), table: TableSchema }),
  z.object({ kind: z.literal('postgres'), name: z.string(), url: z.string(), table: TableSchema }),
  z.object({ kind: z.literal('mysql'), name: z.string(), url: z.string(), table: TableSchema }),
  z.object({
    kind: z.literal('redis'),
    name: z.string(),
    url: z.string(),
    keyPrefix: KeyPrefixSchema,
    version: VersionSchema,
    engine: CacheEngineSchema.optional(),
  }),
  z.object({
    kind: z.literal('memcached'),
    name: z.string(),
    servers: z.string().min(1),
    keyPrefix: KeyPrefixSchema,
    version: VersionSchema,
    engine: CacheEngineSchema.optional(),
  }),
  z.object({ kind: z.literal('file'), name: z.string(), dir: z.string().min(1), prefix: z.string().regex(/^[A-Za-z0-9_.-]{0,100}$/), cookieAge: CookieAgeSchema }),
]);
/** A parsed store URL. */
export type StoreSpec = z.infer<typeof StoreSpecSchema>;

/** The whole server configuration. */
export const CompanionConfigSchema = z.object({
  stores: z.array(StoreSpecSchema).min(1),
  /** SECRET_KEY first, then SECRET_KEY_FALLBACKS. Empty: data is shown unverified. */
  secretKeys: z.array(z.string().min(1)),
  /** A custom session salt (a renamed SessionStore subclass); default: the codec's defaults. */
  salt: z.string().optional(),
  host: z.string().min(1),
  /** `--expose-sessions-to-network`: the only way to bind anything but a loopback address. */
  exposeOnNetwork: z.boolean().optional(),
  port: z.coerce.number().int().min(0).max(65535),
  /**
   * Bearer token; generated at start when absent. Printable ASCII without spaces (RFC 6750's
   * b64token is narrower still): anything else could never match an `Authorization` header.
   */
  token: z
    .string()
    .min(16, 'the token must be at least 16 characters')
    .max(512)
    .regex(/^[\x21-\x7e]+$/, 'the token must be printable ASCII without spaces')
    .optional(),
  allowWrite: z.boolean(),
  /** Extra CORS origins besides chrome-extension:// and moz-extension://. */
  allowOrigins: z.array(z.string().regex(/^[a-z][a-z0-9+.-]*:\/\/[^\s/]+$/i, 'an origin is scheme://host[:port]')),
  /** Extra Host header names accepted besides the loopback names. */
  allowHosts: z.array(z.string().regex(/^[A-Za-z0-9.:[\]-]+$/)),
  /** Per-request timeout in milliseconds. */
  timeoutMs: z.coerce.number().int().min(50).max(600_000),
  /** Requests per second allowed per client address (a token bucket holding one second's worth). */
  rateLimit: z.coerce.number().int().min(1).max(1_000_000),
  verbose: z.boolean(),
  /** How long a client may take to send its request headers before a 408 (ms; tests shorten it). */
  headersTimeoutMs: z.number().int().min(100).max(600_000).optional(),
});
/** The validated configuration. */
export type CompanionConfig = z.infer<typeof CompanionConfigSchema>;

/** A configuration error, reported as a usage error by the CLI. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The opt-in for a non-loopback bind, long on purpose so that nobody types it by accident. */
export const EXPOSE_FLAG = 'expose-sessions-to-network';

const BOOLEAN_FLAGS = new Set(['allow-write', 'verbose', 'help', EXPOSE_FLAG]);
const REPEATED_FLAGS = new Set(['store', 'secret-key', 'allow-origin', 'allow-host']);
const VALUE_FLAGS = new Set([
  'salt',
  'host',
  'port',
  'token',
  'token-file',
  'secret-file',
  'table',
  'cache-key-prefix',
  'cache-version',
  'file-prefix',
  'cookie-age',
  'timeout',
  'rate-limit',
]);

/** The command's help text. */
export const SERVE_HELP = `Usage: session-lens serve [options]

Serves the sessions of Django's db, file, cache and cached_db engines over a local, read-only HTTP API.

Options (each also from the environment variable shown):
  --store URL            a store to read; repeat for several (SESSION_LENS_STORE, whitespace-separated)
                         sqlite:///path/db.sqlite3 (default: ./db.sqlite3), postgres://…, mysql://…,
                         redis://host:port/db, memcached://host:port, file:///dir.
                         A cache then a database = the cached_db engine.
  --secret-file FILE     SECRET_KEY on the first line, SECRET_KEY_FALLBACKS on the next ones
                         (SESSION_LENS_SECRET_FILE). Without a key, data is shown unverified.
                         Or SESSION_LENS_SECRET_KEY + SESSION_LENS_SECRET_KEY_FALLBACKS (commas or newlines).
  --secret-key KEY       the same on the command line, repeated for fallbacks: visible in ps (warned)
  --salt SALT            session salt of a renamed SessionStore class (SESSION_LENS_SALT)
  --host ADDR            address to bind (SESSION_LENS_HOST, default 127.0.0.1); loopback only unless
  --${EXPOSE_FLAG}
                         is given too: the API is then plain HTTP on the network, guarded by the token only
  --port N               port (SESSION_LENS_PORT, default ${COMPANION_DEFAULT_PORT}; 0 = any free port)
  --token-file FILE      bearer token from a file's first line (SESSION_LENS_TOKEN_FILE), or
                         SESSION_LENS_TOKEN; generated and printed once when absent
  --token TOKEN          the same on the command line: visible in ps (warned)
  --allow-write          enable PUT and DELETE /v1/sessions/{key} (SESSION_LENS_ALLOW_WRITE=1)
  --allow-origin ORIGIN  another CORS origin besides the extension's (SESSION_LENS_ALLOW_ORIGIN)
  --allow-host NAME      another accepted Host header besides loopback names (SESSION_LENS_ALLOW_HOST)
  --table NAME           db table (SESSION_LENS_TABLE, default django_session)
  --cache-key-prefix P   cache KEY_PREFIX (SESSION_LENS_CACHE_KEY_PREFIX, default empty)
  --cache-version N      cache VERSION (SESSION_LENS_CACHE_VERSION, default 1)
  --file-prefix P        file name prefix = SESSION_COOKIE_NAME (SESSION_LENS_FILE_PREFIX, default sessionid)
  --cookie-age S         SESSION_COOKIE_AGE for file expiry (SESSION_LENS_COOKIE_AGE, default 1209600)
  --timeout MS           per-request timeout (SESSION_LENS_TIMEOUT, default 5000)
  --rate-limit N         requests per second per client (SESSION_LENS_RATE_LIMIT, default 20000)
  --verbose              log each request (method, route, status, time; never keys or data)
  --help                 this help
`;

type RawFlags = Map<string, string[]>;

/** Splits argv into flags; throws {@link ConfigError} on an unknown flag or a missing value. */
export function parseFlags(argv: readonly string[]): RawFlags {
  const flags: RawFlags = new Map();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument '${arg.slice(0, 40)}'`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    let value: string;
    if (BOOLEAN_FLAGS.has(name)) {
      value = eq === -1 ? 'true' : arg.slice(eq + 1);
    } else if (REPEATED_FLAGS.has(name) || VALUE_FLAGS.has(name)) {
      if (eq !== -1) value = arg.slice(eq + 1);
      else {
        const next = argv[++i];
        if (next === undefined) throw new ConfigError(`--${name} needs a value`);
        value = next;
      }
    } else {
      throw new ConfigError(`unknown option '--${name.slice(0, 40)}'`);
    }
    if (!REPEATED_FLAGS.has(name) && flags.has(name)) throw new ConfigError(`--${name} given twice`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return flags;
}

const envName = (flag: string) => `SESSION_LENS_${flag.toUpperCase().replace(/-/g, '_')}`;

function truthy(v: string, what: string): boolean {
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off|)$/i.test(v)) return false;
  throw new ConfigError(`${what} must be true or false`);
}

/** Splits SESSION_LENS_STORE: whitespace, or a comma right before the next `scheme:`. */
function splitStores(v: string): string[] {
  return v.split(/\s+|,(?=[a-z][a-z0-9+.-]*:)/i).filter(Boolean);
}

/**
 * How a store is named anywhere it is shown (start-up banner, health, session replies, errors):
 * `scheme://user@host:port/db` and nothing else — no password, no query string (which may hold
 * `password=`, `sslpassword=`, `sslkey=` …), no fragment.
 *
 * @example
 * storeDisplayName(new URL('postgres://app:pw@db:5433/app?sslpassword=x')) // 'postgres://app@db:5433/app'
 */
export function storeDisplayName(u: URL): string {
  const scheme = u.protocol.replace(/:$/, '').toLowerCase();
  const shown = scheme === 'postgresql' ? 'postgres' : scheme === 'mariadb' ? 'mysql' : scheme;
  const user = u.username ? `${u.username}@` : '';
  const port = u.port ? `:${u.port}` : '';
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${shown}://${user}${u.hostname}${port}${path}`;
}

/** The scheme of a store URL for messages about a URL that could not be read (never the URL itself). */
const schemeOf = (raw: string): string => /^([a-z][a-z0-9+.-]{0,20}):/i.exec(raw)?.[1]?.toLowerCase() ?? 'a';

const OUR_PARAMS = ['table', 'key_prefix', 'version', 'engine', 'prefix', 'cookie_age'];

/**
 * Parses one store URL into a {@link StoreSpec}.
 *
 * @example
 * parseStoreUrl('redis://127.0.0.1:6379/1?version=2', { ...DJANGO_STORE_DEFAULTS }, process.cwd())
 * // { kind: 'redis', url: 'redis://127.0.0.1:6379/1', keyPrefix: '', version: 2, … }
 */
export function parseStoreUrl(raw: string, defaults: StoreDefaults, cwd: string): StoreSpec {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(raw)?.[1]?.toLowerCase();
  if (!scheme) throw new ConfigError('a store is not a URL (sqlite:, postgres:, mysql:, redis:, memcached:, file:)');
  let u: URL;
  if (scheme === 'sqlite') {
    // A path, not a host, so parsed by hand: sqlite:///abs/path and sqlite:////abs/path are absolute,
    // sqlite://rel/path and sqlite:rel/path relative to the current directory.
    const rest = raw.slice('sqlite:'.length);
    const q = rest.indexOf('?');
    let pathPart = decodeURIComponent(q === -1 ? rest : rest.slice(0, q));
    if (pathPart.startsWith('//')) pathPart = pathPart.slice(2);
    pathPart = pathPart.replace(/^\/+/, '/');
    const params = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
    const path = isAbsolute(pathPart) ? pathPart : resolve(cwd, pathPart);
    checkParams(params, ['table'], raw);
    return StoreSpecSchema.parse({ kind: 'sqlite', name: `sqlite://${path}`, path, table: params.get('table') ?? defaults.table });
  }
  try {
    u = new URL(raw);
  } catch {
    throw new ConfigError(`a ${scheme}: store URL cannot be parsed`);
  }
  const params = u.searchParams;
  const take = (k: string) => params.get(k) ?? undefined;
  const clean = new URL(u.href);
  for (const p of OUR_PARAMS) clean.searchParams.delete(p);
  const wrap = (fn: () => StoreSpec): StoreSpec => {
    try {
      return fn();
    } catch (e) {
      if (e instanceof z.ZodError) throw new ConfigError(`store ${storeDisplayName(u)}: ${e.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
      throw e;
    }
  };
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      checkParams(params, ['table'], raw, true);
      return wrap(() => StoreSpecSchema.parse({ kind: 'postgres', name: storeDisplayName(clean), url: clean.href, table: take('table') ?? defaults.table }));
    case 'mysql':
    case 'mariadb':
      checkParams(params, ['table'], raw, true);
      if (scheme === 'mariadb') clean.protocol = 'mysql:';
      return wrap(() => StoreSpecSchema.parse({ kind: 'mysql', name: storeDisplayName(clean), url: clean.href, table: take('table') ?? defaults.table }));
    case 'redis':
    case 'rediss':
      checkParams(params, ['key_prefix', 'version', 'engine'], raw);
      return wrap(() =>
        StoreSpecSchema.parse({
          kind: 'redis',
          name: storeDisplayName(clean),
          url: clean.href,
          keyPrefix: take('key_prefix') ?? defaults.cacheKeyPrefix,
          version: take('version') ?? defaults.cacheVersion,
          engine: take('engine'),
        }),
      );
    case 'memcached': {
      checkParams(params, ['key_prefix', 'version', 'engine'], raw);
      const auth = u.username ? `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}@` : '';
      return wrap(() =>
        StoreSpecSchema.parse({
          kind: 'memcached',
          name: storeDisplayName(clean),
          servers: `${auth}${u.hostname || '127.0.0.1'}:${u.port || '11211'}`,
          keyPrefix: take('key_prefix') ?? defaults.cacheKeyPrefix,
          version: take('version') ?? defaults.cacheVersion,
          engine: take('engine'),
        }),
      );
    }
    case 'file': {
      checkParams(params, ['prefix', 'cookie_age'], raw);
      const dir = fileURLToPath(new URL(clean.href.replace(/\?.*$/, '')));
      return wrap(() =>
        StoreSpecSchema.parse({
          kind: 'file',
          name: `file://${dir}`,
          dir,
          prefix: take('prefix') ?? defaults.filePrefix,
          cookieAge: take('cookie_age') ?? defaults.cookieAge,
        }),
      );
    }
    default:
      throw new ConfigError(`unsupported store scheme '${scheme.slice(0, 20)}:' (sqlite, postgres, mysql, redis, memcached, file)`);
  }
}

function checkParams(params: URLSearchParams, allowed: string[], raw: string, passOthers = false): void {
  for (const k of params.keys()) {
    if (OUR_PARAMS.includes(k) && !allowed.includes(k)) throw new ConfigError(`store option '${k}' does not apply to ${schemeOf(raw)}:`);
    if (!OUR_PARAMS.includes(k) && !passOthers) throw new ConfigError(`unknown store option '${k.slice(0, 40)}'`);
  }
}

/**
 * Builds the configuration from argv and the environment. Returns `'help'` for `--help`.
 *
 * @example
 * const config = parseServeConfig(['--store', 'redis://127.0.0.1:6379/0'], process.env, process.cwd())
 */
export function parseServeConfig(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string, warn?: (line: string) => void): CompanionConfig | 'help' {
  const flags = parseFlags(argv);
  if (flags.has('help')) return 'help';
  const one = (flag: string): string | undefined => flags.get(flag)?.[0] ?? (env[envName(flag)] || undefined);
  const list = (flag: string, split: (v: string) => string[] = (v) => v.split(',').map((s) => s.trim()).filter(Boolean)): string[] => {
    const given = flags.get(flag);
    if (given) return given;
    const v = env[envName(flag)];
    return v ? split(v) : [];
  };

  const defaults: StoreDefaults = {
    table: one('table') ?? DJANGO_STORE_DEFAULTS.table,
    cacheKeyPrefix: one('cache-key-prefix') ?? DJANGO_STORE_DEFAULTS.cacheKeyPrefix,
    cacheVersion: numberOr(one('cache-version'), DJANGO_STORE_DEFAULTS.cacheVersion, 'cache-version'),
    filePrefix: one('file-prefix') ?? DJANGO_STORE_DEFAULTS.filePrefix,
    cookieAge: numberOr(one('cookie-age'), DJANGO_STORE_DEFAULTS.cookieAge, 'cookie-age'),
  };
  const storeUrls = list('store', splitStores);
  const stores = (storeUrls.length ? storeUrls : [`sqlite://${resolve(cwd, 'db.sqlite3')}`]).map((s) => parseStoreUrl(s, defaults, cwd));

  let secretKeys: string[];
  let token: string | undefined;
  try {
    // The same sources and fallback rule as decode and sign (serve.ts warns about command-line secrets).
    secretKeys = secretKeysOf({ secret: flags.get('secret-key'), secretFile: flags.get('secret-file')?.[0] }, { env, stderr: nowhere }, 'serve', warn);
    const tokenFile = one('token-file');
    if (tokenFile && flags.has('token')) throw new ConfigError('give --token or --token-file, not both');
    token = tokenFile ? readSecretFile(tokenFile, '--token-file', warn)[0] : one('token');
  } catch (e) {
    if (e instanceof SecretSourceError) throw new ConfigError(e.message);
    throw e;
  }

  const raw = {
    stores,
    secretKeys,
    salt: one('salt'),
    host: one('host') ?? '127.0.0.1',
    port: one('port') ?? COMPANION_DEFAULT_PORT,
    token,
    allowWrite: truthy(flags.get('allow-write')?.[0] ?? env.SESSION_LENS_ALLOW_WRITE ?? 'false', '--allow-write'),
    allowOrigins: list('allow-origin'),
    allowHosts: list('allow-host'),
    timeoutMs: one('timeout') ?? 5000,
    rateLimit: one('rate-limit') ?? 20_000,
    verbose: truthy(flags.get('verbose')?.[0] ?? env.SESSION_LENS_VERBOSE ?? 'false', '--verbose'),
    // A flag only, never the environment: an inherited variable must not open the server up.
    exposeOnNetwork: truthy(flags.get(EXPOSE_FLAG)?.[0] ?? 'false', `--${EXPOSE_FLAG}`),
  };
  if (!raw.exposeOnNetwork && !isLoopbackAddress(raw.host)) {
    throw new ConfigError(
      `--host ${raw.host.slice(0, 60)} is not a loopback address: the API would be plain HTTP on the network. ` +
        `Add --${EXPOSE_FLAG} if that is really what you want.`,
    );
  }
  const parsed = CompanionConfigSchema.safeParse(raw);
  if (!parsed.success) {
    // Name the option, never echo its value (it may be a secret).
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '));
  }
  return parsed.data;
}

/**
 * True for an address that only this machine can reach: `localhost`, 127.0.0.0/8, `::1`.
 *
 * @example
 * isLoopbackAddress('127.0.0.1') // true
 * isLoopbackAddress('0.0.0.0') // false
 */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = /^(?:::ffff:)?(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(h);
  return v4 !== null && v4[1] === '127' && v4.slice(2).every((p) => Number(p) <= 255);
}

function numberOr(v: string | undefined, d: number, what: string): number {
  if (v === undefined) return d;
  if (!/^\d{1,10}$/.test(v)) throw new ConfigError(`--${what} must be a whole number`);
  return Number(v);
}
