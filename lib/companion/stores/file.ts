/**
 * Django's `file` engine: one file per session, `SESSION_FILE_PATH/<SESSION_COOKIE_NAME><key>`,
 * content = session_data (django/contrib/sessions/backends/file.py). Expiry follows the engine's
 * rule (`_session_expiry`, else mtime + SESSION_COOKIE_AGE), which needs the data, so it is resolved
 * after decoding. Keys are validated before they get here; the joined path is checked to stay in
 * the directory all the same, and oversized files are not read.
 *
 * The directory may be shared and writable by others (Django's default SESSION_FILE_PATH is
 * `tempfile.gettempdir()`), so only regular files are sessions: each is `lstat`-ed first and opened
 * with `O_NOFOLLOW | O_NONBLOCK` (a FIFO planted there would otherwise block one of Node's four
 * file-system threads per lookup until every lookup and even shutdown hang), then checked again
 * on the open descriptor. Listing skips anything else.
 */
import { constants } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { access, lstat, open, readdir, rename, stat, unlink, utimes } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { DEFAULT_LIMITS, LimitExceededError } from '../../codec/index.ts';
import { describeFailure, StoreUnavailableError } from '../errors.ts';
import type { ListedSession, StoreAdapter, StoredSession, StoredUpdate } from './types.ts';
import { SESSION_KEY_PATTERN as KEY_RE } from '../../protocol/index.ts';

/** Options of {@link FileStore}. */
export interface FileStoreOptions {
  name: string;
  dir: string;
  /** SESSION_COOKIE_NAME (default `sessionid`). */
  prefix: string;
  /** SESSION_COOKIE_AGE in seconds. */
  cookieAge: number;
  /** Largest file read, in bytes (default: the codec's maxInputLength). */
  maxBytes?: number;
  /** Most directory entries looked at for one list (default 10 000). */
  maxScan?: number;
}


/**
 * Sessions in a directory of files.
 *
 * @example
 * const store = new FileStore({ name: 'file:///tmp/sessions', dir: '/tmp/sessions', prefix: 'sessionid', cookieAge: 1209600 });
 */
export class FileStore implements StoreAdapter {
  readonly kind = 'file' as const;
  readonly canList = true;
  readonly name: string;
  private readonly dir: string;

  constructor(private readonly opts: FileStoreOptions) {
    this.name = opts.name;
    this.dir = resolve(opts.dir);
  }

  private pathOf(key: string): string {
    if (!KEY_RE.test(key)) throw new Error('invalid session key');
    const p = resolve(join(this.dir, this.opts.prefix + key));
    if (!p.startsWith(this.dir + sep)) throw new Error('session path escapes the directory');
    return p;
  }

  private async read(path: string): Promise<StoredSession | null> {
    let fh;
    try {
      // Only a regular file is a session; a FIFO, socket, device or symlink is not even opened.
      if (!(await lstat(path)).isFile()) return null;
      // O_NOFOLLOW: a symlink swapped in since the lstat is not followed; O_NONBLOCK: nor does a
      // FIFO swapped in block the open.
      fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ENOENT' || code === 'ELOOP' || code === 'ENOTDIR') {
        if (code === 'ENOENT') await this.ping(); // a missing directory is an unavailable store, not a miss
        return null;
      }
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
    try {
      const st = await fh.stat();
      if (!st.isFile()) return null;
      const max = this.opts.maxBytes ?? DEFAULT_LIMITS.maxInputLength;
      const expiry = { kind: 'file' as const, mtime: st.mtime, cookieAge: this.opts.cookieAge };
      if (st.size > max) {
        return {
          format: 'value',
          store: this.name,
          decode: () => {
            throw new LimitExceededError(`Session file of ${st.size} bytes exceeds ${max}`);
          },
          expiry,
        };
      }
      const text = await fh.readFile({ encoding: 'utf8' });
      return { format: 'session_data', store: this.name, text, expiry };
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    } finally {
      await fh.close();
    }
  }

  async get(key: string): Promise<StoredSession | null> {
    return this.read(this.pathOf(key));
  }

  async list(limit: number): Promise<ListedSession[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
    const p = this.opts.prefix;
    const keys = names
      .filter((n) => n.startsWith(p) && KEY_RE.test(n.slice(p.length)))
      .slice(0, this.opts.maxScan ?? 10_000)
      .map((n) => n.slice(p.length));
    const stats = await Promise.all(
      keys.map(async (k) => {
        try {
          const st = await lstat(this.pathOf(k));
          return st.isFile() ? { k, mtime: st.mtimeMs } : null;
        } catch {
          return null;
        }
      }),
    );
    const top = stats
      .filter((s): s is { k: string; mtime: number } => s !== null)
      .sort((a, b) => b.mtime - a.mtime)
      .slice(0, limit);
    const out: ListedSession[] = [];
    for (const t of top) {
      const session = await this.read(this.pathOf(t.k));
      if (session) out.push({ key: t.k, session });
    }
    return out;
  }

  async delete(key: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(key));
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return false;
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  /**
   * Writes the new session_data as Django's file engine saves it — into a new file in the same
   * directory, then renamed over the session file (file.py `save`) — and puts the old mtime back,
   * on which the file engine's expiry rests.
   */
  async update(key: string, next: StoredUpdate): Promise<boolean> {
    if (next.format !== 'session_data') throw new Error('a session file holds signed session_data');
    const path = this.pathOf(key);
    let tmp: string | undefined;
    try {
      const st = await lstat(path);
      if (!st.isFile()) return false;
      tmp = join(this.dir, `${this.opts.prefix}${randomBytes(8).toString('hex')}.tmp`);
      // O_EXCL | O_NOFOLLOW: never through something planted under the temporary name.
      const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        await fh.writeFile(next.text, 'utf8');
      } finally {
        await fh.close();
      }
      await utimes(tmp, st.atime, st.mtime);
      await rename(tmp, path);
      tmp = undefined;
      return true;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT' && tmp === undefined) return false;
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    } finally {
      if (tmp !== undefined) await unlink(tmp).catch(() => {});
    }
  }

  async ping(): Promise<void> {
    try {
      const st = await stat(this.dir);
      if (!st.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
      // Reachable means readable: listing needs read, each lookup needs search permission.
      await access(this.dir, constants.R_OK | constants.X_OK);
    } catch (e) {
      throw new StoreUnavailableError(this.name, describeFailure(e), { cause: e });
    }
  }

  async close(): Promise<void> {}
}
