/**
 * What the three SQL adapters share: the queries (always parameterised; the table name is a
 * validated identifier, quoted as well) and reading `expire_date`.
 *
 * Django (USE_TZ=True) stores `expire_date` in UTC: SQLite and MySQL/MariaDB keep a naive text/DATETIME
 * like `2026-12-06 00:27:48.123456`, PostgreSQL a `timestamp with time zone`. Naive values are read as UTC.
 */
import { DEFAULT_LIMITS, LimitExceededError } from '../../codec/index.ts';
import type { StoredSession, StoredUpdate } from './types.ts';

/** A plain SQL identifier, the only shape of table name the companion puts into SQL. */
export const SQL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** Quotes a validated identifier with `"` (SQLite, PostgreSQL) or `` ` `` (MySQL). */
export function quoteIdentifier(name: string, quote: '"' | '`'): string {
  if (!SQL_IDENTIFIER.test(name)) throw new Error('table must be a plain SQL identifier');
  return `${quote}${name}${quote}`;
}

/** The statements every SQL store runs. `?` placeholders; PostgreSQL rewrites them to `$n`. */
export function sessionQueries(table: string, quote: '"' | '`') {
  const t = quoteIdentifier(table, quote);
  // An oversized session_data never leaves the database: only its length does (a huge row must
  // not become a huge allocation here; the codec would refuse it anyway).
  const data = `CASE WHEN LENGTH(session_data) <= ${MAX_SESSION_DATA} THEN session_data END AS session_data, LENGTH(session_data) AS session_data_length`;
  return {
    get: `SELECT ${data}, expire_date FROM ${t} WHERE session_key = ?`,
    list: `SELECT session_key, ${data}, expire_date FROM ${t} ORDER BY expire_date DESC LIMIT ?`,
    delete: `DELETE FROM ${t} WHERE session_key = ?`,
    // expire_date is left as it is: an edit changes what the session holds, not how long it lives.
    update: `UPDATE ${t} SET session_data = ? WHERE session_key = ?`,
    ping: `SELECT 1 FROM ${t} WHERE 1 = 0`,
  };
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Reads an `expire_date` as a driver returns it: a `Date`, or text (naive = UTC).
 *
 * @example
 * parseDbDate('2026-12-06 00:27:48.123456')?.toISOString() // '2026-12-06T00:27:48.123Z'
 */
export function parseDbDate(v: unknown): Date | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v;
  if (typeof v !== 'string') return null;
  const m = NAIVE.exec(v.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  const ms = frac ? Number(frac.padEnd(3, '0').slice(0, 3)) : 0;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (tz && tz !== 'Z') {
    const sign = tz[0] === '-' ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(t) ? null : new Date(t);
}

/** Longest session_data read from a database: the codec's input limit. */
export const MAX_SESSION_DATA = DEFAULT_LIMITS.maxInputLength;

/** A db row (`session_data`, `session_data_length`, `expire_date`) as a stored session. */
export function rowToSession(store: string, row: { session_data: unknown; session_data_length?: unknown; expire_date: unknown }): StoredSession {
  const expiry = { kind: 'date' as const, date: parseDbDate(row.expire_date) };
  const size = Number(row.session_data_length ?? 0);
  if ((row.session_data === null || row.session_data === undefined) && size > MAX_SESSION_DATA) {
    return {
      format: 'value',
      store,
      decode: () => {
        throw new LimitExceededError(`session_data of ${size} characters exceeds ${MAX_SESSION_DATA}`);
      },
      expiry,
    };
  }
  const v = row.session_data;
  const text = typeof v === 'string' ? v : Buffer.isBuffer(v) ? v.toString('utf8') : String(v ?? '');
  return { format: 'session_data', store, text, expiry };
}

/**
 * The text an SQL update writes, or a refusal for a cache's dict (never sent to a database).
 *
 * @example
 * sessionDataOf({ format: 'session_data', text: '.eJy…:1r…:Zx…' }) // '.eJy…:1r…:Zx…'
 */
export function sessionDataOf(next: StoredUpdate): string {
  if (next.format !== 'session_data') throw new Error('a database stores signed session_data');
  return next.text;
}
