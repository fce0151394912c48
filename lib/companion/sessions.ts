/**
 * Looks sessions up across the configured stores and decodes them: db/file `session_data` with the
 * codec's `decodeSessionData` and the secret keys (3.1+ signed and legacy formats), cache entries
 * with the safe pickle reader (they carry no signature, so `verified` is `null`). Works out
 * `expireDate` / `expired` per engine. Knows nothing about HTTP.
 */
import { decodeSessionData, isSessionLensError, isSessionObject, PyObject, toErrorInfo, toNumber, type SessionObject, type SessionValue } from '../codec/index.ts';
import { nodeBackend } from '../node/index.ts';
import type { StoreHealth, StoreKind } from '../protocol/index.ts';
import { describeFailure, StoreUnavailableError } from './errors.ts';
import { encodeForStore, unwritable } from './session-write.ts';
import { CachedDbStore } from './stores/cached-db.ts';
import { parseDbDate } from './stores/sql-common.ts';
import type { StoreAdapter, StoredExpiry, StoredSession, StoredUpdate } from './stores/types.ts';

/** A session found in a store, decoded. */
export interface SessionRecord {
  key: string;
  /** The store that answered. */
  store: string;
  expireDate: Date | null;
  expired: boolean;
  /** `null`: no secret key given, or a cache entry (no signature to check). */
  verified: boolean | null;
  /** The decoded session; `null` when it could not be read (see `error`). */
  data: SessionValue;
  /** Why the data did not verify or could not be read (codec `{ code, message }`). */
  error?: { code: string; message: string };
}

/** A row of a session list. */
export interface SessionSummaryRecord {
  key: string;
  store: string;
  expireDate: Date | null;
  expired: boolean;
  userId: string | null;
}

/** Options of {@link SessionService}. */
export interface SessionServiceOptions {
  /** SECRET_KEY then fallbacks. */
  keys: readonly string[];
  /** A custom session salt. */
  salt?: string;
  /** Milliseconds since the epoch (tests). */
  now?: () => number;
  /** Called when a store goes down or comes back (name and a short reason; never data). */
  onStoreState?: (store: string, up: boolean, reason?: string) => void;
  /** Health ping timeout, ms (default 1500). */
  pingTimeoutMs?: number;
}

function expiryDateOf(v: SessionValue | undefined): Date | null {
  if (v instanceof PyObject && v.type === 'datetime.datetime' && typeof v.fields.value === 'string') return parseDbDate(v.fields.value);
  return null;
}

/**
 * Works out when a session expires, the way its engine does.
 * - db: `expire_date` (Django loads only rows with `expire_date > now`).
 * - file: `_session_expiry` (a datetime, or seconds — Django then only treats ≤ 0 as expired), else
 *   mtime + SESSION_COOKIE_AGE (file.py `_expiry_date` + base.py `get_expiry_age`).
 * - cache: the TTL; a `_session_expiry` of ≤ 0 seconds or in the past marks it expired too.
 *
 * @example
 * resolveExpiry({ kind: 'date', date: new Date(0) }, {}, 'session_data', Date.now()) // { date: 1970…, expired: true }
 */
export function resolveExpiry(
  expiry: StoredExpiry,
  data: SessionValue,
  format: StoredSession['format'],
  now: number,
): { date: Date | null; expired: boolean } {
  const se = isSessionObject(data) ? data._session_expiry : undefined;
  const seconds = toNumber(se);
  const seDate = expiryDateOf(se);
  if (expiry.kind === 'file') {
    if (seDate) return { date: seDate, expired: seDate.getTime() <= now };
    if (seconds !== undefined && seconds !== 0) return { date: new Date(expiry.mtime.getTime() + seconds * 1000), expired: seconds <= 0 };
    const date = new Date(expiry.mtime.getTime() + expiry.cookieAge * 1000);
    return { date, expired: date.getTime() <= now };
  }
  let date = expiry.date;
  let expired = date !== null && date.getTime() <= now;
  if (format === 'value') {
    if (seconds !== undefined && seconds < 0) expired = true;
    if (seDate) {
      date ??= seDate;
      if (seDate.getTime() <= now) expired = true;
    }
  }
  return { date, expired };
}

/** `_auth_user_id` as text, when the session has one. */
export function userIdOf(data: SessionValue): string | null {
  if (!isSessionObject(data)) return null;
  const id = data._auth_user_id;
  if (typeof id === 'string') return id;
  if (typeof id === 'number' || typeof id === 'bigint') return String(id);
  return null;
}

/** What decoding stored text or bytes yields (memoised). Treat `data` as read-only. */
interface Decoded {
  data: SessionValue;
  verified: boolean | null;
  error?: { code: string; message: string };
}

/** How many of each store's latest sessions a user filter looks through. */
export const USER_SCAN = 1000;

/** Memo bounds: entries, and the longest input remembered (longer ones are decoded every time). */
const MEMO_ENTRIES = 2048;
const MEMO_MAX_INPUT = 16_384;

const withTimeout = <T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });

/**
 * The stores, searched in order.
 *
 * @example
 * const service = new SessionService(await createStores(config.stores, { readOnly: true, timeoutMs: 3000 }), { keys: [secret] });
 * const record = await service.get('abcdefgh12345678abcdefgh12345678'); // SessionRecord | null
 */
export class SessionService {
  private readonly now: () => number;
  private readonly state = new Map<string, boolean>();

  constructor(
    readonly stores: readonly StoreAdapter[],
    private readonly opts: SessionServiceOptions,
  ) {
    this.now = opts.now ?? Date.now;
  }

  /** The individual stores (a cached_db pair counts as its two parts). */
  get leaves(): StoreAdapter[] {
    return this.stores.flatMap((s) => (s instanceof CachedDbStore ? s.parts : [s]));
  }

  private note(store: string, up: boolean, reason?: string): void {
    const was = this.state.get(store);
    this.state.set(store, up);
    if (was !== up && !(was === undefined && up)) this.opts.onStoreState?.(store, up, reason);
  }

  private noteFailure(e: unknown): void {
    if (e instanceof StoreUnavailableError && e.store) this.note(e.store, false, e.reason);
  }

  private noteSuccess(s: StoreAdapter): void {
    if (!(s instanceof CachedDbStore)) this.note(s.name, true);
  }

  /**
   * Decoding is a pure function of the stored text or bytes (the keys and salt are fixed for the
   * server's life), so results are kept in a small LRU keyed by them: a busy session is verified
   * and decoded once, yet every request still reads the store, so changes show at once.
   */
  private readonly memo = new Map<string, Decoded>();

  private async decodeData(hit: StoredSession): Promise<Decoded> {
    const memoKey = hit.format === 'session_data' ? (hit.text.length <= MEMO_MAX_INPUT ? `s${hit.text}` : undefined) : hit.raw !== undefined ? `v${hit.raw}` : undefined;
    if (memoKey !== undefined) {
      const cached = this.memo.get(memoKey);
      if (cached) {
        this.memo.delete(memoKey);
        this.memo.set(memoKey, cached);
        return cached;
      }
    }
    const decoded = await this.decodeUncached(hit);
    if (memoKey !== undefined) {
      this.memo.set(memoKey, decoded);
      if (this.memo.size > MEMO_ENTRIES) this.memo.delete(this.memo.keys().next().value!);
    }
    return decoded;
  }

  private async decodeUncached(hit: StoredSession): Promise<Decoded> {
    let data: SessionValue = null;
    let verified: boolean | null = null;
    let error: SessionRecord['error'];
    if (hit.format === 'session_data') {
      if (hit.text === '') {
        data = Object.create(null) as SessionValue; // Django: an empty placeholder file is an empty session
      } else {
        try {
          const r = await decodeSessionData(hit.text, { keys: this.opts.keys, ...(this.opts.salt ? { salt: this.opts.salt } : {}) }, nodeBackend);
          data = r.data;
          verified = r.verified;
          if (r.error) error = toErrorInfo(r.error);
        } catch (e) {
          error = toErrorInfo(e);
          verified = this.opts.keys.length ? false : null;
        }
      }
    } else {
      try {
        data = hit.decode();
      } catch (e) {
        error = toErrorInfo(e);
      }
    }
    return { data, verified, ...(error ? { error } : {}) };
  }

  /** Decodes one stored session. Never throws for bad data: the error goes into the record. */
  async decode(key: string, hit: StoredSession): Promise<SessionRecord> {
    const { data, verified, error } = await this.decodeData(hit);
    const { date, expired } = resolveExpiry(hit.expiry, data, hit.format, this.now());
    return { key, store: hit.store, expireDate: date, expired, verified, data, ...(error ? { error } : {}) };
  }

  /**
   * The session under a validated key, from the first store that has it; `null` when none has it.
   * Throws a StoreUnavailableError when no store had it and one could not be asked.
   */
  async get(key: string): Promise<SessionRecord | null> {
    let unavailable: StoreUnavailableError | undefined;
    for (const s of this.stores) {
      let hit: StoredSession | null;
      try {
        hit = await s.get(key);
        this.noteSuccess(s);
      } catch (e) {
        this.noteFailure(e);
        if (e instanceof StoreUnavailableError) {
          unavailable ??= e;
          continue;
        }
        throw e;
      }
      if (hit) return this.decode(key, hit);
    }
    if (unavailable) throw unavailable;
    return null;
  }

  /**
   * The `limit` most recent sessions of every store that can list them (latest expiry first); with
   * `userId`, only that user's, looked for among the latest {@link USER_SCAN} of each store.
   */
  async list(limit: number, userId?: string): Promise<{ sessions: SessionSummaryRecord[]; unlisted: { store: string; reason: string; count?: number }[] }> {
    const unlisted: { store: string; reason: string; count?: number }[] = [];
    const sessions: SessionSummaryRecord[] = [];
    let firstDown: StoreUnavailableError | undefined;
    let listable = 0;
    for (const s of this.stores) {
      if (!s.canList) {
        unlisted.push({ store: s.name, reason: 'ERR_LIST_UNSUPPORTED' });
        continue;
      }
      listable++;
      try {
        const rows = await s.list(userId === undefined ? limit : Math.max(limit, USER_SCAN));
        this.noteSuccess(s);
        let tooLarge = 0;
        for (const { key, session } of rows) {
          if (!session) {
            tooLarge++;
            continue;
          }
          const r = await this.decode(key, session);
          if (userId !== undefined && userIdOf(r.data) !== userId) continue;
          sessions.push({ key, store: r.store, expireDate: r.expireDate, expired: r.expired, userId: userIdOf(r.data) });
        }
        // Sessions the store holds but would not hand over (past the size cap): said, not hidden.
        if (tooLarge) unlisted.push({ store: s.name, reason: 'ERR_TOO_LARGE', count: tooLarge });
      } catch (e) {
        this.noteFailure(e);
        if (!(e instanceof StoreUnavailableError)) throw e;
        firstDown ??= e;
        unlisted.push({ store: s.name, reason: 'ERR_STORE_UNAVAILABLE' });
      }
    }
    if (firstDown && sessions.length === 0 && unlisted.filter((u) => u.reason === 'ERR_STORE_UNAVAILABLE').length === listable) throw firstDown;
    const t = (d: Date | null) => (d ? d.getTime() : Number.NEGATIVE_INFINITY);
    sessions.sort((a, b) => t(b.expireDate) - t(a.expireDate));
    return { sessions: sessions.slice(0, limit), unlisted };
  }

  /** Deletes the key from every store; returns the names of the stores that had it. */
  async delete(key: string): Promise<string[]> {
    const deleted: string[] = [];
    for (const s of this.stores) {
      try {
        if (await s.delete(key)) deleted.push(s.name);
      } catch (e) {
        this.noteFailure(e);
        throw e;
      }
    }
    return deleted;
  }

  /**
   * Replaces the session's data in every store that has the key (for cached_db, the cache entry and
   * the row), each in the format it already holds, keeping the expiry. Every new value is made
   * before anything is written, so a refusal (409/422) writes nothing. Returns the names of the
   * stores written, or `null` when none has the key.
   */
  async update(key: string, data: SessionObject): Promise<string[] | null> {
    const plan: { store: StoreAdapter; next: StoredUpdate }[] = [];
    for (const leaf of this.leaves) {
      let hit: StoredSession | null;
      try {
        hit = await leaf.get(key);
      } catch (e) {
        this.noteFailure(e);
        throw e;
      }
      if (hit) plan.push({ store: leaf, next: await encodeForStore(hit, data, { keys: this.opts.keys, salt: this.opts.salt }) });
    }
    if (plan.length === 0) return null;
    const updated: string[] = [];
    for (const { store, next } of plan) {
      try {
        if (await store.update(key, next)) updated.push(store.name);
      } catch (e) {
        this.noteFailure(e);
        // django-redis's JSON serializer is only known once the entry is read again: its refusal.
        if (isSessionLensError(e)) throw unwritable(e.message, store.name);
        throw e;
      }
    }
    return updated;
  }

  /** Pings every store (in parallel, each with a timeout). */
  async health(): Promise<{ name: string; kind: StoreKind; reachable: boolean; error?: string; canList: boolean }[]> {
    const ms = this.opts.pingTimeoutMs ?? 1500;
    return Promise.all(
      this.leaves.map(async (s): Promise<StoreHealth> => {
        try {
          await withTimeout(s.ping(), ms, () => new StoreUnavailableError(s.name, 'ETIMEDOUT'));
          this.note(s.name, true);
          return { name: s.name, kind: s.kind, reachable: true, canList: s.canList };
        } catch (e) {
          const reason = e instanceof StoreUnavailableError ? e.reason : describeFailure(e);
          this.note(s.name, false, reason);
          return { name: s.name, kind: s.kind, reachable: false, error: reason, canList: s.canList };
        }
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.stores.map((s) => s.close().catch(() => {})));
  }
}
