/**
 * A small Redis client (RESP2) for the companion's few read commands: one connection, commands
 * answered in order, nothing queued while Redis is unreachable (a command then fails at once with
 * the connection error, and the next one tries to connect again), a deadline per command.
 * It exists because the companion's hot path is one EVALSHA per request, where a general client's
 * per-command machinery cost more CPU than everything else the server does (bench/companion.bench.ts).
 *
 * Wire format (https://redis.io/docs/reference/protocol-spec/), e.g. a GET and its reply:
 * ```
 * *2\r\n$3\r\nGET\r\n$5\r\nkey:1\r\n   →   $5\r\nvalue\r\n   (or $-1\r\n for nil)
 * ```
 */
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/** A RESP2 reply. Bulk strings stay bytes; errors are thrown, not returned. */
export type RespValue = Buffer | string | number | null | RespValue[];

/** An error reply from Redis (`-ERR …`, `-NOSCRIPT …`). */
export class RespError extends Error {
  override name = 'RespError';
  /** The first word of the reply, e.g. `NOSCRIPT`, `WRONGPASS`. */
  readonly code: string;
  constructor(message: string) {
    super(message);
    this.code = message.split(' ', 1)[0] ?? 'ERR';
  }
}

/** Connection options, from a `redis://[user:password@]host:port/db` URL. */
export interface RespOptions {
  host: string;
  port: number;
  tls: boolean;
  username?: string;
  password?: string;
  db: number;
  /** Deadline of a command (and of connecting), ms. */
  timeoutMs: number;
}

/**
 * Reads `redis://` / `rediss://` URLs.
 *
 * @example
 * respOptionsFromUrl('redis://:pw@127.0.0.1:6380/2', 2000) // { host: '127.0.0.1', port: 6380, db: 2, password: 'pw', … }
 */
export function respOptionsFromUrl(url: string, timeoutMs: number): RespOptions {
  const u = new URL(url);
  const db = Number(u.pathname.replace(/^\//, '') || 0);
  if (!Number.isInteger(db) || db < 0) throw new Error('redis URL: the path must be a database number');
  return {
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port: Number(u.port || 6379),
    tls: u.protocol === 'rediss:',
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    timeoutMs,
  };
}

const CRLF = Buffer.from('\r\n');

function encode(args: readonly (string | Buffer | number)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'utf8');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, CRLF);
  }
  return Buffer.concat(parts);
}

const INCOMPLETE = Symbol('incomplete');
/**
 * Largest reply accepted: the codec's decompressed-size cap (8 MiB), since a bigger value could not
 * be decoded anyway. A larger reply drops the connection instead of growing a buffer.
 */
const MAX_REPLY = 8 * 1024 * 1024 + 1024;

/** Parses one reply at `pos`; returns it and the next offset, or INCOMPLETE. */
function parse(buf: Buffer, pos: number): [RespValue | RespError, number] | typeof INCOMPLETE {
  const eol = buf.indexOf(CRLF, pos);
  if (eol === -1) return INCOMPLETE;
  const type = buf[pos];
  const line = buf.toString('latin1', pos + 1, eol);
  const next = eol + 2;
  switch (type) {
    case 0x2b: // +
      return [line, next];
    case 0x2d: // -
      return [new RespError(buf.toString('utf8', pos + 1, eol)), next];
    case 0x3a: // :
      return [Number(line), next];
    case 0x24: {
      // $
      const len = Number(line);
      if (len === -1) return [null, next];
      if (!Number.isInteger(len) || len < 0 || len > MAX_REPLY) throw new Error('redis: bulk reply too large or malformed');
      if (buf.length < next + len + 2) return INCOMPLETE;
      return [buf.subarray(next, next + len), next + len + 2];
    }
    case 0x2a: {
      // *
      const n = Number(line);
      if (n === -1) return [null, next];
      if (!Number.isInteger(n) || n < 0 || n > 1_000_000) throw new Error('redis: malformed array length');
      const out: RespValue[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parse(buf, p);
        if (r === INCOMPLETE) return INCOMPLETE;
        if (r[0] instanceof RespError) throw r[0];
        out.push(r[0]);
        p = r[1];
      }
      return [out, p];
    }
    default:
      throw new Error('redis: malformed reply');
  }
}

interface Pending {
  resolve: (v: RespValue) => void;
  reject: (e: Error) => void;
  deadline: number;
}

/**
 * One connection to Redis.
 *
 * @example
 * const client = new RespClient(respOptionsFromUrl('redis://127.0.0.1:6379/0', 2000));
 * const value = await client.command(['GET', 'key']);
 * client.close();
 */
export class RespClient {
  private socket: Socket | null = null;
  private ready: Promise<Socket> | null = null;
  private readonly pending: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;
  private corked = false;

  constructor(private readonly opts: RespOptions) {
    // Deadlines: one sweeper for all commands; a late reply means the connection is unusable.
    this.sweeper = setInterval(() => {
      const head = this.pending[0];
      if (head && head.deadline <= Date.now()) this.fail(Object.assign(new Error('redis command timed out'), { code: 'ETIMEDOUT' }));
    }, Math.max(10, Math.min(100, opts.timeoutMs / 4)));
    this.sweeper.unref();
  }

  /** Whether a connection is open right now. */
  get connected(): boolean {
    return this.socket !== null;
  }

  private connect(): Promise<Socket> {
    if (this.ready) return this.ready;
    const o = this.opts;
    this.ready = new Promise<Socket>((resolve, reject) => {
      const sock = o.tls ? tlsConnect({ host: o.host, port: o.port, servername: o.host }) : netConnect({ host: o.host, port: o.port });
      const timer = setTimeout(() => sock.destroy(Object.assign(new Error('redis connect timed out'), { code: 'ETIMEDOUT' })), o.timeoutMs);
      const onError = (e: Error) => {
        clearTimeout(timer);
        this.ready = null;
        reject(e);
      };
      sock.once('error', onError);
      sock.once(o.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        sock.off('error', onError);
        sock.setNoDelay(true);
        sock.on('data', (d: Buffer) => this.onData(d));
        sock.on('error', (e) => {
          if (this.socket === sock) this.fail(e);
        });
        sock.on('close', () => {
          if (this.socket === sock) this.fail(Object.assign(new Error('redis connection closed'), { code: 'ECONNRESET' }));
        });
        this.socket = sock;
        const hello: Promise<RespValue>[] = [];
        if (o.password !== undefined) hello.push(this.send(o.username ? ['AUTH', o.username, o.password] : ['AUTH', o.password]));
        if (o.db !== 0) hello.push(this.send(['SELECT', o.db]));
        Promise.all(hello).then(
          () => resolve(sock),
          (e: Error) => {
            this.fail(e);
            reject(e);
          },
        );
      });
    });
    return this.ready;
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
    let pos = 0;
    try {
      while (pos < this.buf.length) {
        const r = parse(this.buf, pos);
        if (r === INCOMPLETE) break;
        pos = r[1];
        const p = this.pending.shift();
        if (!p) throw new Error('redis: unexpected reply');
        if (r[0] instanceof RespError) p.reject(r[0]);
        else p.resolve(r[0]);
      }
    } catch (e) {
      this.fail(e as Error);
      return;
    }
    this.buf = pos >= this.buf.length ? Buffer.alloc(0) : this.buf.subarray(pos);
    if (this.buf.length > MAX_REPLY + 1024) this.fail(new Error('redis: reply too large'));
  }

  /** Drops the connection and fails every command in flight; the next command reconnects. */
  private fail(e: Error): void {
    const sock = this.socket;
    this.socket = null;
    this.ready = null;
    this.buf = Buffer.alloc(0);
    if (sock) {
      sock.removeAllListeners('close');
      sock.removeAllListeners('data');
      sock.removeAllListeners('error');
      sock.on('error', () => {});
      sock.destroy();
    }
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  private send(args: readonly (string | Buffer | number)[]): Promise<RespValue> {
    const sock = this.socket;
    if (!sock) return Promise.reject(Object.assign(new Error('redis not connected'), { code: 'ECONNRESET' }));
    return new Promise<RespValue>((resolve, reject) => {
      this.pending.push({ resolve, reject, deadline: Date.now() + this.opts.timeoutMs });
      // Commands issued in the same event-loop turn (requests that arrived together on different
      // connections) leave in one write: setImmediate runs once the turn's I/O callbacks are done.
      if (!this.corked) {
        this.corked = true;
        sock.cork();
        setImmediate(() => {
          this.corked = false;
          sock.uncork();
        });
      }
      sock.write(encode(args));
    });
  }

  /** Sends one command and resolves with its reply (rejects with a RespError for an error reply). */
  async command(args: readonly (string | Buffer | number)[]): Promise<RespValue> {
    if (this.closed) throw Object.assign(new Error('redis client closed'), { code: 'ECONNRESET' });
    if (!this.socket) await this.connect();
    return this.send(args);
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sweeper);
    this.fail(Object.assign(new Error('redis client closed'), { code: 'ECONNRESET' }));
  }
}
