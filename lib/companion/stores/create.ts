/**
 * Store adapters from parsed store URLs. A cache followed by a database (exactly two stores)
 * is Django's `cached_db` engine; a cache given alone is the `cache` engine. `?engine=` on a cache
 * URL overrides either guess.
 */
import type { StoreSpec } from '../config.ts';
import { CachedDbStore } from './cached-db.ts';
import type { CacheEngine } from './cache-keys.ts';
import { FileStore } from './file.ts';
import { MemcachedStore } from './memcached.ts';
import { MysqlStore } from './mysql.ts';
import { PostgresStore } from './postgres.ts';
import { RedisStore } from './redis.ts';
import { SqliteStore } from './sqlite.ts';
import type { StoreAdapter } from './types.ts';

/** Options every adapter shares. */
export interface CreateStoresOptions {
  /** Open databases read-only (everything but `--allow-write`). */
  readOnly: boolean;
  /** Per-operation timeout for the stores, in ms. */
  timeoutMs: number;
}

const isCache = (s: StoreSpec) => s.kind === 'redis' || s.kind === 'memcached';
const isDb = (s: StoreSpec) => s.kind === 'sqlite' || s.kind === 'postgres' || s.kind === 'mysql';

function createOne(spec: StoreSpec, engine: CacheEngine, o: CreateStoresOptions): StoreAdapter {
  switch (spec.kind) {
    case 'sqlite':
      return new SqliteStore({ name: spec.name, path: spec.path, table: spec.table, readOnly: o.readOnly });
    case 'postgres':
      return new PostgresStore({ name: spec.name, url: spec.url, table: spec.table, readOnly: o.readOnly, timeoutMs: o.timeoutMs });
    case 'mysql':
      return new MysqlStore({ name: spec.name, url: spec.url, table: spec.table, readOnly: o.readOnly, timeoutMs: o.timeoutMs });
    case 'redis':
      return new RedisStore({ name: spec.name, url: spec.url, keyPrefix: spec.keyPrefix, version: spec.version, engine: spec.engine ?? engine, timeoutMs: o.timeoutMs });
    case 'memcached':
      return new MemcachedStore({ name: spec.name, servers: spec.servers, keyPrefix: spec.keyPrefix, version: spec.version, engine: spec.engine ?? engine, timeoutMs: Math.min(o.timeoutMs, 2000) });
    case 'file':
      return new FileStore({ name: spec.name, dir: spec.dir, prefix: spec.prefix, cookieAge: spec.cookieAge });
  }
}

/**
 * Creates the adapters (and waits briefly for Redis to connect, so the first request finds it ready).
 *
 * @example
 * const stores = await createStores(config.stores, { readOnly: !config.allowWrite, timeoutMs: 3000 });
 */
export async function createStores(specs: readonly StoreSpec[], o: CreateStoresOptions): Promise<StoreAdapter[]> {
  let stores: StoreAdapter[];
  const [a, b] = specs;
  if (specs.length === 2 && a && b && isCache(a) && isDb(b)) {
    stores = [new CachedDbStore(createOne(a, 'cached_db', o), createOne(b, 'cache', o))];
  } else {
    stores = specs.map((s) => createOne(s, 'cache', o));
  }
  const leaves = stores.flatMap((s) => (s instanceof CachedDbStore ? s.parts : [s]));
  await Promise.all(leaves.map((s) => (s instanceof RedisStore ? s.ready() : undefined)));
  return stores;
}
