/**
 * Attacks through the stores themselves and through the way the server is run (issue 11), against
 * real components: Django's file engine directory with a FIFO, a symlink and a device planted in it
 * (Django's default SESSION_FILE_PATH is the shared /tmp), a session directory the server may not
 * read, a 9 MB value in Redis next to healthy sessions, a password in a PostgreSQL URL's query
 * string, and `npx session-lens serve` stopped with SIGTERM as supervisors do.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareDjango, DJANGO_SECRET_KEY, type DjangoEnv } from '../../support/django.ts';
import { cacheStore, fileStore, spawnServe, startCompanion, until, type RunningServe } from './helpers.ts';

const TOKEN = 'hostile-test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const REDIS = 'redis://127.0.0.1:6379/0';

async function get(url: string, headers: Record<string, string> = auth, ms = 4000): Promise<{ status: number; text: string; ms: number }> {
  const t0 = Date.now();
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(ms) });
  return { status: res.status, text: await res.text(), ms: Date.now() - t0 };
}

/** Waits for the start banner and returns the URL it prints. */
async function listening(run: RunningServe): Promise<string> {
  await until(() => /listening on http:\/\/\S+/.test(run.stdout()) || run.child.exitCode !== null, 30_000);
  const m = /listening on (http:\/\/\S+)/.exec(run.stdout());
  if (!m) throw new Error(`serve did not start: ${run.stderr()}`);
  return m[1]!;
}

/** Every process whose environment carries `mark` (the launcher, npm, a shell, the server …). */
function processesMarked(mark: string): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      if (readFileSync(`/proc/${p}/environ`, 'latin1').includes(`SESSION_LENS_TEST_MARK=${mark}\0`)) pids.push(Number(p));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

describe('hostile file store', () => {
  let dj: DjangoEnv;
  let good: string;
  const fifoKey = 'fifo0000fifo0000fifo0000fifo0000';
  const linkKey = 'link0000link0000link0000link0000';
  const devKey = 'devn0000devn0000devn0000devn0000';
  beforeAll(async () => {
    dj = await prepareDjango({ engine: 'file' });
    good = (await dj.tool(['write', '--data', '{"_auth_user_id":"5"}'])).sessions[0].key;
    const dir = dj.env.SL_SESSION_FILE_PATH!;
    execFileSync('mkfifo', [join(dir, `sessionid${fifoKey}`)]);
    symlinkSync('/etc/passwd', join(dir, `sessionid${linkKey}`));
    execFileSync('mknod', [join(dir, `sessionid${devKey}`), 'c', '1', '5']); // like /dev/zero
  });
  afterAll(async () => {
    await dj?.cleanup();
  });

  it('a FIFO, a symlink and a device are not sessions: lookups answer at once, listing skips them, SIGTERM still stops the server', async () => {
    const run = spawnServe(['--port', '0', '--store', fileStore(dj)], { SESSION_LENS_TOKEN: TOKEN, SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY });
    try {
      const url = await listening(run);
      // More lookups of the FIFO than Node has file-system threads (4): none may block one.
      const hostile = await Promise.all([fifoKey, fifoKey, fifoKey, fifoKey, fifoKey, fifoKey, linkKey, devKey].map((k) => get(`${url}/v1/sessions/${k}`)));
      for (const r of hostile) {
        expect(r.status).toBe(404);
        expect(r.ms).toBeLessThan(2000);
      }
      const ok = await get(`${url}/v1/sessions/${good}`);
      expect(ok.status).toBe(200);
      expect(JSON.parse(ok.text)).toMatchObject({ verified: true, data: { _auth_user_id: '5' } });
      const list = await get(`${url}/v1/sessions`);
      expect(list.status).toBe(200);
      const keys = (JSON.parse(list.text) as { sessions: { key: string }[] }).sessions.map((s) => s.key);
      expect(keys).toEqual([good]);
      const health = JSON.parse((await get(`${url}/v1/health`)).text);
      expect(health).toMatchObject({ ok: true, stores: [{ reachable: true }] });

      const t0 = Date.now();
      run.child.kill('SIGTERM');
      const { code } = await Promise.race([run.exited, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 10_000))]);
      expect(code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(6000);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

describe('a session directory the server may not read', () => {
  let dir: string;
  beforeAll(async () => {
    const dj = await prepareDjango({ engine: 'file' });
    await dj.tool(['write', '--data', '{"a":1}']);
    dir = mkdtempSync(join(tmpdir(), 'sl-unreadable-'));
    const sessions = join(dir, 'sessions');
    mkdirSync(sessions);
    for (const n of readdirSync(dj.env.SL_SESSION_FILE_PATH!)) copyFileSync(join(dj.env.SL_SESSION_FILE_PATH!, n), join(sessions, n));
    chmodSync(sessions, 0o000);
    await dj.cleanup();
  });
  afterAll(() => {
    chmodSync(join(dir, 'sessions'), 0o700);
    rmSync(dir, { recursive: true, force: true });
  });

  it('health reports it unreachable (the server runs without root’s override of file permissions)', async () => {
    // The tests run as root, who reads any directory: drop CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH so
    // the server is as bound by the mode bits as the unprivileged user it normally runs as.
    const run = spawnServe(['--port', '0', '--store', `file://${join(dir, 'sessions')}`], { SESSION_LENS_TOKEN: TOKEN }, [
      'setpriv',
      '--bounding-set=-dac_override,-dac_read_search',
      '--inh-caps=-all',
      '--',
      process.execPath,
      join(import.meta.dirname, '../../../bin/session-lens.mjs'),
    ]);
    try {
      const url = await listening(run);
      const health = JSON.parse((await get(`${url}/v1/health`)).text);
      expect(health).toMatchObject({ ok: false, stores: [{ kind: 'file', reachable: false, error: 'EACCES' }] });
      const list = await get(`${url}/v1/sessions`);
      expect(list.status).toBe(503);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

describe('an oversized Redis value', () => {
  let dj: DjangoEnv;
  let redis: Redis;
  const bigKey = 'big00000big00000big00000big00000';
  let healthy: string[];
  beforeAll(async () => {
    dj = await prepareDjango({ engine: 'cache', cache: REDIS });
    healthy = (await dj.tool(['write', '--data', '{"_auth_user_id":"8"}', '--count', '3'])).sessions.map((s: { key: string }) => s.key);
    redis = new Redis(REDIS);
    // 9 MB under the key Django's cache engine would use, with a TTL like a real session.
    await redis.set(`${dj.env.SL_CACHE_KEY_PREFIX}:1:django.contrib.sessions.cache${bigKey}`, Buffer.alloc(9 * 1024 * 1024, 0x61), 'EX', 3600);
  });
  afterAll(async () => {
    redis?.disconnect();
    await dj?.cleanup();
  });

  it('answers 413 for that key only, lists the rest and says what it skipped, and keeps the connection', async () => {
    const c = await startCompanion([cacheStore(dj)]);
    try {
      const [big, ...others] = await Promise.all([c.api(`/v1/sessions/${bigKey}`), ...healthy.map((k) => c.api(`/v1/sessions/${k}`))]);
      expect(big.status).toBe(413);
      expect(big.body).toMatchObject({ ok: false, code: 'ERR_TOO_LARGE' });
      for (const r of others) expect(r.status).toBe(200);
      const list = await c.api('/v1/sessions');
      expect(list.status).toBe(200);
      expect(list.body.sessions.map((s: { key: string }) => s.key).sort()).toEqual([...healthy].sort());
      expect(list.body.unlisted).toEqual([expect.objectContaining({ reason: 'ERR_TOO_LARGE', count: 1 })]);
      for (const k of healthy) expect((await c.api(`/v1/sessions/${k}`)).status).toBe(200);
      expect(c.logs.join('\n')).not.toMatch(/unavailable/);
    } finally {
      await c.close();
    }
  });
});

describe('credentials in a store URL', () => {
  let dj: DjangoEnv;
  let key: string;
  beforeAll(async () => {
    dj = await prepareDjango({ engine: 'db', database: 'postgres' });
    key = (await dj.tool(['write', '--data', '{"a":1}'])).sessions[0].key;
  });
  afterAll(async () => {
    await dj?.cleanup();
  });

  it('a password in the query string is never printed or served', async () => {
    const secret = 'hunter2-in-the-query-string';
    const store = `${dj.database}?password=${secret}&sslpassword=${secret}-ssl&application_name=sl`;
    const run = spawnServe(['--port', '0', '--store', store, '--verbose'], { SESSION_LENS_TOKEN: TOKEN });
    try {
      const url = await listening(run);
      const seen = [
        (await get(`${url}/v1/health`, {})).text,
        (await get(`${url}/v1/health`)).text,
        (await get(`${url}/v1/sessions/${key}`)).text,
        (await get(`${url}/v1/sessions`)).text,
      ];
      expect(JSON.parse(seen[2]!)).toMatchObject({ found: true, store: dj.database });
      run.child.kill('SIGTERM');
      await run.exited;
      const all = [...seen, run.stdout(), run.stderr()].join('\n');
      expect(all).not.toContain('hunter2');
      expect(all).not.toContain('password');
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

describe('npx session-lens serve, stopped as a supervisor stops it', () => {
  it('SIGTERM to npx leaves no server behind', async () => {
    const mark = `m${process.pid}x${Date.now()}`;
    const dir = mkdtempSync(join(tmpdir(), 'sl-npx-'));
    const run = spawnServe(['--port', '0', '--store', `file://${dir}`], { SESSION_LENS_TOKEN: TOKEN, SESSION_LENS_TEST_MARK: mark }, ['npx', '--no-install', 'session-lens']);
    try {
      const url = await listening(run);
      expect((await get(`${url}/v1/health`, {})).status).toBe(200);
      expect(processesMarked(mark).length).toBeGreaterThan(0);
      run.child.kill('SIGTERM');
      await until(() => processesMarked(mark).length === 0, 8000);
      await expect(get(`${url}/v1/health`, {}, 1000)).rejects.toThrow();
    } finally {
      for (const pid of processesMarked(mark)) process.kill(pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
