/**
 * Django's `cache` engine (and the cache half of `cached_db`) on Redis, as django-redis or Django's
 * RedisCache write it: key `KEY_PREFIX:VERSION:django.contrib.sessions.cache<key>`, value a pickle
 * (see cache-value.ts), expiry = the key's TTL.
 *
 * ioredis runs with no offline queue and no per-request retries, so while Redis is down every
 * request fails fast with 503; it keeps reconnecting in the background and answers again as soon
 * as Redis is back. Listing uses SCAN (bounded), never KEYS.
 */
import { Redis } from 'ioredis';
import { decodeRedisValue } from '../cache-value.ts';
import { describeFailure, StoreUnavailableError } from '../errors.ts';
import { cacheKey, type CacheEngine } from './cache-keys.ts';
import type { ListedSession, StoreAdapter, StoredSession } from './types.ts';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  name: string;
  url: string;
  keyPrefix: string;
  version: number;
  engine: CacheEngine;
  /** Per-command timeout in ms (default 2000). */
  timeoutMs?: number;
  /** Most keys SCAN visits for one list (default 10 000). */
  maxScan?: number;
  now?: () => number;
}

const KEY_RE = /^[a-z0-9]{8,40}$/;

/** GET and PTTL of one key, atomically and in one round trip; writes nothing. */
const GET_WITH_TTL = `#!lua flags=no-writes
local v = redis.call('GET', KEYS[1])
if not v then return {false, -2} end
return {v, redis.call('PTTL', KEYS[1])}`;

interface GetWithTtl {
  sessionLensGetBuffer(key: string): Promise<[Buffer | null, number]>;
}
const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * Sessions in Redis.
 *
 * @example
 * const store = new RedisStore({ name: 'redis://127.0.0.1:6379/0', url: 'redis://127.0.0.1:6379/0', keyPrefix: '', version: 1, engine: 'cache' });
 * await store.ready();
 */
export class RedisStore implements StoreAdapter {
  readonly kind = 'redis' as const;
  readonly canList = true;
  readonly name: string;
  private readonly redis: Redis;
  private readonly now: () => number;

  constructor(private readonly opts: RedisStoreOptions) {
    this.name = opts.name;
    this.now = opts.now ?? Date.now;
    const timeout = opts.timeoutMs ?? 2000;
    this.redis = new Redis(opts.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: Math.min(timeout, 2000),
      commandTimeout: timeout,
      retryStrategy: (times) => Math.min(50 * times, 500),
      enableAutoPipelining: false, // measured: per-command pipelines cost more CPU than they save here
      connectionName: 'session-lens-companion',
    });
    // Connection errors are reported per request (503) and through health; never crash on them.
    this.redis.on('error', () => {});
    // The value and its TTL in one round trip (EVALSHA; a read-only script).
    this.redis.defineCommand('sessionLensGet', { numberOfKeys: 1, lua: GET_WITH_TTL });
  }

  /** Resolves once connected, or after `ms` (the store then reports itself unavailable until it connects). */
  async ready(ms = 2000): Promise<void> {
    if (this.redis.status === 'ready') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.redis.once('ready', done);
    });
  }

  private fail(e: unknown): never {
    throw new StoreUnavailableError(this.name, this.redis.status === 'ready' ? describeFailure(e) : `not connected (${describeFailure(e)})`, { cause: e });
  }

  private entry(bytes: Buffer, pttl: number): StoredSession {
    const date = pttl >= 0 ? new Date(this.now() + pttl) : null;
    const raw = bytes.length <= 65_536 ? bytes.toString('latin1') : undefined;
    return { format: 'value', store: this.name, decode: () => decodeRedisValue(bytes), expiry: { kind: 'date', date }, raw };
  }

  async get(key: string): Promise<StoredSession | null> {
    const k = cacheKey(this.opts, key);
    let reply: [Buffer | null, number];
    try {
      reply = await (this.redis as unknown as GetWithTtl).sessionLensGetBuffer(k);
    } catch (e) {
      this.fail(e);
    }
    const [bytes, pttl] = reply;
    return bytes ? this.entry(bytes, Number(pttl)) : null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    const prefix = cacheKey(this.opts);
    const max = this.opts.maxScan ?? 10_000;
    const keys: string[] = [];
    try {
      let cursor = '0';
      do {
        const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000);
        cursor = next;
        for (const k of batch) if (KEY_RE.test(k.slice(prefix.length))) keys.push(k);
      } while (cursor !== '0' && keys.length < max);
      if (keys.length === 0) return [];
      const ttls = await Promise.all(keys.map((k) => this.redis.pttl(k)));
      // Most recent first: the longest remaining TTL (no TTL at all counts as newest).
      const order = keys.map((k, i) => ({ k, ttl: ttls[i]! < 0 ? Number.MAX_SAFE_INTEGER : ttls[i]! })).sort((a, b) => b.ttl - a.ttl);
      const top = order.slice(0, limit);
      const values = await Promise.all(top.map((t) => this.redis.getBuffer(t.k)));
      const out: ListedSession[] = [];
      top.forEach((t, i) => {
        const v = values[i];
        if (v) out.push({ key: t.k.slice(prefix.length), session: this.entry(v, t.ttl === Number.MAX_SAFE_INTEGER ? -1 : t.ttl) });
      });
      return out;
    } catch (e) {
      this.fail(e);
    }
  }

  async delete(key: string): Promise<boolean> {
    try {
      return (await this.redis.del(cacheKey(this.opts, key))) > 0;
    } catch (e) {
      this.fail(e);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.redis.ping();
    } catch (e) {
      this.fail(e);
    }
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
