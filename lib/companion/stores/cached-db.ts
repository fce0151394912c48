/**
 * Django's `cached_db` engine: the cache first (`django.contrib.sessions.cached_db<key>`), the
 * database on a miss — and, like Django's `load()`, the database too when the cache fails
 * (django/contrib/sessions/backends/cached_db.py catches every cache error). A cache hit without a
 * TTL (memcached) takes its expiry from the database row. Lists come from the database, health from
 * both parts; deletes go to both.
 */
import { StoreUnavailableError } from '../errors.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';

/**
 * A cache in front of a database.
 *
 * @example
 * const store = new CachedDbStore(redisStore, postgresStore);
 */
export class CachedDbStore implements StoreAdapter {
  readonly kind = 'cached_db' as const;
  readonly canList: boolean;
  readonly name: string;

  constructor(
    readonly cache: StoreAdapter,
    readonly db: StoreAdapter,
  ) {
    this.name = `${cache.name} + ${db.name}`;
    this.canList = db.canList;
  }

  /** The two stores, for health. */
  get parts(): StoreAdapter[] {
    return [this.cache, this.db];
  }

  async get(key: string): Promise<StoredSession | null> {
    try {
      const hit = await this.cache.get(key);
      if (hit) {
        // memcached keeps no readable TTL: take the expiry from the database row, which has it.
        if (hit.expiry.kind === 'date' && hit.expiry.date === null) {
          const row = await this.db.get(key).catch(() => null);
          if (row) return { ...hit, expiry: row.expiry };
        }
        return hit;
      }
    } catch (e) {
      if (!(e instanceof StoreUnavailableError)) throw e;
    }
    return this.db.get(key);
  }

  async list(limit: number): Promise<ListedSession[]> {
    return this.db.list(limit);
  }

  async delete(key: string): Promise<boolean> {
    const [a, b] = await Promise.all([this.db.delete(key), this.cache.delete(key)]);
    return a || b;
  }

  /** Never called: the service updates the two parts one by one, each in its own format. */
  async update(_key: string, _next: StoredUpdate): Promise<boolean> {
    throw new Error('update the cache and the database parts separately');
  }

  async ping(): Promise<void> {
    await Promise.all([this.cache.ping(), this.db.ping()]);
  }

  async close(): Promise<void> {
    await Promise.all([this.cache.close(), this.db.close()]);
  }
}
