/**
 * Django's `db` engine on MySQL / MariaDB, read through a small mysql2 pool. Every pooled
 * connection first runs `SET SESSION TRANSACTION READ ONLY` (unless the server allows writes);
 * queries are server-side prepared statements with a timeout. `dateStrings` keeps DATETIME text,
 * which Django wrote in UTC. A failure on a stale connection is retried once on a fresh one.
 */
import mysql from 'mysql2';
import { describeFailure, StoreUnavailableError } from '../errors.ts';
import { rowToSession, sessionDataOf, sessionQueries } from './sql-common.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';

/** Options of {@link MysqlStore}. */
export interface MysqlStoreOptions {
  name: string;
  url: string;
  table: string;
  readOnly: boolean;
  /** Per-query timeout in ms (default 3000). */
  timeoutMs?: number;
}

type Row = { session_key?: string; session_data: unknown; expire_date: unknown };

/**
 * The MySQL / MariaDB `django_session` table.
 *
 * @example
 * const store = new MysqlStore({ name: 'mysql://root@127.0.0.1/app', url: 'mysql://root@127.0.0.1/app', table: 'django_session', readOnly: true });
 */
export class MysqlStore implements StoreAdapter {
  readonly kind = 'mysql' as const;
  readonly canList = true;
  readonly name: string;
  private readonly pool: mysql.Pool;
  private readonly q: ReturnType<typeof sessionQueries>;
  private readonly timeout: number;

  constructor(private readonly opts: MysqlStoreOptions) {
    this.name = opts.name;
    this.q = sessionQueries(opts.table, '`');
    this.timeout = opts.timeoutMs ?? 3000;
    this.pool = mysql.createPool({
      uri: opts.url,
      connectionLimit: 4,
      maxIdle: 4,
      idleTimeout: 30_000,
      connectTimeout: Math.min(this.timeout, 2000),
      dateStrings: true,
      timezone: 'Z',
      enableKeepAlive: true,
    });
    this.pool.on('connection', (conn) => {
      conn.on('error', () => {});
      if (opts.readOnly) conn.query('SET SESSION TRANSACTION READ ONLY', () => {});
    });
  }

  private async exec(sql: string, values: (string | number)[]): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      try {
        const [rows] = await this.pool.promise().execute({ sql, timeout: this.timeout }, values);
        return rows;
      } catch (e) {
        const code = String((e as { code?: string }).code ?? '');
        const fatal = (e as { fatal?: boolean }).fatal === true;
        const retriable = fatal || /PROTOCOL_CONNECTION_LOST|ECONNRESET|EPIPE|ER_SERVER_SHUTDOWN|ER_CON_COUNT/.test(code);
        if (attempt === 0 && retriable) continue;
        throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
      }
    }
  }

  async get(key: string): Promise<StoredSession | null> {
    const rows = (await this.exec(this.q.get, [key])) as Row[];
    const row = rows[0];
    return row ? rowToSession(this.name, row) : null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    // LIMIT takes a literal in some MariaDB prepared-statement paths; `limit` is a validated integer.
    const rows = (await this.exec(this.q.list.replace('LIMIT ?', `LIMIT ${Math.trunc(Math.max(1, Math.min(limit, 10_000)))}`), [])) as Row[];
    return rows.map((r) => ({ key: String(r.session_key), session: rowToSession(this.name, r) }));
  }

  async delete(key: string): Promise<boolean> {
    if (this.opts.readOnly) throw new Error('read-only');
    const r = (await this.exec(this.q.delete, [key])) as { affectedRows?: number };
    return (r.affectedRows ?? 0) > 0;
  }

  async update(key: string, next: StoredUpdate): Promise<boolean> {
    if (this.opts.readOnly) throw new Error('read-only');
    // affectedRows counts matched rows (mysql2 sets CLIENT_FOUND_ROWS), so an identical rewrite is still "found".
    const r = (await this.exec(this.q.update, [sessionDataOf(next), key])) as { affectedRows?: number };
    return (r.affectedRows ?? 0) > 0;
  }

  async ping(): Promise<void> {
    await this.exec(this.q.ping, []);
  }

  async close(): Promise<void> {
    await this.pool.promise().end().catch(() => {});
  }
}
