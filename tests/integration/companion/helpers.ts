/**
 * Starts the companion in-process on a free loopback port for integration tests, and compares
 * what it serves with what Django's own `SessionStore(key).load()` returns.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { parseJson, stringifyJson, type SessionValue } from '../../../lib/codec/index.ts';
import { parseServeConfig, type CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import type { DjangoEnv } from '../../support/django.ts';

export const TOKEN = 'integration-test-token-0123456789';
export const AUTH = { authorization: `Bearer ${TOKEN}` };
export const REPO = resolve(import.meta.dirname, '../../..');

export interface Companion {
  server: CompanionServer;
  logs: string[];
  /** GET (or another method) with the token; the body is read exactly (big integers as bigint). */
  api(path: string, init?: RequestInit): Promise<{ status: number; text: string; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/**
 * Starts a companion over the given store URLs (`serve` flags parsed exactly as the CLI does).
 *
 * @example
 * const c = await startCompanion(['sqlite:///tmp/db.sqlite3'], ['--secret-key', key]);
 */
export async function startCompanion(stores: string[], flags: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Companion> {
  const argv = ['--port', '0', '--token', TOKEN, '--verbose', ...stores.flatMap((s) => ['--store', s]), ...flags];
  const config = parseServeConfig(argv, env, REPO) as CompanionConfig;
  const logs: string[] = [];
  const server = await startCompanionServer({ config, log: (l) => logs.push(l) });
  return {
    server,
    logs,
    async api(path, init = {}) {
      const res = await fetch(`${server.url}${path}`, { ...init, headers: { ...AUTH, ...(init.headers as Record<string, string>) }, signal: AbortSignal.timeout(15_000) });
      const text = await res.text();
      let body: unknown;
      try {
        body = text ? parseJson(text) : undefined;
      } catch {
        body = undefined;
      }
      return { status: res.status, text, body };
    },
    close: () => server.close(),
  };
}

/** The exact text form of a value (the codec's writer), so comparisons never round a big integer. */
export const exact = (v: unknown): string => stringifyJson(v as SessionValue);

/** The store URL of a prepared Django environment's database. */
export function databaseStore(dj: DjangoEnv): string {
  return dj.database;
}

/** The store URL of a prepared Django environment's cache, with its per-run KEY_PREFIX. */
export function cacheStore(dj: DjangoEnv): string {
  const cache = dj.env.SL_CACHE!;
  const prefix = dj.env.SL_CACHE_KEY_PREFIX ?? '';
  return `${cache}${cache.includes('?') ? '&' : '?'}key_prefix=${encodeURIComponent(prefix)}`;
}

/** The file engine's directory as a store URL. */
export function fileStore(dj: DjangoEnv): string {
  return `file://${dj.env.SL_SESSION_FILE_PATH}`;
}

/** (Re)starts whichever local service is down, exactly as CI does (scripts/services.sh). */
export function ensureServices(): void {
  execFileSync('bash', [resolve(REPO, 'scripts/services.sh')], { stdio: 'ignore', timeout: 60_000 });
}

/** Polls `fn` until it returns true or `ms` pass. */
export async function waitFor(fn: () => Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await fn().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, every));
  }
  return false;
}

/** The CLI as users run it. */
export const BIN = resolve(REPO, 'bin/session-lens.mjs');

/** A `session-lens serve` process and what it printed so far. */
export interface RunningServe {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `session-lens serve ARGS` as a real process (the bin, or `command` such as npx).
 *
 * @example
 * const run = spawnServe(['--port', '0'], { SESSION_LENS_STORE: dj.database });
 */
export function spawnServe(args: string[], env: Record<string, string>, command: string[] = [process.execPath, BIN]): RunningServe {
  const [cmd, ...pre] = command;
  const child = spawn(cmd!, [...pre, 'serve', ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits until `fn()` is true; throws after `ms`. */
export async function until(fn: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
