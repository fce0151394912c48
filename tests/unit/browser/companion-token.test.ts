/**
 * The stored companion token goes only to the origin it was saved for (issue 11): "Test connection"
 * with a newly typed URL, or saving a new URL without a new token, never hands it to another
 * server; plain-HTTP companion URLs off this machine are refused. Two real HTTP servers on
 * loopback record the Authorization headers they receive.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testConfigFor } from '../../../lib/background/companion.ts';
import { startService, type BackgroundHandle } from '../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../lib/browser/index.ts';
import { companionUrlError, createClient, type SessionLensClient } from '../../../lib/protocol/index.ts';
import { installFakePlatform } from './fake-platform.ts';

const TOKEN = 'stored-token-0123456789abcdef';

/** A fake companion that answers health and records every Authorization header. */
async function recorder(): Promise<{ server: Server; url: string; auth: (string | undefined)[] }> {
  const auth: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    auth.push(req.headers.authorization);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ok: true, name: 'session-lens-companion', version: '0.1.0' }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

let saved: Awaited<ReturnType<typeof recorder>>;
let other: Awaited<ReturnType<typeof recorder>>;
let bg: BackgroundHandle;
let client: SessionLensClient;

beforeAll(async () => {
  saved = await recorder();
  other = await recorder();
});
afterAll(async () => {
  for (const r of [saved, other]) await new Promise<void>((ok) => r.server.close(() => ok()));
});
beforeEach(async () => {
  const platform = installFakePlatform();
  bg = startService(createBrowserPlatform(), { badgeDelay: 1 });
  await bg.ready;
  client = createClient(platform.transport);
  await client.setSettings({ companion: { url: saved.url, token: TOKEN } });
  saved.auth.length = 0;
  other.auth.length = 0;
});
afterEach(async () => {
  await bg.idle();
  bg.stop();
});

describe('the stored token', () => {
  it('"Test connection" with a newly typed URL does not send the stored token there', async () => {
    await client.testCompanion({ url: other.url });
    expect(other.auth.length).toBeGreaterThan(0);
    expect(other.auth.every((a) => a === undefined)).toBe(true);
  });

  it('goes to the saved URL (and with a path or trailing slash typed, the same origin)', async () => {
    await client.testCompanion({});
    await client.testCompanion({ url: `${saved.url}/` });
    expect(saved.auth.length).toBeGreaterThan(0);
    expect(saved.auth.every((a) => a === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('a token typed with the new URL is the one sent', async () => {
    await client.testCompanion({ url: other.url, token: 'typed-token-0123456789' });
    expect(other.auth).toContain('Bearer typed-token-0123456789');
  });

  it('saving a new origin without a new token forgets the stored one', async () => {
    const view = await client.setSettings({ companion: { url: other.url } });
    expect(view.companion).toEqual({ url: other.url, hasToken: false });
    await client.testCompanion({});
    expect(other.auth.every((a) => a === undefined)).toBe(true);
    expect(saved.auth).toEqual([]);
  });

  it.each([
    [{ url: 'http://127.0.0.1:1', token: 't' }, {}, { url: 'http://127.0.0.1:1', token: 't' }],
    [{ url: 'http://127.0.0.1:1', token: 't' }, { url: 'http://127.0.0.1:2' }, { url: 'http://127.0.0.1:2', token: '' }],
    [{ url: 'http://127.0.0.1:1', token: 't' }, { url: 'https://127.0.0.1:1' }, { url: 'https://127.0.0.1:1', token: '' }],
    [{ url: 'http://localhost:1', token: 't' }, { url: 'http://localhost:1/' }, { url: 'http://localhost:1', token: 't' }],
  ])('testConfigFor(%j, %j) = %j', (stored, typed, want) => {
    expect(testConfigFor(stored, typed)).toEqual(want);
  });
});

describe('plain-HTTP companion URLs', () => {
  it.each(['http://192.168.1.5:8399', 'http://companion.example:8399', 'http://0.0.0.0:8399', 'http://[fe80::1]:8399'])('refuses %s', async (url) => {
    expect(companionUrlError(url)).toMatch(/Plain http:\/\/ is only for this machine/);
    await expect(client.setSettings({ companion: { url, token: 'x'.repeat(20) } })).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST' });
    await expect(client.testCompanion({ url })).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST' });
  });

  it.each(['http://127.0.0.1:8399', 'http://localhost:8399', 'http://[::1]:8399', 'https://companion.example:8399', ''])('accepts %j', (url) => {
    expect(companionUrlError(url)).toBeNull();
  });

  it('refuses credentials in the URL', () => {
    expect(companionUrlError('https://user:pw@companion.example')).toMatch(/not in the URL/);
  });
});
