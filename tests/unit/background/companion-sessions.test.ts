/**
 * The background's Sessions-view calls (list, filter by user, update, delete) against the real
 * companion server over a SQLite store the real Django fixture site filled — and Django's own
 * `SessionStore(key).load()` reading what was written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteSession, listSessions, updateSession } from '../../../lib/background/companion-sessions.ts';
import { lookupSession } from '../../../lib/background/companion.ts';
import { parseServeConfig, type CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import { DJANGO_SECRET_KEY, prepareDjango, type DjangoEnv } from '../../support/django.ts';

const TOKEN = 'unit-test-companion-token-0123456789';

let dj: DjangoEnv;
let writer: CompanionServer;
let reader: CompanionServer;
let keys: string[];

const start = (flags: string[]) =>
  startCompanionServer({
    config: parseServeConfig(['--port', '0', '--token', TOKEN, '--store', dj.database, ...flags], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY }, process.cwd()) as CompanionConfig,
  });

beforeAll(async () => {
  dj = await prepareDjango({ engine: 'db' });
  const one = (await dj.tool(['write', '--data', '{"_auth_user_id": "1", "n": 1}', '--count', '2'])).sessions as { key: string }[];
  const two = (await dj.tool(['write', '--data', '{"_auth_user_id": "2"}'])).sessions as { key: string }[];
  keys = [...one, ...two].map((s) => s.key);
  writer = await start(['--allow-write']);
  reader = await start([]);
}, 120_000);

afterAll(async () => {
  await writer?.close();
  await reader?.close();
  await dj?.cleanup();
});

describe('companion/list', () => {
  it('lists the latest sessions with their users, and says whether the companion writes', async () => {
    const all = await listSessions({ url: writer.url, token: TOKEN }, {});
    expect(all.readOnly).toBe(false);
    expect(all.sessions.map((s) => s.key).sort()).toEqual([...keys].sort());
    expect((await listSessions({ url: reader.url, token: TOKEN }, {})).readOnly).toBe(true);
  });

  it('filters by user id on the server', async () => {
    const one = await listSessions({ url: reader.url, token: TOKEN }, { userId: '1' });
    expect(one.sessions.map((s) => s.key).sort()).toEqual(keys.slice(0, 2).sort());
    expect(one.sessions.every((s) => s.userId === '1')).toBe(true);
    expect((await listSessions({ url: reader.url, token: TOKEN }, { userId: 'nobody' })).sessions).toEqual([]);
  });

  it('lookups carry readOnly', async () => {
    expect((await lookupSession({ url: writer.url, token: TOKEN }, keys[2]!)).readOnly).toBe(false);
    expect((await lookupSession({ url: reader.url, token: TOKEN }, keys[2]!)).readOnly).toBe(true);
  });
});

describe('companion/update and companion/delete', () => {
  it('update: Django loads the new data, big integers exact', async () => {
    const key = keys[0]!;
    const r = await updateSession({ url: writer.url, token: TOKEN }, key, '{"_auth_user_id": "2", "big": 18446744073709551616}');
    expect(r).toEqual({ key, stores: [expect.stringContaining('sqlite://')] });
    const django = await dj.tool(['load', '--key', key]);
    expect(django.data._auth_user_id).toBe('2');
    expect(String(django.data.big)).toBe('18446744073709551616');
  });

  it.each([
    ['a read-only companion', () => reader, '{"a": 1}', /^Companion: ERR_READ_ONLY: /],
    ['not JSON', () => writer, '{"a": ', /^The session is not valid JSON$/],
    ['not an object', () => writer, '[1, 2]', /must be a JSON object/],
    ['a tuple JSON cannot hold', () => writer, '{"t": {"$py": "tuple", "items": [1]}}', /^Companion: ERR_UNWRITABLE_VALUE: /],
  ])('update refuses %s', async (_name, server, json, message) => {
    await expect(updateSession({ url: server().url, token: TOKEN }, keys[1]!, json)).rejects.toThrow(message);
    expect((await dj.tool(['load', '--key', keys[1]!])).data).toMatchObject({ _auth_user_id: '1', n: 1 });
  });

  it('delete logs the session out; a read-only companion refuses', async () => {
    const key = keys[2]!;
    await expect(deleteSession({ url: reader.url, token: TOKEN }, key)).rejects.toThrow(/ERR_READ_ONLY/);
    expect(await deleteSession({ url: writer.url, token: TOKEN }, key)).toEqual({ key, stores: [expect.stringContaining('sqlite://')] });
    expect((await dj.tool(['load', '--key', key])).found).toBe(false);
    await expect(deleteSession({ url: writer.url, token: TOKEN }, '../etc/passwd')).rejects.toThrow(/Not a session key/);
  });
});
