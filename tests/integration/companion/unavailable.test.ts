/**
 * Every kind of store, unreachable from the start (nothing listens, no file, no directory): the
 * companion still starts, health says which store is down and why, lookups answer 503 with the
 * store named, and nothing crashes or hangs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompanion, type Companion } from './helpers.ts';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('stores that cannot be reached', () => {
  let dir: string;
  let urls: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sl-companion-down-'));
    urls = {
      sqlite: `sqlite://${join(dir, 'missing.sqlite3')}`,
      postgres: `postgres://postgres@127.0.0.1:${await closedPort()}/nothing`,
      mysql: `mysql://root@127.0.0.1:${await closedPort()}/nothing`,
      redis: `redis://127.0.0.1:${await closedPort()}/0`,
      memcached: `memcached://127.0.0.1:${await closedPort()}`,
      file: `file://${join(dir, 'no-such-dir')}`,
    };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['sqlite', 'postgres', 'mysql', 'redis', 'memcached', 'file'])('%s: starts, reports it down, answers 503 quickly', async (kind) => {
    let c: Companion | undefined;
    try {
      c = await startCompanion([urls[kind]!], ['--timeout', '3000']);
      const health = (await c.api(`/v1/health`)).body;
      expect(health.ok).toBe(false);
      expect(health.stores).toEqual([expect.objectContaining({ kind, reachable: false, error: expect.any(String) })]);
      const t0 = Date.now();
      const r = await c.api('/v1/sessions/abcdefgh12345678abcdefgh12345678');
      expect(r.status).toBe(503);
      expect(r.body).toMatchObject({ ok: false, code: 'ERR_STORE_UNAVAILABLE', store: expect.stringContaining(kind === 'sqlite' ? 'sqlite:' : kind === 'file' ? 'file:' : `${kind}:`) });
      expect(Date.now() - t0).toBeLessThan(3000);
      // The message names the failure, never a password or a key.
      expect(r.body.message).not.toContain('abcdefgh12345678');
      const list = await c.api('/v1/sessions');
      expect([200, 503]).toContain(list.status);
    } finally {
      await c?.close();
    }
  });
});
