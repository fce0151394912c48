/**
 * The companion's refusals against real stores filled by Django: no token, wrong token, foreign
 * Host, foreign Origin, path traversal and SQL-injection shaped keys, DELETE without --allow-write.
 * Afterwards every store must be byte-for-byte what it was: nothing is written without --allow-write.
 * The databases themselves refuse writes on the companion's connections (read-only sessions).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MysqlStore } from '../../../lib/companion/stores/mysql.ts';
import { PostgresStore } from '../../../lib/companion/stores/postgres.ts';
import { SqliteStore } from '../../../lib/companion/stores/sqlite.ts';
import { prepareDjango, DJANGO_SECRET_KEY, type DjangoEnv } from '../../support/django.ts';
import { rawRequest } from '../../unit/companion/http.ts';
import { AUTH, cacheStore, databaseStore, fileStore, startCompanion, TOKEN, type Companion } from './helpers.ts';

const REDIS = 'redis://127.0.0.1:6379/0';
const sqlitePath = (dj: DjangoEnv) => dj.database.replace(/^sqlite:\/\/\/?/, '').replace(/^\/+/, '/');

describe('security against real stores', () => {
  let envs: { sqlite: DjangoEnv; file: DjangoEnv; redis: DjangoEnv; postgres: DjangoEnv; mysql: DjangoEnv };
  const keys: string[] = [];
  let companion: Companion;
  let redis: Redis;

  /** Everything the stores hold, as text: compared before and after the attack. */
  async function snapshot(): Promise<string> {
    const parts: string[] = [];
    const db = new Database(sqlitePath(envs.sqlite), { readonly: true });
    parts.push(JSON.stringify(db.prepare('SELECT * FROM django_session ORDER BY session_key').all()));
    db.close();
    parts.push(createHash('sha256').update(readFileSync(sqlitePath(envs.sqlite))).digest('hex'));
    const dir = envs.file.env.SL_SESSION_FILE_PATH!;
    for (const n of readdirSync(dir).sort()) parts.push(`${n}:${statSync(join(dir, n)).mtimeMs}:${readFileSync(join(dir, n), 'utf8')}`);
    const prefix = `${envs.redis.env.SL_CACHE_KEY_PREFIX}:`;
    const rkeys = (await redis.keys(`${prefix}*`)).sort();
    for (const k of rkeys) parts.push(`${k}:${(await redis.dumpBuffer(k))?.toString('hex')}`);
    const pgc = new pg.Client({ connectionString: envs.postgres.database });
    await pgc.connect();
    parts.push(JSON.stringify((await pgc.query('SELECT * FROM django_session ORDER BY session_key')).rows));
    await pgc.end();
    const my = await mysql.createConnection({ uri: envs.mysql.database, dateStrings: true });
    parts.push(JSON.stringify((await my.query('SELECT * FROM django_session ORDER BY session_key'))[0]));
    await my.end();
    return parts.join('\n');
  }

  beforeAll(async () => {
    const [sqlite, file, redisEnv, postgres, mysqlEnv] = await Promise.all([
      prepareDjango({ engine: 'db' }),
      prepareDjango({ engine: 'file' }),
      prepareDjango({ engine: 'cache', cache: REDIS }),
      prepareDjango({ engine: 'db', database: 'postgres' }),
      prepareDjango({ engine: 'db', database: 'mysql' }),
    ]);
    envs = { sqlite, file, redis: redisEnv, postgres, mysql: mysqlEnv };
    for (const dj of Object.values(envs)) {
      const out = await dj.tool(['write', '--data', '{"_auth_user_id":"1","secret":"do-not-leak"}', '--count', '2']);
      keys.push(...out.sessions.map((s: { key: string }) => s.key));
    }
    redis = new Redis(REDIS);
    companion = await startCompanion(
      [databaseStore(sqlite), fileStore(file), cacheStore(redisEnv), databaseStore(postgres), databaseStore(mysqlEnv)],
      ['--secret-key', DJANGO_SECRET_KEY],
    );
  });
  afterAll(async () => {
    await companion?.close();
    redis?.disconnect();
    await Promise.all(Object.values(envs ?? {}).map((dj) => dj.cleanup()));
  });

  it('answers every store with the token (the baseline)', async () => {
    for (const [i, key] of keys.entries()) {
      const r = await rawRequest(companion.server.url, `/v1/sessions/${key}`, { headers: AUTH });
      expect(r.status).toBe(200);
      // keys 4 and 5 are the Redis cache's: a cache entry carries no signature.
      expect(r.json).toMatchObject({ found: true, verified: i === 4 || i === 5 ? null : true, data: { _auth_user_id: '1' } });
    }
  });

  it('refuses the attacks, and nothing in any store changes', async () => {
    const before = await snapshot();
    const url = companion.server.url;
    const host = new URL(url).host;
    const statuses: Record<string, number[]> = {};
    const record = (what: string, status: number) => (statuses[what] ??= []).push(status);

    for (const key of keys) {
      const path = `/v1/sessions/${key}`;
      record('no token', (await rawRequest(url, path)).status);
      record('wrong token', (await rawRequest(url, path, { headers: { authorization: `Bearer ${TOKEN}x` } })).status);
      record('token, empty bearer', (await rawRequest(url, path, { headers: { authorization: 'Bearer' } })).status);
      record('foreign Host', (await rawRequest(url, path, { headers: { ...AUTH, host: 'attacker.example' } })).status);
      record('rebound Host', (await rawRequest(url, path, { headers: { ...AUTH, host: `attacker.example:${host.split(':')[1]}` } })).status);
      record('foreign Origin', (await rawRequest(url, path, { headers: { ...AUTH, origin: 'https://attacker.example' } })).status);
      record('DELETE without --allow-write', (await rawRequest(url, path, { method: 'DELETE', headers: AUTH })).status);
      record('DELETE without token', (await rawRequest(url, path, { method: 'DELETE' })).status);
      record('PUT without --allow-write', (await rawRequest(url, path, { method: 'PUT', headers: { ...AUTH, 'content-type': 'application/json' }, body: '{"data":{"x":1}}' })).status);
      record('PUT without token', (await rawRequest(url, path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"data":{"x":1}}' })).status);
      record('POST', (await rawRequest(url, path, { method: 'POST', headers: AUTH, body: '{"x":1}' })).status);
    }
    const evilKeys = [
      encodeURIComponent("x' OR '1'='1"),
      encodeURIComponent("x'; DROP TABLE django_session; --"),
      encodeURIComponent('x" OR 1=1 --'),
      encodeURIComponent(`${keys[0]}' OR 'a'='a`),
      '..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '....%5C....%5Cwindows',
      encodeURIComponent(`../sessions/${keys[2]}`),
      '*',
      encodeURIComponent(`${keys[4]}*`),
      encodeURIComponent('flushall\r\nflushall'),
      'a'.repeat(41),
      '%00'.repeat(10),
    ];
    for (const evil of evilKeys) {
      record('evil key GET', (await rawRequest(url, `/v1/sessions/${evil}`, { headers: AUTH })).status);
      record('evil key DELETE', (await rawRequest(url, `/v1/sessions/${evil}`, { method: 'DELETE', headers: AUTH })).status);
    }
    for (const p of ['/v1/sessions/../../../../etc/passwd', `/v1/sessions/${keys[0]}/../../health`, '/v1/sessions/./x', '/../../etc/passwd']) {
      record('traversal path', (await rawRequest(url, p, { headers: AUTH })).status);
    }

    expect(statuses).toEqual({
      'no token': keys.map(() => 401),
      'wrong token': keys.map(() => 401),
      'token, empty bearer': keys.map(() => 401),
      'foreign Host': keys.map(() => 403),
      'rebound Host': keys.map(() => 403),
      'foreign Origin': keys.map(() => 403),
      'DELETE without --allow-write': keys.map(() => 405),
      'DELETE without token': keys.map(() => 401),
      'PUT without --allow-write': keys.map(() => 405),
      'PUT without token': keys.map(() => 401),
      POST: keys.map(() => 413),
      'evil key GET': evilKeys.map(() => 400),
      'evil key DELETE': evilKeys.map(() => 405),
      'traversal path': [404, 404, 404, 404],
    });
    expect(await snapshot()).toBe(before);
    // All tables still there and still served.
    expect((await rawRequest(url, `/v1/sessions/${keys[0]}`, { headers: AUTH })).status).toBe(200);
    // Nothing secret in the log.
    const log = companion.logs.join('\n');
    for (const s of [...keys, TOKEN, DJANGO_SECRET_KEY, 'do-not-leak']) expect(log).not.toContain(s);
  });

  it('the database connections themselves are read-only', async () => {
    const sqlite = new SqliteStore({ name: 's', path: sqlitePath(envs.sqlite), table: 'django_session', readOnly: true });
    await sqlite.ping();
    expect(() => (sqlite as unknown as { db: Database.Database }).db.prepare('DELETE FROM django_session').run()).toThrow(/readonly|query_only/i);
    await sqlite.close();

    const postgres = new PostgresStore({ name: 'p', url: envs.postgres.database, table: 'django_session', readOnly: true });
    await postgres.ping();
    await expect((postgres as unknown as { pool: pg.Pool }).pool.query('DELETE FROM django_session')).rejects.toMatchObject({ code: '25006' });
    await postgres.close();

    const maria = new MysqlStore({ name: 'm', url: envs.mysql.database, table: 'django_session', readOnly: true });
    await maria.ping();
    const pool = (maria as unknown as { pool: { promise(): mysql.Pool } }).pool.promise();
    await expect(pool.query('DELETE FROM django_session')).rejects.toMatchObject({ errno: 1792 });
    await maria.close();

    const rows = await envs.sqlite.tool(['keys']);
    expect(rows.keys).toHaveLength(2);
  });
});
