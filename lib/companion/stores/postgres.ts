/**
 * Django's `db` engine on PostgreSQL, read through a small pg pool whose sessions start with
 * `default_transaction_read_only=on` (unless the server allows writes), with connect, statement and
 * query timeouts. A restarted server costs at most one failed query per pooled connection: a
 * failure on a stale connection is retried once on a fresh one.
 */
import pg from 'pg';
import { describeFailure, StoreUnavailableError } from '../errors.ts';
import { rowToSession, sessionDataOf, sessionQueries } from './sql-common.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';

/** Options of {@link PostgresStore}. */
export interface PostgresStoreOptions {
  name: string;
  url: string;
  table: string;
  readOnly: boolean;
  /** Per-query timeout in ms (default 3000). */
  timeoutMs?: number;
}

const toDollar = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

/**
 * The PostgreSQL `django_session` table.
 *
 * @example
 * const store = new PostgresStore({ name: 'postgres://postgres@127.0.0.1/app', url: 'postgres://postgres@127.0.0.1/app', table: 'django_session', readOnly: true });
 */
export class PostgresStore implements StoreAdapter {
  readonly kind = 'postgres' as const;
  readonly canList = true;
  readonly name: string;
  private readonly pool: pg.Pool;
  private readonly q: ReturnType<typeof sessionQueries>;

  constructor(private readonly opts: PostgresStoreOptions) {
    this.name = opts.name;
    this.q = sessionQueries(opts.table, '"');
    const timeout = opts.timeoutMs ?? 3000;
    this.pool = new pg.Pool({
      connectionString: opts.url,
      max: 4,
      connectionTimeoutMillis: Math.min(timeout, 2000),
      idleTimeoutMillis: 30_000,
      statement_timeout: timeout,
      query_timeout: timeout + 500,
      application_name: 'session-lens-companion',
      options: opts.readOnly ? '-c default_transaction_read_only=on' : undefined,
    });
    // An idle client whose server went away emits 'error'; the pool drops it. Never crash on it.
    this.pool.on('error', () => {});
  }

  private async query(name: string, text: string, values: unknown[]): Promise<pg.QueryResult> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.pool.query({ name: `sl_${name}`, text: toDollar(text), values });
      } catch (e) {
        // SQLSTATE class 08 (connection), 57P0x (server shutting down) or a dropped socket: retry once.
        const code = (e as { code?: string }).code ?? '';
        const retriable = /^08|^57P0/.test(code) || /Connection terminated|ECONNRESET|EPIPE/i.test(String((e as Error).message));
        if (attempt === 0 && retriable) continue;
        throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
      }
    }
  }

  async get(key: string): Promise<StoredSession | null> {
    const r = await this.query('get', this.q.get, [key]);
    const row = r.rows[0] as { session_data: unknown; expire_date: unknown } | undefined;
    return row ? rowToSession(this.name, row) : null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    const r = await this.query('list', this.q.list, [limit]);
    return (r.rows as { session_key: string; session_data: unknown; expire_date: unknown }[]).map((row) => ({
      key: row.session_key,
      session: rowToSession(this.name, row),
    }));
  }

  async delete(key: string): Promise<boolean> {
    if (this.opts.readOnly) throw new Error('read-only');
    const r = await this.query('delete', this.q.delete, [key]);
    return (r.rowCount ?? 0) > 0;
  }

  async update(key: string, next: StoredUpdate): Promise<boolean> {
    if (this.opts.readOnly) throw new Error('read-only');
    const r = await this.query('update', this.q.update, [sessionDataOf(next), key]);
    return (r.rowCount ?? 0) > 0;
  }

  async ping(): Promise<void> {
    await this.query('ping', this.q.ping, []);
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => {});
  }
}
