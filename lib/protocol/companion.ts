/**
 * The companion server's HTTP API, as zod schemas: one source of truth for the server
 * (lib/companion) and for the extension that calls it. This file imports only zod.
 *
 * ```
 * GET    /v1/health               → HealthResponse                 (no token needed)
 * GET    /v1/sessions?limit=N[&user=ID] → SessionListResponse
 * GET    /v1/sessions/{key}       → SessionFoundResponse | 404 SessionNotFoundResponse
 * PUT    /v1/sessions/{key}       SessionUpdateRequest → SessionUpdateResponse (only with --allow-write)
 * DELETE /v1/sessions/{key}       → SessionDeleteResponse          (only with --allow-write)
 * any failure                     → ErrorResponse `{ ok: false, code, message }`
 * ```
 *
 * The `data` of a session is the decoded session exactly as the codec's `stringifyJson` writes it:
 * integers beyond 2^53 appear as plain JSON digits, so read a response body with the codec's
 * `parseJson` (not `JSON.parse`) when exact big integers matter.
 */
import { z } from 'zod';

/** The companion's default port. */
export const COMPANION_DEFAULT_PORT = 8399;

/** The API version prefix of every path. */
export const COMPANION_API_PREFIX = '/v1';

/**
 * The session key rule as a RegExp, for code that checks keys it finds in a store (file names,
 * cache keys). {@link SessionKeySchema} applies the same rule.
 *
 * @example
 * SESSION_KEY_PATTERN.test('abcdefgh12345678') // true
 */
export const SESSION_KEY_PATTERN = /^[a-z0-9]{8,40}$/;

/**
 * A session key as the companion accepts it: 8–40 characters of `[a-z0-9]`. Django's own keys are
 * 32 characters of that alphabet (django/contrib/sessions/backends/base.py `VALID_KEY_CHARS`, and
 * `_validate_session_key` wants at least 8); the db column is `varchar(40)`.
 *
 * @example
 * SessionKeySchema.safeParse('a'.repeat(32)).success // true
 * SessionKeySchema.safeParse('../etc/passwd').success // false
 */
export const SessionKeySchema = z.string().regex(SESSION_KEY_PATTERN, 'A session key is 8–40 characters of [a-z0-9]');

/** The kinds of store the companion reads. `cached_db` is a cache in front of a database. */
export const StoreKindSchema = z.enum(['sqlite', 'postgres', 'mysql', 'redis', 'memcached', 'file', 'cached_db']);
/** A store kind. */
export type StoreKind = z.infer<typeof StoreKindSchema>;

/** Every error code the companion puts on the wire (besides the codec's own `ERR_*` codes in `error`). */
export const CompanionErrorCodeSchema = z.enum([
  'ERR_UNAUTHORIZED',
  'ERR_FORBIDDEN_HOST',
  'ERR_FORBIDDEN_ORIGIN',
  'ERR_BAD_KEY',
  'ERR_BAD_REQUEST',
  'ERR_NOT_FOUND',
  'ERR_METHOD_NOT_ALLOWED',
  'ERR_READ_ONLY',
  'ERR_TOO_LARGE',
  'ERR_RATE_LIMITED',
  'ERR_STORE_UNAVAILABLE',
  'ERR_TIMEOUT',
  'ERR_LIST_UNSUPPORTED',
  'ERR_UNSUPPORTED_MEDIA_TYPE',
  'ERR_NO_SECRET_KEY',
  'ERR_NOT_WRITABLE',
  'ERR_UNWRITABLE_VALUE',
  'ERR_INTERNAL',
]);
/** A companion error code. */
export type CompanionErrorCode = z.infer<typeof CompanionErrorCodeSchema>;

/**
 * Any failure: `{ ok: false, code, message }` (STYLE.md "Errors"). `store` names the store at fault
 * for `ERR_STORE_UNAVAILABLE` / `ERR_TIMEOUT`.
 *
 * @example
 * ErrorResponseSchema.parse({ ok: false, code: 'ERR_UNAUTHORIZED', message: 'Missing or wrong bearer token' })
 */
export const ErrorResponseSchema = z.object({
  ok: z.literal(false),
  code: CompanionErrorCodeSchema,
  message: z.string(),
  store: z.string().optional(),
});
/** A failure on the wire. */
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** One configured store as health reports it. `name` is the store URL with any password removed. */
export const StoreHealthSchema = z.object({
  name: z.string(),
  kind: StoreKindSchema,
  reachable: z.boolean(),
  /** Why it is not reachable (a short code-like reason, never a secret). */
  error: z.string().optional(),
  /** Whether `GET /v1/sessions` can list this store. */
  canList: z.boolean(),
});
/** A store's health. */
export type StoreHealth = z.infer<typeof StoreHealthSchema>;

/**
 * `GET /v1/health`. Without a token: only `{ ok: true, name, version }` (the server is alive). With
 * the token: also `readOnly` and the stores, and whether each is reachable.
 *
 * @example
 * HealthResponseSchema.parse({ ok: true, name: 'session-lens-companion', version: '0.1.0', readOnly: true,
 *   stores: [{ name: 'redis://127.0.0.1:6379/0', kind: 'redis', reachable: true, canList: true }] })
 */
export const HealthResponseSchema = z.object({
  ok: z.boolean(),
  name: z.literal('session-lens-companion'),
  version: z.string(),
  readOnly: z.boolean().optional(),
  stores: z.array(StoreHealthSchema).optional(),
});
/** The health answer. */
export type HealthResponse = z.infer<typeof HealthResponseSchema>;

/** An ISO 8601 instant (UTC, `Z`), or `null` when the store keeps no expiry for the session. */
const ExpireDateSchema = z.string().nullable();

/** The codec's `{ code, message }` when the stored data could not be read or did not verify. */
export const DecodeErrorSchema = z.object({ code: z.string(), message: z.string() });

/**
 * `GET /v1/sessions/{key}` when the key exists.
 * - `store`: the store that answered (for `cached_db`, the cache or the database behind it).
 * - `expired`: the store's expiry has passed (Django would treat the session as empty).
 * - `verified`: `true`/`false` for signed `session_data` checked against the secret keys, `null` when no key
 *   was given or the store holds the session dict itself (cache engines keep no signature).
 * - `data`: the decoded session, exact; `null` when it could not be read at all (then `error` says why).
 *
 * @example
 * SessionFoundResponseSchema.parse({ key: 'a'.repeat(32), found: true, store: 'sqlite:///db.sqlite3',
 *   expireDate: '2026-12-06T00:00:00.000Z', expired: false, verified: true, data: { _auth_user_id: '1' } })
 */
export const SessionFoundResponseSchema = z.object({
  key: SessionKeySchema,
  found: z.literal(true),
  store: z.string(),
  expireDate: ExpireDateSchema,
  expired: z.boolean(),
  verified: z.boolean().nullable(),
  data: z.unknown(),
  error: DecodeErrorSchema.optional(),
});
/** A found session. */
export type SessionFoundResponse = z.infer<typeof SessionFoundResponseSchema>;

/**
 * `GET /v1/sessions/{key}` (status 404) when no store has the key.
 *
 * @example
 * SessionNotFoundResponseSchema.parse({ key: 'a'.repeat(32), found: false })
 */
export const SessionNotFoundResponseSchema = z.object({
  key: SessionKeySchema.optional(),
  found: z.literal(false),
});
/** An unknown session. */
export type SessionNotFoundResponse = z.infer<typeof SessionNotFoundResponseSchema>;

/**
 * Either answer of `GET /v1/sessions/{key}`.
 *
 * @example
 * const r = SessionResponseSchema.parse(body); if (r.found) show(r.data)
 */
export const SessionResponseSchema = z.discriminatedUnion('found', [SessionFoundResponseSchema, SessionNotFoundResponseSchema]);
/** Either session answer. */
export type SessionResponse = z.infer<typeof SessionResponseSchema>;

/**
 * The query of `GET /v1/sessions`: `limit` 1–1000, default 50; `user` keeps only the sessions whose
 * `_auth_user_id` is that (looked for among the latest 1000 of each store).
 */
export const SessionListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  user: z.string().min(1).max(150).optional(),
});
/** A parsed list query. */
export type SessionListQuery = z.infer<typeof SessionListQuerySchema>;

/** One row of a session list. `userId` is the session's `_auth_user_id`, when it has one. */
export const SessionSummarySchema = z.object({
  key: SessionKeySchema,
  store: z.string(),
  expireDate: ExpireDateSchema,
  expired: z.boolean(),
  userId: z.string().nullable(),
});
/** A listed session. */
export type SessionSummary = z.infer<typeof SessionSummarySchema>;

/**
 * `GET /v1/sessions?limit=N`: the most recent sessions (latest expiry first) of every store that can
 * list them; `unlisted` names the stores that cannot (memcached) or did not answer.
 *
 * @example
 * SessionListResponseSchema.parse({ sessions: [], unlisted: [{ store: 'memcached://127.0.0.1:11211', reason: 'ERR_LIST_UNSUPPORTED' }] })
 */
export const SessionListResponseSchema = z.object({
  sessions: z.array(SessionSummarySchema),
  /** Stores not listed (`ERR_LIST_UNSUPPORTED`, `ERR_STORE_UNAVAILABLE`), or sessions skipped (`ERR_TOO_LARGE`, with `count`). */
  unlisted: z.array(z.object({ store: z.string(), reason: z.string(), count: z.number().int().optional() })),
});
/** A session list. */
export type SessionListResponse = z.infer<typeof SessionListResponseSchema>;

/**
 * `DELETE /v1/sessions/{key}` (only when the server runs with `--allow-write`): `deleted` lists the
 * stores the key was removed from.
 *
 * @example
 * SessionDeleteResponseSchema.parse({ key: 'a'.repeat(32), deleted: ['sqlite:///db.sqlite3'] })
 */
export const SessionDeleteResponseSchema = z.object({
  key: SessionKeySchema,
  deleted: z.array(z.string()),
});
/** A delete answer. */
export type SessionDeleteResponse = z.infer<typeof SessionDeleteResponseSchema>;

/** Largest PUT body, in bytes (Django's own sessions are a few KiB; the codec reads up to 1 MiB). */
export const COMPANION_MAX_BODY = 256 * 1024;

/**
 * The body of `PUT /v1/sessions/{key}` (only with `--allow-write`), sent as `application/json`:
 * the whole new session dict in `data`, written with the codec's exact JSON (`stringifyJson`; big
 * integers as plain digits, Python-only values as `{"$py": …}`). The server reads it back with the
 * codec's `parseExactJson` and checks this shape. It replaces the session's data in every store
 * that has the key, in the format that store already holds, and keeps the expiry as it is.
 *
 * Refusals: `409 ERR_NOT_WRITABLE` when the stored session cannot be written back exactly (a
 * PickleSerializer `session_data`, one that does not verify with the server's SECRET_KEY),
 * `409 ERR_NO_SECRET_KEY` when signed data needs a key the server was not given,
 * `422 ERR_UNWRITABLE_VALUE` when a value cannot be held exactly by the store's serializer (a tuple
 * or datetime in JSON), `404` when no store has the key.
 *
 * @example
 * SessionUpdateRequestSchema.parse({ data: { _auth_user_id: '2' } })
 */
export const SessionUpdateRequestSchema = z.object({
  data: z
    .record(z.string(), z.unknown())
    .refine((v) => Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null, 'data must be a JSON object'),
});
/** A PUT body. */
export type SessionUpdateRequest = z.infer<typeof SessionUpdateRequestSchema>;

/**
 * `PUT /v1/sessions/{key}`: `updated` lists the stores whose copy was rewritten.
 *
 * @example
 * SessionUpdateResponseSchema.parse({ key: 'a'.repeat(32), updated: ['sqlite:///db.sqlite3'] })
 */
export const SessionUpdateResponseSchema = z.object({
  key: SessionKeySchema,
  updated: z.array(z.string()),
});
/** An update answer. */
export type SessionUpdateResponse = z.infer<typeof SessionUpdateResponseSchema>;
