/**
 * The companion's RESP client against a scripted TCP server: replies split at every byte, every
 * reply type, AUTH/SELECT on connect, an unreachable server, a silent one, and a reconnect.
 * (Against the real Redis: tests/integration/companion.)
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { RespClient, RespError, respOptionsFromUrl } from '../../../lib/companion/stores/resp.ts';

/** A TCP server that records each command (as arrays of strings) and answers with `reply(cmd)`. */
async function fakeRedis(reply: (cmd: string[]) => string | null, opts: { dribble?: boolean } = {}) {
  const commands: string[][] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    let buf = '';
    sock.on('data', async (d) => {
      buf += d.toString('latin1');
      // Parse complete "*N\r\n$len\r\narg\r\n…" commands.
      for (;;) {
        const m = /^\*(\d+)\r\n/.exec(buf);
        if (!m) return;
        let pos = m[0].length;
        const args: string[] = [];
        for (let i = 0; i < Number(m[1]); i++) {
          const l = /^\$(\d+)\r\n/.exec(buf.slice(pos));
          if (!l) return;
          pos += l[0].length;
          if (buf.length < pos + Number(l[1]) + 2) return;
          args.push(buf.slice(pos, pos + Number(l[1])));
          pos += Number(l[1]) + 2;
        }
        buf = buf.slice(pos);
        commands.push(args);
        const out = reply(args);
        if (out === null) continue; // stay silent
        if (opts.dribble) {
          for (const ch of out) {
            sock.write(Buffer.from(ch, 'latin1'));
            await new Promise((r) => setImmediate(r));
          }
        } else {
          sock.write(Buffer.from(out, 'latin1'));
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    commands,
    dropConnections: () => sockets.forEach((s) => s.destroy()),
    close: () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

const clients: RespClient[] = [];
const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  clients.splice(0).forEach((c) => c.close());
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function client(url: string, timeoutMs = 1000) {
  const c = new RespClient(respOptionsFromUrl(url, timeoutMs));
  clients.push(c);
  return c;
}

const REPLIES: Record<string, string> = {
  SIMPLE: '+OK\r\n',
  INT: ':-42\r\n',
  BULK: '$5\r\nh\r\nlo\r\n',
  EMPTY: '$0\r\n\r\n',
  NIL: '$-1\r\n',
  ARRAY: '*3\r\n$3\r\nabc\r\n:7\r\n$-1\r\n',
  NESTED: '*2\r\n*1\r\n+x\r\n*0\r\n',
  BINARY: '$4\r\n\x80\x04\xff\x00\r\n',
  ERR: '-NOSCRIPT No matching script\r\n',
};

describe('RespClient', () => {
  it.each([false, true])('reads every reply type (dribbled one byte at a time: %s), in order', async (dribble) => {
    const srv = await fakeRedis((cmd) => REPLIES[cmd[0]!] ?? '-ERR unknown\r\n', { dribble });
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}/0`);
    const results = await Promise.all(
      ['SIMPLE', 'INT', 'BULK', 'EMPTY', 'NIL', 'ARRAY', 'NESTED', 'BINARY'].map((k) => c.command([k])),
    );
    expect(results).toEqual([
      'OK',
      -42,
      Buffer.from('h\r\nlo'),
      Buffer.alloc(0),
      null,
      [Buffer.from('abc'), 7, null],
      [['x'], []],
      Buffer.from([0x80, 0x04, 0xff, 0x00]),
    ]);
    await expect(c.command(['ERR'])).rejects.toMatchObject({ name: 'RespError', code: 'NOSCRIPT' });
    expect(await c.command(['INT'])).toBe(-42); // an error reply leaves the connection usable
  });

  it('sends binary-safe arguments', async () => {
    const srv = await fakeRedis(() => '+OK\r\n');
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}`);
    await c.command(['GET', 'a b\r\n*1\r\n', 12]);
    expect(srv.commands).toEqual([['GET', 'a b\r\n*1\r\n', '12']]);
  });

  it('authenticates and selects the database from the URL before anything else', async () => {
    const srv = await fakeRedis(() => '+OK\r\n');
    servers.push(srv);
    const c = client(`redis://user:p%40ss@127.0.0.1:${srv.port}/3`);
    await c.command(['PING']);
    expect(srv.commands).toEqual([['AUTH', 'user', 'p@ss'], ['SELECT', '3'], ['PING']]);
  });

  it('a refused AUTH fails the command', async () => {
    const srv = await fakeRedis((cmd) => (cmd[0] === 'AUTH' ? '-WRONGPASS invalid password\r\n' : '+OK\r\n'));
    servers.push(srv);
    const c = client(`redis://:bad@127.0.0.1:${srv.port}`);
    await expect(c.command(['PING'])).rejects.toBeInstanceOf(RespError);
  });

  it('fails at once when nothing listens, and connects when the server is back', async () => {
    const srv = await fakeRedis(() => '+PONG\r\n');
    const port = srv.port;
    await srv.close();
    const c = client(`redis://127.0.0.1:${port}`);
    await expect(c.command(['PING'])).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const again = await fakeRedisOn(port);
    servers.push(again);
    expect(await c.command(['PING'])).toBe('PONG');
  });

  it('times out a command the server never answers, then works on a new connection', async () => {
    let silent = true;
    const srv = await fakeRedis(() => (silent ? null : '+PONG\r\n'));
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}`, 200);
    await expect(c.command(['PING'])).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    silent = false;
    expect(await c.command(['PING'])).toBe('PONG');
  });

  it('fails commands in flight when the connection drops, and reconnects for the next', async () => {
    let answer = false;
    const srv = await fakeRedis(() => (answer ? '+PONG\r\n' : null));
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}`);
    const inFlight = c.command(['PING']);
    await new Promise((r) => setTimeout(r, 50));
    srv.dropConnections();
    await expect(inFlight).rejects.toMatchObject({ code: 'ECONNRESET' });
    answer = true;
    expect(await c.command(['PING'])).toBe('PONG');
  });

  it('refuses a malformed reply by dropping the connection', async () => {
    const srv = await fakeRedis(() => '?garbage\r\n');
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}`);
    await expect(c.command(['PING'])).rejects.toThrow(/malformed/);
  });

  it('refuses a reply larger than any decodable value without buffering it', async () => {
    const srv = await fakeRedis(() => `$${64 * 1024 * 1024}\r\n`);
    servers.push(srv);
    const c = client(`redis://127.0.0.1:${srv.port}`);
    await expect(c.command(['GET', 'huge'])).rejects.toThrow(/too large/);
  });

  it('reads redis URLs', () => {
    expect(respOptionsFromUrl('rediss://u:p@cache.example:6380/5', 100)).toEqual({ host: 'cache.example', port: 6380, tls: true, username: 'u', password: 'p', db: 5, timeoutMs: 100 });
    expect(respOptionsFromUrl('redis://127.0.0.1', 100)).toMatchObject({ port: 6379, db: 0, password: undefined });
    expect(() => respOptionsFromUrl('redis://127.0.0.1/x', 100)).toThrow(/database number/);
  });
});

/** A PONG server on a given port (the port a closed fake used). */
async function fakeRedisOn(port: number) {
  const server = createServer((sock) => sock.on('data', () => sock.write('+PONG\r\n')));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  return { close: () => new Promise<void>((r) => server.close(() => r())) };
}
