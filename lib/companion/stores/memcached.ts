/**
 * Django's `cache` engine (and the cache half of `cached_db`) on memcached through
 * PyMemcacheCache: the same key form as Redis, the value's type in the memcached flags (see
 * cache-value.ts). memcached cannot list keys nor tell a key's TTL, so sessions here are not
 * listed and their `expireDate` is `null`. memjs reconnects by itself on the next request. An update
 * (`--allow-write`) goes over the meta text protocol, which can keep the entry's TTL (memcached-meta.ts).
 */
import memjs from 'memjs';
import { decodeMemcachedValue, encodeMemcachedValue } from '../cache-value.ts';
import { CompanionError, describeFailure, StoreUnavailableError } from '../errors.ts';
import { metaReplace, metaTarget } from './memcached-meta.ts';
import { cacheKey, type CacheEngine } from './cache-keys.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';

/** Options of {@link MemcachedStore}. */
export interface MemcachedStoreOptions {
  name: string;
  /** `host:port` (memjs server string, `user:pass@host:port` for SASL). */
  servers: string;
  keyPrefix: string;
  version: number;
  engine: CacheEngine;
  /** Per-request timeout in ms (default 1000). */
  timeoutMs?: number;
}

const silent = { log: () => {} };

/**
 * Sessions in memcached.
 *
 * @example
 * const store = new MemcachedStore({ name: 'memcached://127.0.0.1:11211', servers: '127.0.0.1:11211', keyPrefix: '', version: 1, engine: 'cache' });
 */
export class MemcachedStore implements StoreAdapter {
  readonly kind = 'memcached' as const;
  readonly canList = false;
  readonly name: string;
  private readonly client: memjs.Client;

  constructor(private readonly opts: MemcachedStoreOptions) {
    this.name = opts.name;
    const seconds = (opts.timeoutMs ?? 1000) / 1000;
    this.client = memjs.Client.create(opts.servers, {
      retries: 0,
      failover: false,
      timeout: seconds,
      conntimeout: seconds,
      keepAlive: true,
      logger: silent,
    } as memjs.ClientOptions);
  }

  async get(key: string): Promise<StoredSession | null> {
    let r: { value: Buffer | null; flags: Buffer | null };
    try {
      r = await this.client.get(cacheKey(this.opts, key));
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
    if (!r.value) return null;
    const bytes = r.value;
    const flags = r.flags && r.flags.length >= 4 ? r.flags.readUInt32BE(0) : 0;
    const raw = bytes.length <= 65_536 ? `${flags}:${bytes.toString('latin1')}` : undefined;
    return { format: 'value', store: this.name, decode: () => decodeMemcachedValue(bytes, flags), expiry: { kind: 'date', date: null }, raw };
  }

  async list(_limit: number): Promise<ListedSession[]> {
    return [];
  }

  async delete(key: string): Promise<boolean> {
    try {
      return await this.client.delete(cacheKey(this.opts, key));
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  async update(key: string, next: StoredUpdate): Promise<boolean> {
    if (next.format !== 'value') throw new Error('a cache holds the session dict');
    const target = metaTarget(this.opts.servers, this.opts.timeoutMs ?? 1000);
    if (!target) throw new CompanionError('ERR_NOT_WRITABLE', 409, 'Editing needs a plain host:port memcached server (no SASL)', { store: this.name });
    try {
      return await metaReplace(target, cacheKey(this.opts, key), (_bytes, flags) => encodeMemcachedValue(next.data, flags));
    } catch (e) {
      if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('ERR_')) throw e; // a codec refusal
      if ((e as { code?: string }).code === 'ECONFLICT') throw new CompanionError('ERR_NOT_WRITABLE', 409, 'The session changed while it was being written; try again', { store: this.name });
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.get('session-lens:ping');
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
