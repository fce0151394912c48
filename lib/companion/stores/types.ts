/**
 * What every store adapter provides. Adapters get only validated session keys (see
 * `SessionKeySchema`); they never decode signed data themselves, and report an unreachable
 * store as a {@link StoreUnavailableError}.
 */
import type { SessionValue } from '../../codec/index.ts';
import type { StoreKind } from '../../protocol/index.ts';

/**
 * When a stored session expires.
 * - `date`: the store knows it (db `expire_date`, a cache TTL); `null` = no expiry kept.
 * - `file`: Django's file engine rule, which needs the data: `_session_expiry`, else the file's
 *   mtime + SESSION_COOKIE_AGE (django/contrib/sessions/backends/file.py `_expiry_date`).
 */
export type StoredExpiry = { kind: 'date'; date: Date | null } | { kind: 'file'; mtime: Date; cookieAge: number };

/**
 * A session as a store holds it.
 * - `session_data`: the signed (3.1+) or legacy text of the db and file engines, decoded by the codec's
 *   `decodeSessionData` with the secret keys.
 * - `value`: a cache entry, which holds the session dict itself (pickled by the cache backend); `decode`
 *   unpickles it safely and may throw a codec error.
 */
export type StoredSession =
  | { format: 'session_data'; store: string; text: string; expiry: StoredExpiry }
  | {
      format: 'value';
      store: string;
      decode: () => SessionValue;
      expiry: StoredExpiry;
      /** The stored bytes as a string (plus framing such as flags), when the same bytes always decode the same: a memo key. */
      raw?: string;
    };

/**
 * What {@link StoreAdapter.update} writes: the new signed `session_data` text (db and file stores),
 * or the new session dict (caches, which encode it as their current entry is encoded).
 */
export type StoredUpdate = { format: 'session_data'; text: string } | { format: 'value'; data: SessionValue };

/** One store. */
export interface StoreAdapter {
  /** The store URL without its password. */
  readonly name: string;
  readonly kind: StoreKind;
  /** Whether {@link StoreAdapter.list} can enumerate sessions. */
  readonly canList: boolean;
  /** The session under `key`, or `null` when the store does not have it. */
  get(key: string): Promise<StoredSession | null>;
  /** The `limit` most recent sessions (latest expiry first). Only when `canList`. */
  list(limit: number): Promise<ListedSession[]>;
  /** Removes `key`; true when something was removed. Only called with `--allow-write`. */
  delete(key: string): Promise<boolean>;
  /**
   * Replaces the data of an existing session and keeps its expiry (`expire_date`, the file's mtime,
   * the cache TTL); false when the store does not have the key. Only called with `--allow-write`.
   */
  update(key: string, next: StoredUpdate): Promise<boolean>;
  /** Throws a StoreUnavailableError when the store cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A listed session: the key plus the stored session — or, for one the store holds but will not
 * hand over (a value past the size cap), the key and why it was skipped.
 */
export type ListedSession = { key: string; session: StoredSession; skipped?: undefined } | { key: string; session?: undefined; skipped: 'ERR_TOO_LARGE' };
