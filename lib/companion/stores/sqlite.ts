/**
 * Django's `db` engine on SQLite (Django's default database, `db.sqlite3`), read with
 * better-sqlite3 opened `readonly` (and `PRAGMA query_only`) unless the server allows writes.
 * A missing file or table is "unavailable" until it appears; the database is reopened after a failure.
 */
import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { describeFailure, StoreUnavailableError } from '../errors.ts';
import { rowToSession, sessionDataOf, sessionQueries } from './sql-common.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';

/**
 * better-sqlite3, loaded on first use: a native module, so an installed CLI that could not build it
 * still serves every other store (and `decode` never loads it).
 */
function loadSqlite(): typeof Database {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (e) {
    // An optional peer dependency: `npm install -g better-sqlite3` beside a global install.
    throw Object.assign(new Error('better-sqlite3 is not installed'), { code: 'ENOSQLITE', cause: e });
  }
}

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  name: string;
  path: string;
  table: string;
  readOnly: boolean;
}

interface Row {
  session_key?: string;
  session_data: unknown;
  expire_date: unknown;
}

/**
 * The SQLite `django_session` table.
 *
 * @example
 * const store = new SqliteStore({ name: 'sqlite:///srv/db.sqlite3', path: '/srv/db.sqlite3', table: 'django_session', readOnly: true });
 * await store.get('abcdefgh12345678abcdefgh12345678');
 */
export class SqliteStore implements StoreAdapter {
  readonly kind = 'sqlite' as const;
  readonly canList = true;
  readonly name: string;
  private db: Database.Database | null = null;
  private stmts: { get: Database.Statement; list: Database.Statement; delete: Database.Statement | null; update: Database.Statement | null; ping: Database.Statement } | null = null;

  constructor(private readonly opts: SqliteStoreOptions) {
    this.name = opts.name;
  }

  private open() {
    if (this.stmts) return this.stmts;
    try {
      const Sqlite = loadSqlite();
      const db = new Sqlite(this.opts.path, { readonly: this.opts.readOnly, fileMustExist: true, timeout: 2000 });
      try {
        if (this.opts.readOnly) db.pragma('query_only = ON');
        const q = sessionQueries(this.opts.table, '"');
        this.stmts = {
          get: db.prepare(q.get),
          list: db.prepare(q.list),
          delete: this.opts.readOnly ? null : db.prepare(q.delete),
          update: this.opts.readOnly ? null : db.prepare(q.update),
          ping: db.prepare(q.ping),
        };
        this.db = db;
        return this.stmts;
      } catch (e) {
        db.close();
        throw e;
      }
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  private run<T>(fn: (s: NonNullable<SqliteStore['stmts']>) => T): T {
    const s = this.open();
    try {
      return fn(s);
    } catch (e) {
      this.reset();
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  private reset(): void {
    try {
      this.db?.close();
    } catch {
      // already closed
    }
    this.db = null;
    this.stmts = null;
  }

  async get(key: string): Promise<StoredSession | null> {
    const row = this.run((s) => s.get.get(key) as Row | undefined);
    return row ? rowToSession(this.name, row) : null;
  }

  async list(limit: number): Promise<ListedSession[]> {
    const rows = this.run((s) => s.list.all(limit) as Row[]);
    return rows.map((r) => ({ key: String(r.session_key), session: rowToSession(this.name, r) }));
  }

  async delete(key: string): Promise<boolean> {
    return this.run((s) => {
      if (!s.delete) throw new Error('read-only');
      return s.delete.run(key).changes > 0;
    });
  }

  async update(key: string, next: StoredUpdate): Promise<boolean> {
    const text = sessionDataOf(next);
    return this.run((s) => {
      if (!s.update) throw new Error('read-only');
      return s.update.run(text, key).changes > 0;
    });
  }

  async ping(): Promise<void> {
    this.run((s) => s.ping.all());
  }

  async close(): Promise<void> {
    this.reset();
  }
}
