/**
 * The background's companion client against the real companion server (lib/companion) reading a
 * SQLite session store that the real Django fixture site filled.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lookupSession, testCompanion } from '../../../lib/background/companion.ts';
import { startService } from '../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../lib/browser/index.ts';
import { createClient } from '../../../lib/protocol/index.ts';
import { parseServeConfig, type CompanionConfig } from '../../../lib/companion/config.ts';
import { startCompanionServer, type CompanionServer } from '../../../lib/companion/server.ts';
import { DJANGO_SECRET_KEY, prepareDjango, type DjangoEnv } from '../../support/django.ts';
import { installFakePlatform } from '../browser/fake-platform.ts';

const TOKEN = 'unit-test-companion-token-0123456789';

let dj: DjangoEnv;
let companion: CompanionServer;
let notCompanion: Server;
let otherUrl: string;
let sessionKey: string;

beforeAll(async () => {
  dj = await prepareDjango({ engine: 'db' });
  const written = (await dj.tool(['write', '--data', '{"_auth_user_id": "1", "big": 18446744073709551616, "html": "<b>x</b>"}'])) as {
    sessions: { key: string }[];
  };
  sessionKey = written.sessions[0]!.key;
  const config = parseServeConfig(['--port', '0', '--token', TOKEN, '--store', dj.database, '--secret-key', DJANGO_SECRET_KEY], {}, process.cwd()) as CompanionConfig;
  companion = await startCompanionServer({ config });
  notCompanion = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hello</h1>'));
  await new Promise<void>((ok) => notCompanion.listen(0, '127.0.0.1', ok));
  otherUrl = `http://127.0.0.1:${(notCompanion.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await companion?.close();
  await new Promise<void>((ok) => (notCompanion ? notCompanion.close(() => ok()) : ok()));
  await dj?.cleanup();
});

describe('companion/test', () => {
  it.each([
    ['connected', () => ({ url: companion.url, token: TOKEN }), /^Connected to session-lens-companion 0\.1\.0: 1 store\(s\)$/],
    ['unauthorized', () => ({ url: companion.url, token: 'wrong-token-wrong-token-wrong' }), /^The companion refused the token$/],
    ['bad-response', () => ({ url: otherUrl, token: TOKEN }), /^Not a Session Lens companion \(HTTP 200\)$/],
    ['unreachable', () => ({ url: 'http://127.0.0.1:9', token: TOKEN }), /^Cannot reach http:\/\/127\.0\.0\.1:9$/],
    ['not-configured', () => ({ url: '', token: '' }), /^No companion URL is set$/],
  ])('reports %s', async (state, config, message) => {
    const status = await testCompanion(config());
    expect(status.state).toBe(state);
    expect(status.message).toMatch(message);
  });
});

describe('companion/lookup', () => {
  it('returns the server-side session, exact, verified with the companion’s key', async () => {
    const view = await lookupSession({ url: companion.url, token: TOKEN }, sessionKey);
    expect(view).toMatchObject({ key: sessionKey, found: true, expired: false, verified: true, store: expect.stringContaining('sqlite://') });
    expect(view.json).toContain('"big": 18446744073709551616');
    expect(view.json).toContain('"html": "<b>x</b>"');
  });

  it('answers found: false for an unknown key', async () => {
    expect(await lookupSession({ url: companion.url, token: TOKEN }, 'z'.repeat(32))).toEqual({
      key: 'z'.repeat(32),
      found: false,
      store: null,
      expireDate: null,
      expired: null,
      verified: null,
      json: null,
      readOnly: true,
    });
  });

  it.each([
    ['a bad token', () => ({ url: companion.url, token: 'nope-nope-nope-nope-nope' }), () => sessionKey, 'ERR_COMPANION', /^Companion: ERR_UNAUTHORIZED: /],
    ['a key that is not a session key', () => ({ url: companion.url, token: TOKEN }), () => '../../etc/passwd', 'ERR_BAD_REQUEST', /^Not a session key/],
    ['no URL', () => ({ url: '', token: '' }), () => sessionKey, 'ERR_NOT_CONFIGURED', /^No companion URL is set/],
    ['a server that is down', () => ({ url: 'http://127.0.0.1:9', token: TOKEN }), () => sessionKey, 'ERR_COMPANION', /^Cannot reach the companion/],
  ])('throws a typed error for %s', async (_name, config, key, code, message) => {
    const err = (await lookupSession(config(), key()).catch((e: unknown) => e)) as { code: string; message: string };
    expect(err.code).toBe(code);
    expect(err.message).toMatch(message);
  });

  it('goes through the background: the token is sent, the stored secret keys never are', async () => {
    const platform = installFakePlatform();
    const sent: { url: string; headers: string }[] = [];
    const bg = startService(createBrowserPlatform(), {
      fetch: (input, init) => {
        sent.push({ url: input, headers: JSON.stringify(init?.headers ?? {}) });
        return fetch(input, init);
      },
    });
    try {
      await bg.ready;
      const client = createClient(platform.transport);
      await client.addKey(DJANGO_SECRET_KEY, 'fixture');
      await client.setSettings({ companion: { url: companion.url, token: TOKEN } });
      expect(await client.testCompanion()).toMatchObject({ state: 'connected' });
      const view = await client.lookupSession(sessionKey);
      expect(view).toMatchObject({ found: true, verified: true });
      expect(sent.length).toBeGreaterThanOrEqual(3);
      for (const req of sent) {
        expect(req.url.startsWith(companion.url)).toBe(true);
        expect(req.headers).toContain(`Bearer ${TOKEN}`);
        expect(req.url + req.headers).not.toContain(DJANGO_SECRET_KEY);
      }
      expect(JSON.stringify(await fakeBrowser.storage.sync.get())).toBe('{}');
    } finally {
      await bg.idle();
      bg.stop();
    }
  });
});
