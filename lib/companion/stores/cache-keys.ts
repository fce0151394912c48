/**
 * Where Django's cache session engines put a session in the cache.
 *
 * django/contrib/sessions/backends/cache.py: `KEY_PREFIX = "django.contrib.sessions.cache"`;
 * cached_db.py: `"django.contrib.sessions.cached_db"`; the cache then applies its key function,
 * django/core/cache/backends/base.py `default_key_func`: `'%s:%s:%s' % (key_prefix, version, key)`.
 */

/** The cache session engines and the prefix each puts before the session key. */
export const SESSION_CACHE_PREFIXES = Object.freeze({
  cache: 'django.contrib.sessions.cache',
  cached_db: 'django.contrib.sessions.cached_db',
});

/** Which cache engine wrote the entries. */
export type CacheEngine = keyof typeof SESSION_CACHE_PREFIXES;

/**
 * The full cache key of a session (before the session key itself when `key` is omitted).
 *
 * @example
 * cacheKey({ keyPrefix: '', version: 1, engine: 'cache' }, 'abc…') // ':1:django.contrib.sessions.cacheabc…'
 */
export function cacheKey(o: { keyPrefix: string; version: number; engine: CacheEngine }, key = ''): string {
  return `${o.keyPrefix}:${o.version}:${SESSION_CACHE_PREFIXES[o.engine]}${key}`;
}
