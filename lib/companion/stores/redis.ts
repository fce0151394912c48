/**
 * Django's `cache` engine (and the cache half of `cached_db`) on Redis, as django-redis or Django's
 * RedisCache write it: key `KEY_PREFIX:VERSION:django.contrib.sessions.cache<key>`, value a pickle
 * (see cache-value.ts), expiry = the key's TTL.
 *
 * Only reads are sent (EVALSHA of a `no-writes` script, SCAN, PTTL, GET, PING; DEL and
 * `SET … XX KEEPTTL` only with `--allow-write`). While Redis is down every request fails fast with 503 — nothing is queued —
 * and the next request reconnects, so the companion answers again as soon as Redis is back.
 * Listing uses SCAN (bounded), never KEYS. A value larger than the cap (default 8 MiB, the codec's
 * decompressed-size limit) is never transferred: the script checks STRLEN first, so that key answers
 * 413 ERR_TOO_LARGE, listing skips it, and the shared connection is untouched.
 */
import { createHash } from 'node:crypto';
import { decodeRedisValue, encodeRedisValue } from '../cache-value.ts';
import { DEFAULT_LIMITS } from '../../codec/index.ts';
import { CompanionError, describeFailure, StoreUnavailableError } from '../errors.ts';
import { cacheKey, type CacheEngine } from './cache-keys.ts';
import { RespClient, RespError, respOptionsFromUrl, type RespValue } from './resp.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';
import { SESSION_KEY_PATTERN as KEY_RE } from '../../protocol/index.ts';

/** Options of {@link RedisStore}. */
export interface RedisStoreOptions {
  name: string;
  url: string;
  keyPrefix: string;
  version: number;
  engine: CacheEngine;
  /** Per-command timeout in ms (default 2000). */
  timeoutMs?: number;
  /** Largest value read, in bytes (default: the codec's decompressed-size cap, 8 MiB). */
  maxBytes?: number;
  /** Most keys SCAN visits for one list (default 10 000). */
  maxScan?: number;
  now?: () => number;
}

const globEscape = (s: string) => s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);

/**
 * GET and PTTL of one key, atomically and in one round trip; declared `no-writes` (Redis 7).
 * A value longer than ARGV[1] bytes is not sent: the reply is `{false, pttl, length}` instead.
 */
const GET_WITH_TTL = `#!lua flags=no-writes
local t = redis.call('PTTL', KEYS[1])
if t == -2 then return {false, -2} end
local n = redis.call('STRLEN', KEYS[1])
if n > tonumber(ARGV[1]) then return {false, t, n} end
return {redis.call('GET', KEYS[1]), t}`;
const GET_WITH_TTL_SHA = createHash('sha1').update(GET_WITH_TTL).digest('hex');

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
  private readonly client: RespClient;
  private readonly now: () => number;

  constructor(private readonly opts: RedisStoreOptions) {
    this.name = opts.name;
    this.now = opts.now ?? Date.now;
    this.client = new RespClient(respOptionsFromUrl(opts.url, opts.timeoutMs ?? 2000));
  }

  /** Connects now (best effort), so the first request finds the connection open. */
  async ready(): Promise<void> {
    await this.client.command(['PING']).catch(() => {});
  }

  private async run(args: readonly (string | Buffer | number)[]): Promise<RespValue> {
    try {
      return await this.client.command(args);
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  private entry(bytes: Buffer, pttl: number): StoredSession {
    const date = pttl >= 0 ? new Date(this.now() + pttl) : null;
    const raw = bytes.length <= 65_536 ? bytes.toString('latin1') : undefined;
    return { format: 'value', store: this.name, decode: () => decodeRedisValue(bytes), expiry: { kind: 'date', date }, raw };
  }

  private get maxBytes(): number {
    return this.opts.maxBytes ?? DEFAULT_LIMITS.maxDecompressedSize;
  }

  /** The value and PTTL of a full cache key; `tooLarge` (and no bytes) past the cap. */
  private async fetch(k: string): Promise<{ bytes: Buffer | null; pttl: number; tooLarge?: number }> {
    let reply: RespValue;
    try {
      reply = await this.client.command(['EVALSHA', GET_WITH_TTL_SHA, 1, k, this.maxBytes]);
    } catch (e) {
      if (!(e instanceof RespError && e.code === 'NOSCRIPT')) throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
      reply = await this.run(['EVAL', GET_WITH_TTL, 1, k, this.maxBytes]); // loads the script; EVALSHA works from now on
    }
    const [bytes, pttl, length] = Array.isArray(reply) ? reply : [null, -2];
    if (typeof length === 'number') return { bytes: null, pttl: Number(pttl), tooLarge: length };
    return { bytes: Buffer.isBuffer(bytes) ? bytes : null, pttl: Number(pttl) };
  }

  async get(key: string): Promise<StoredSession | null> {
    const { bytes, pttl, tooLarge } = await this.fetch(cacheKey(this.opts, key));
    if (tooLarge !== undefined) {
      throw new CompanionError('ERR_TOO_LARGE', 413, `The stored session is ${tooLarge} bytes, more than the ${this.maxBytes}-byte limit`, { store: this.name });
    }
    return bytes ? this.entry(bytes, pttl) : null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    const prefix = cacheKey(this.opts);
    const max = this.opts.maxScan ?? 10_000;
    const keys: string[] = [];
    let cursor = '0';
    do {
      const reply = (await this.run(['SCAN', cursor, 'MATCH', `${globEscape(prefix)}*`, 'COUNT', 1000])) as [Buffer, Buffer[]];
      cursor = reply[0].toString('latin1');
      for (const b of reply[1]) {
        const k = b.toString('utf8');
        if (k.startsWith(prefix) && KEY_RE.test(k.slice(prefix.length))) keys.push(k);
      }
    } while (cursor !== '0' && keys.length < max);
    if (keys.length === 0) return [];
    const ttls = (await Promise.all(keys.map((k) => this.run(['PTTL', k])))) as number[];
    // Most recent first: the longest remaining TTL (no TTL at all counts as newest).
    const order = keys.map((k, i) => ({ k, ttl: ttls[i]! === -1 ? Number.MAX_SAFE_INTEGER : ttls[i]! })).filter((o) => o.ttl !== -2);
    order.sort((a, b) => b.ttl - a.ttl);
    const top = order.slice(0, limit);
    const values = await Promise.all(top.map((t) => this.fetch(t.k)));
    const out: ListedSession[] = [];
    top.forEach((t, i) => {
      const v = values[i]!;
      const key = t.k.slice(prefix.length);
      if (v.tooLarge !== undefined) out.push({ key, skipped: 'ERR_TOO_LARGE' });
      else if (v.bytes) out.push({ key, session: this.entry(v.bytes, v.pttl) });
    });
    return out;
  }

  async delete(key: string): Promise<boolean> {
    return ((await this.run(['DEL', cacheKey(this.opts, key)])) as number) > 0;
  }

  /** Rewrites an existing entry in its current framing; `XX KEEPTTL`: never creates one, keeps its TTL. */
  async update(key: string, next: StoredUpdate): Promise<boolean> {
    if (next.format !== 'value') throw new Error('a cache holds the session dict');
    const k = cacheKey(this.opts, key);
    const { bytes, tooLarge } = await this.fetch(k);
    if (tooLarge !== undefined) throw new CompanionError('ERR_TOO_LARGE', 413, `The stored session is ${tooLarge} bytes, more than the ${this.maxBytes}-byte limit`, { store: this.name });
    if (!bytes) return false;
    const value = Buffer.from(encodeRedisValue(next.data, bytes));
    return (await this.run(['SET', k, value, 'XX', 'KEEPTTL'])) !== null;
  }

  async ping(): Promise<void> {
    await this.run(['PING']);
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
