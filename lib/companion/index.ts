export { decodeMemcachedValue, decodeRedisValue, PYMEMCACHE_FLAGS } from './cache-value.ts';
export {
  CompanionConfigSchema,
  ConfigError,
  DJANGO_STORE_DEFAULTS,
  parseFlags,
  parseServeConfig,
  parseStoreUrl,
  SERVE_HELP,
  StoreSpecSchema,
  type CompanionConfig,
  type StoreDefaults,
  type StoreSpec,
} from './config.ts';
export { CompanionError, describeFailure, StoreUnavailableError } from './errors.ts';
export { generateToken, hostName, isAllowedHost, isAllowedOrigin, RateLimiter, tokenChecker } from './security.ts';
export { COMPANION_VERSION, sessionBody } from './http-handler.ts';
export { startCompanionServer, type CompanionServer, type CompanionServerOptions } from './server.ts';
export {
  resolveExpiry,
  SessionService,
  userIdOf,
  type SessionRecord,
  type SessionServiceOptions,
  type SessionSummaryRecord,
} from './sessions.ts';
export { cacheKey, SESSION_CACHE_PREFIXES, type CacheEngine } from './stores/cache-keys.ts';
export { CachedDbStore } from './stores/cached-db.ts';
export { createStores, type CreateStoresOptions } from './stores/create.ts';
export { FileStore, type FileStoreOptions } from './stores/file.ts';
export { MemcachedStore, type MemcachedStoreOptions } from './stores/memcached.ts';
export { MysqlStore, type MysqlStoreOptions } from './stores/mysql.ts';
export { PostgresStore, type PostgresStoreOptions } from './stores/postgres.ts';
export { RedisStore, type RedisStoreOptions } from './stores/redis.ts';
export { parseDbDate, quoteIdentifier, sessionQueries, SQL_IDENTIFIER } from './stores/sql-common.ts';
export { SqliteStore, type SqliteStoreOptions } from './stores/sqlite.ts';
export type { ListedSession, StoreAdapter, StoredExpiry, StoredSession } from './stores/types.ts';
