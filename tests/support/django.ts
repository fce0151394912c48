/**
 * Starts the real Django fixture site (tests/fixtures/django) for tests, and drives its session
 * store through tests/fixtures/django/sessions_tool.py. Node only.
 *
 * Every call gets its own temporary run directory (SQLite file, session files, server log) and,
 * for PostgreSQL / MariaDB, its own fresh database `sl_<random>` that `stop()` / `cleanup()` drops,
 * so parallel test files never share state.
 *
 * @example
 * const dj = await startDjango({ engine: 'db' });
 * try {
 *   const res = await fetch(`${dj.url}/login?user=alice`);
 *   const { sessions } = await djangoTool(['write', '--data', '{"a":1}'], { env: dj.env });
 * } finally {
 *   await dj.stop();
 * }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isInteger, isSafeNumber, parse as parseLosslessJson } from 'lossless-json';
import { pyFloat, type PyObject } from '../../lib/codec/index.ts';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';

/** Debian's Python 3 with Django 3.2 (the pyenv `python3` on PATH has no Django). */
export const DJANGO_PYTHON = '/usr/bin/python3';
/** The fixture project (manage.py, fixture_site/, sessions_tool.py). */
export const DJANGO_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/django');

export type DjangoEngine = 'db' | 'file' | 'cache' | 'cached_db' | 'signed_cookies';

export interface DjangoOptions {
  /** SL_SESSION_ENGINE; default `db`. */
  engine?: DjangoEngine;
  /**
   * `sqlite` (default: `<runDir>/db.sqlite3`), `postgres`, `mysql` (a fresh `sl_<random>` database on
   * the local server, dropped on stop), a server URL without a database name
   * (`postgres://postgres@127.0.0.1:5432/` → a fresh database there), or a full SL_DATABASE URL
   * with a database name (used as is, never created or dropped).
   */
  database?: string;
  /**
   * SL_CACHE: `locmem` (default; per process, so the server and the tool do not share it),
   * `redis://127.0.0.1:6379/N`, `memcached://127.0.0.1:11211`. A redis/memcached cache gets a fresh
   * SL_CACHE_KEY_PREFIX `sl_<random>` (read it from `env`); cleanup deletes its redis keys.
   */
  cache?: string;
  /** SL_SESSION_SERIALIZER; default `json`. */
  serializer?: 'json' | 'pickle';
  /** Extra environment (SL_SESSION_COOKIE_SECURE, …); wins over everything derived above. */
  env?: Record<string, string>;
  /** SL_SECRET_KEY; default the fixture's fixed test key ({@link DJANGO_SECRET_KEY}). */
  secretKey?: string;
}

/** The SECRET_KEY the fixture site uses when SL_SECRET_KEY is not set (fixture_site/settings.py). */
export const DJANGO_SECRET_KEY = 'session-lens-fixture-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';

/** A prepared (migrated) environment without a running server. */
export interface DjangoEnv {
  /** The complete SL_* environment (pass it as `{ env }` to {@link djangoTool} to share the store). */
  env: Record<string, string>;
  /** The temporary run directory (SQLite db, `sessions/` for the file engine, `server.log`). */
  runDir: string;
  /** The SL_DATABASE URL in use. */
  database: string;
  /** Runs sessions_tool.py against this environment. */
  tool(args: string[]): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Drops the fresh database (if one was created) and removes the run directory. */
  cleanup(): Promise<void>;
}

export interface DjangoServer extends DjangoEnv {
  /** `http://127.0.0.1:<port>` (the server listens on 127.0.0.1 only). */
  url: string;
  /** `http://localhost:<port>`, for cookies that need the `localhost` host name (Domain=localhost). */
  localhostUrl: string;
  port: number;
  /** The server's pid (its own process group). */
  pid: number;
  /** The last part of the server's stdout/stderr. */
  log(): string;
  /** Kills the server (and its children), then {@link DjangoEnv.cleanup}. Safe to call twice. */
  stop(): Promise<void>;
}

/** What `sessions_tool.py write` prints. */
export interface ToolWriteResult {
  sessions: { key: string; data: Record<string, unknown>; expire_date: string }[];
}
/** What `sessions_tool.py load` prints. */
export interface ToolLoadResult {
  found: boolean;
  exists: boolean;
  data: Record<string, unknown>;
}

const LIVE = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of LIVE) killGroup(child, 'SIGKILL');
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

function randomName(): string {
  return `sl_${randomBytes(6).toString('hex')}`;
}

interface DbPlan {
  url: string;
  drop?: () => Promise<void>;
}

function pgConfig(url: URL): pg.ClientConfig {
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

function mysqlConfig(url: URL): mysql.ConnectionOptions {
  return {
    host: url.hostname || '127.0.0.1',
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: url.password ? decodeURIComponent(url.password) : '',
  };
}

async function planDatabase(database: string | undefined, runDir: string): Promise<DbPlan> {
  if (database === undefined || database === 'sqlite') return { url: `sqlite:///${join(runDir, 'db.sqlite3')}` };
  if (database.startsWith('sqlite:')) return { url: database };
  let server = database;
  if (database === 'postgres' || database === 'postgresql') server = 'postgres://postgres@127.0.0.1:5432/';
  if (database === 'mysql' || database === 'mariadb') server = 'mysql://root@127.0.0.1:3306/';
  const url = new URL(server);
  if (url.pathname.replace(/^\//, '') !== '') return { url: server }; // a named database: used as is
  const name = randomName();
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const config = pgConfig(url);
    const admin = async (sql: string): Promise<void> => {
      const client = new pg.Client({ ...config, database: 'postgres' });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  if (scheme === 'mysql' || scheme === 'mariadb') {
    const admin = async (sql: string): Promise<void> => {
      const conn = await mysql.createConnection(mysqlConfig(url));
      try {
        await conn.query(sql);
      } finally {
        await conn.end();
      }
    };
    await admin(`CREATE DATABASE ${name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    url.pathname = `/${name}`;
    return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name}`) };
  }
  throw new Error(`startDjango: unsupported database ${JSON.stringify(database)}`);
}

/** Deletes the redis keys a prepared environment's prefix owns (memcached entries just expire). */
async function dropRedisPrefix(env: Record<string, string>): Promise<void> {
  const cache = env.SL_CACHE;
  const prefix = env.SL_CACHE_KEY_PREFIX;
  if (!cache?.startsWith('redis') || !prefix?.startsWith('sl_')) return;
  const redis = new Redis(cache, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The environment the Python processes get: ours without inherited SL_*, then the fixture's. */
function buildEnv(opts: DjangoOptions, slEnv: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('SL_') && k !== 'DJANGO_SETTINGS_MODULE') base[k] = v;
  }
  return { ...base, PYTHONDONTWRITEBYTECODE: '1', PYTHONUNBUFFERED: '1', ...slEnv, ...(opts.env ?? {}) };
}

function slEnvOf(opts: DjangoOptions, runDir: string, databaseUrl: string): Record<string, string> {
  const env: Record<string, string> = {
    SL_RUN_DIR: runDir,
    SL_DATABASE: databaseUrl,
    SL_SESSION_ENGINE: opts.engine ?? 'db',
    SL_SESSION_SERIALIZER: opts.serializer ?? 'json',
    SL_SESSION_FILE_PATH: join(runDir, 'sessions'),
    SL_SECRET_KEY: opts.secretKey ?? DJANGO_SECRET_KEY,
  };
  if (opts.cache !== undefined) {
    env.SL_CACHE = opts.cache;
    // A shared redis/memcached: a prefix of our own keeps parallel test files apart.
    if (opts.cache !== 'locmem') env.SL_CACHE_KEY_PREFIX = randomName();
  }
  return env;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string>, timeoutMs: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(DJANGO_PYTHON, args, { cwd: DJANGO_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

function tail(text: string, max = 4000): string {
  return text.length > max ? `…${text.slice(-max)}` : text;
}

/** A SQLite database migrated once per fixture version and copied for each run (migrate takes seconds). */
function sqliteTemplatePath(): string {
  const hash = createHash('sha256');
  for (const f of ['fixture_site/settings.py', 'fixture_site/urls.py']) hash.update(readFileSync(join(DJANGO_DIR, f)));
  return join(tmpdir(), `session-lens-django-template-${hash.digest('hex').slice(0, 16)}.sqlite3`);
}

async function migrate(env: Record<string, string>): Promise<void> {
  const res = await run(['manage.py', 'migrate', '--noinput'], env, 120_000);
  if (res.code !== 0) throw new Error(`manage.py migrate failed (${res.code}):\n${tail(res.stderr || res.stdout)}`);
}

async function migrateSqlite(env: Record<string, string>, target: string): Promise<void> {
  const template = sqliteTemplatePath();
  if (!existsSync(template)) {
    const scratch = mkdtempSync(join(tmpdir(), 'session-lens-django-migrate-'));
    try {
      const file = join(scratch, 'db.sqlite3');
      await migrate({ ...env, SL_DATABASE: `sqlite:///${file}`, SL_RUN_DIR: scratch });
      const partial = `${template}.${process.pid}.${randomBytes(4).toString('hex')}`;
      copyFileSync(file, partial);
      renameSync(partial, template); // atomic: concurrent workers never see a half-written template
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  copyFileSync(template, target);
}

/**
 * Makes a run directory and database, runs migrate, and returns the environment — without
 * starting the server. Use it when only sessions_tool.py is needed.
 *
 * @example
 * const dj = await prepareDjango({ engine: 'db', database: 'postgres' });
 * const { sessions } = await dj.tool(['write', '--data', '{"a":1}', '--count', '3']);
 * await dj.cleanup();
 */
export async function prepareDjango(opts: DjangoOptions = {}): Promise<DjangoEnv> {
  const runDir = mkdtempSync(join(tmpdir(), 'session-lens-django-'));
  mkdirSync(join(runDir, 'sessions'), { recursive: true });
  let plan: DbPlan | undefined;
  let cleaned = false;
  let env: Record<string, string> | undefined;
  const cleanup = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    try {
      await plan?.drop?.();
      if (env !== undefined) await dropRedisPrefix(env);
    } finally {
      if (!process.env.SL_KEEP_RUN_DIR) rmSync(runDir, { recursive: true, force: true });
    }
  };
  try {
    plan = await planDatabase(opts.database, runDir);
    env = buildEnv(opts, slEnvOf(opts, runDir, plan.url));
    const sqliteFile = sqliteFileOf(env.SL_DATABASE ?? '');
    if (sqliteFile !== undefined && !existsSync(sqliteFile)) await migrateSqlite(env, sqliteFile);
    else await migrate(env);
    const slOnly = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('SL_')));
    return { env: slOnly, runDir, database: plan.url, tool: (args) => djangoTool(args, { env: slOnly }), cleanup };
  } catch (e) {
    await cleanup();
    throw e;
  }
}

function sqliteFileOf(url: string): string | undefined {
  if (!url.startsWith('sqlite:')) return undefined;
  const path = url.replace(/^sqlite3?:\/\//, '');
  return path.startsWith('//') ? path.slice(1) : path.startsWith('/') ? path : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Starts `manage.py runserver 127.0.0.1:<free port> --noreload` on a fresh, migrated store and
 * waits until it answers. Always `stop()` it (in `afterAll`).
 *
 * @example
 * const dj = await startDjango({ engine: 'signed_cookies', env: { SL_SESSION_COOKIE_SECURE: '1' } });
 * const res = await fetch(`${dj.url}/login?user=alice`);
 * await dj.stop();
 */
export async function startDjango(opts: DjangoOptions = {}): Promise<DjangoServer> {
  const prepared = await prepareDjango(opts);
  const fullEnv = buildEnv(opts, prepared.env);
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const logFile = join(prepared.runDir, `server-${port}.log`);
    const fd = openSync(logFile, 'a');
    installExitHook();
    const child = spawn(DJANGO_PYTHON, ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'], {
      cwd: DJANGO_DIR,
      env: { ...fullEnv, SL_PARENT_PID: String(process.pid) }, // manage.py exits if we die
      stdio: ['ignore', fd, fd],
      detached: true, // its own process group: stop() kills the group
    });
    closeSync(fd);
    LIVE.add(child);
    child.on('exit', () => LIVE.delete(child));
    const log = (): string => {
      try {
        return tail(readFileSync(logFile, 'utf8'));
      } catch {
        return '';
      }
    };
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitForServer(url, child, log);
    } catch (e) {
      lastError = e;
      killGroup(child, 'SIGKILL');
      continue;
    }
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await killAndWait(child);
      await prepared.cleanup();
    };
    return {
      ...prepared,
      url,
      localhostUrl: `http://localhost:${port}`,
      port,
      pid: child.pid ?? -1,
      log,
      stop,
      cleanup: stop,
    };
  }
  await prepared.cleanup();
  throw lastError instanceof Error ? lastError : new Error('startDjango: the server did not start');
}

async function waitForServer(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  // This URL never touches the session (fixture_site/views.py devtools_json).
  const probe = `${url}/.well-known/appspecific/com.chrome.devtools.json`;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`runserver exited (${child.exitCode ?? child.signalCode}):\n${log()}`);
    }
    try {
      const res = await fetch(probe, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`runserver did not answer on ${url} within 30 s:\n${log()}`);
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
  // The group may hold children that outlived the leader.
  killGroup(child, 'SIGKILL');
}

/**
 * Like the codec's parseJson: integers beyond ±(2^53 − 1) become bigint, a whole float (`1.0`)
 * stays a Python float; others stay numbers.
 */
function parseNumber(text: string): number | bigint | PyObject {
  if (isInteger(text)) return isSafeNumber(text) ? Number(text) : BigInt(text);
  return pyFloat(Number(text));
}

/** Parses the tool's JSON output exactly (big integers as bigint). */
export function parseToolJson(text: string): unknown {
  return parseLosslessJson(text, undefined, parseNumber);
}

/**
 * Runs tests/fixtures/django/sessions_tool.py with the fixture's environment and returns its one
 * JSON document (integers beyond 2^53 as bigint). Throws with the tool's message when it fails.
 *
 * Pass the `env` of a {@link startDjango} / {@link prepareDjango} result to use the same store;
 * without an SL_RUN_DIR in `opts.env` the tool gets a fresh, migrated SQLite store for this one
 * call (enough for `verify-signed`; nothing persists between such calls).
 *
 * @example
 * const dj = await startDjango({ engine: 'db' });
 * const { sessions } = await djangoTool(['write', '--data', '{"big":12345678901234567890}'], { env: dj.env });
 * const { data } = await djangoTool(['load', '--key', sessions[0].key], { env: dj.env });
 * // data.big === 12345678901234567890n
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function djangoTool(args: string[], opts: DjangoOptions = {}): Promise<any> {
  if (opts.env?.SL_RUN_DIR === undefined) {
    if (opts.database !== undefined && opts.database !== 'sqlite' && !opts.database.startsWith('sqlite:')) {
      const named = (() => {
        try {
          return new URL(opts.database).pathname.replace(/^\//, '') !== '';
        } catch {
          return false;
        }
      })();
      if (!named) {
        throw new Error(
          'djangoTool: a fresh database would vanish after this call; use prepareDjango()/startDjango() and pass { env: dj.env }',
        );
      }
    }
    const dj = await prepareDjango(opts);
    try {
      return await djangoTool(args, { ...opts, env: { ...dj.env, ...(opts.env ?? {}) } });
    } finally {
      await dj.cleanup();
    }
  }
  const env = buildEnv(opts, {
    ...slEnvOf(opts, opts.env.SL_RUN_DIR, opts.env.SL_DATABASE ?? `sqlite:///${join(opts.env.SL_RUN_DIR, 'db.sqlite3')}`),
  });
  const seconds = args[0] === 'bench-load' ? Number(args[args.indexOf('--seconds') + 1] ?? 1) || 1 : 0;
  const res = await run(['sessions_tool.py', ...args], env, 120_000 + seconds * 1000);
  const text = res.stdout.trim();
  let doc: unknown;
  try {
    doc = parseToolJson(text);
  } catch {
    throw new Error(`sessions_tool.py ${args[0] ?? ''} failed (${res.code}):\n${tail(res.stderr || text)}`);
  }
  if (res.code !== 0) {
    const err = (doc as { error?: { type?: string; message?: string } }).error;
    throw new Error(`sessions_tool.py ${args[0] ?? ''} failed: ${err?.type ?? res.code}: ${err?.message ?? tail(res.stderr)}`);
  }
  return doc;
}
