/**
 * Rewriting one memcached entry in place with the meta text protocol (memcached 1.6+), which —
 * unlike the binary protocol memjs speaks — can read an entry's remaining TTL:
 *
 * ```
 * mg <key> t f c v        → VA <n> t<ttl> f<flags> c<cas>\r\n<n bytes>\r\n   | EN (miss)
 * ms <key> <n> T<ttl> F<flags> C<cas> MR\r\n<n bytes>\r\n → HD (stored) | NS | EX (changed since) | NF
 * ```
 *
 * `MR` (replace) never creates an entry, `C<cas>` refuses when the entry changed in between, and
 * the TTL read is written back, so the session keeps its expiry (to the second).
 * https://github.com/memcached/memcached/wiki/MetaCommands
 */
import { connect, type Socket } from 'node:net';

/** Where the memcached server is. */
export interface MetaTarget {
  host: string;
  port: number;
  timeoutMs: number;
}

/** A memcached key as the text protocol takes it: 1–250 printable ASCII bytes, no spaces. */
const TEXT_KEY = /^[\x21-\x7e]{1,250}$/;

/**
 * `host:port` from a memjs server string (the first server; no SASL credentials: the text
 * protocol has none). Returns null when it cannot be used.
 *
 * @example
 * metaTarget('127.0.0.1:11211', 1000) // { host: '127.0.0.1', port: 11211, timeoutMs: 1000 }
 */
export function metaTarget(servers: string, timeoutMs: number): MetaTarget | null {
  const first = servers.split(',')[0]!.trim();
  if (first.includes('@')) return null;
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(first);
  if (!m) return null;
  return { host: m[1]!, port: Number(m[2]), timeoutMs };
}

class Conversation {
  private buf = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private failure: Error | null = null;

  constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      this.waiter?.();
    };
    socket.on('error', fail);
    socket.on('close', () => fail(Object.assign(new Error('connection closed'), { code: 'ECONNRESET' })));
  }

  private async until(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.waiter = resolve));
      this.waiter = null;
    }
  }

  async line(): Promise<string> {
    await this.until(() => this.buf.includes('\r\n'));
    const i = this.buf.indexOf('\r\n');
    const line = this.buf.subarray(0, i).toString('latin1');
    this.buf = this.buf.subarray(i + 2);
    return line;
  }

  async bytes(n: number): Promise<Buffer> {
    await this.until(() => this.buf.length >= n + 2);
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n + 2);
    return out;
  }

  send(...parts: (string | Uint8Array)[]): void {
    for (const p of parts) this.socket.write(p);
  }
}

function flagOf(tokens: string[], f: string): string | undefined {
  return tokens.find((t) => t.startsWith(f))?.slice(1);
}

/**
 * Reads the entry under `key`, lets `encode` make its new bytes and flags from the current ones,
 * and replaces it keeping its TTL. False when the key is missing (or went away meanwhile).
 * Network failures reject with the socket's error (its `code`).
 *
 * @example
 * await metaReplace(target, ':1:django.contrib.sessions.cacheabc…', (bytes, flags) => ({ bytes: next, flags }))
 */
export async function metaReplace(
  target: MetaTarget,
  key: string,
  encode: (bytes: Buffer, flags: number) => { bytes: Uint8Array; flags: number },
): Promise<boolean> {
  if (!TEXT_KEY.test(key)) throw Object.assign(new Error('cache key is not printable ASCII'), { code: 'EBADKEY' });
  const socket = connect({ host: target.host, port: target.port });
  socket.setTimeout(target.timeoutMs, () => socket.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
  const c = new Conversation(socket);
  try {
    c.send(`mg ${key} t f c v\r\n`);
    const head = (await c.line()).split(' ');
    if (head[0] === 'EN') return false;
    if (head[0] !== 'VA') throw Object.assign(new Error('unexpected meta reply'), { code: 'EPROTO' });
    const current = await c.bytes(Number(head[1]));
    const ttl = Number(flagOf(head, 't') ?? '-1');
    const next = encode(current, Number(flagOf(head, 'f') ?? '0'));
    // -1: no expiry (T0); a TTL that ran out while we worked: let the entry go rather than revive it.
    if (ttl === 0) return false;
    c.send(`ms ${key} ${next.bytes.length} T${ttl < 0 ? 0 : ttl} F${next.flags} C${flagOf(head, 'c') ?? '0'} MR\r\n`, next.bytes, '\r\n');
    const reply = await c.line();
    if (reply.startsWith('HD')) return true;
    if (reply.startsWith('NS') || reply.startsWith('NF')) return false;
    if (reply.startsWith('EX')) throw Object.assign(new Error('the entry changed while it was being rewritten'), { code: 'ECONFLICT' });
    throw Object.assign(new Error('unexpected meta reply'), { code: 'EPROTO' });
  } finally {
    socket.destroy();
  }
}
