import { describe, expect, it, vi } from 'vitest';
import { createRouter, type Handlers } from '../../../lib/background/index.ts';
import { createPortHub } from '../../../lib/background/port-hub.ts';
import { createMemoryTransport } from '../../support/memory-transport.ts';
import { ProtocolError, createClient, type PanelPush, type SettingsView } from '../../../lib/protocol/index.ts';
import { MalformedInputError } from '../../../lib/codec/index.ts';

const settings: SettingsView = {
  policy: { name: 'django-default', sessionCookieNames: ['sessionid'] },
  sessionCookieNames: ['sessionid'],
  keys: [],
  companion: { url: '', hasToken: false },
};

function unimplemented(): never {
  throw new Error('boom: internal detail');
}

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  return {
    'cookies/list': unimplemented,
    'session/decode': () => {
      throw new MalformedInputError('Bad base64 in "!!!"');
    },
    'timeline/get': ({ site }) => ({ site, events: [] }),
    'timeline/clear': ({ site }) => ({ site, events: [] }),
    'settings/get': () => settings,
    'settings/set': () => settings,
    'keys/add': () => settings,
    'keys/remove': () => {
      throw new ProtocolError('ERR_BAD_REQUEST', 'No key "x"');
    },
    'permissions/check': ({ origin }) => ({ origin, granted: true }),
    'permissions/request': ({ origin }) => ({ origin, granted: false }),
    'companion/lookup': unimplemented,
    'companion/test': () => ({ state: 'not-configured', message: 'No companion URL', url: '' }),
    'companion/list': unimplemented,
    'companion/update': unimplemented,
    'companion/delete': unimplemented,
    'policy/validate': unimplemented,
    'policy/catalog': unimplemented,
    'session/resign': unimplemented,
    'cookies/set': unimplemented,
    'cookies/remove': unimplemented,
    'cookies/clear': unimplemented,
    'cookies/export': unimplemented,
    'cookies/import-preview': unimplemented,
    'cookies/import': unimplemented,
    'har/analyze': unimplemented,
    ...overrides,
  };
}

function setup(h = handlers()) {
  const onUnexpected = vi.fn();
  const router = createRouter(h, onUnexpected);
  const hub = createPortHub();
  const transport = createMemoryTransport({ router, onConnect: (p) => hub.accept(p) });
  return { router, hub, transport, client: createClient(transport), onUnexpected };
}

describe('router', () => {
  it.each([
    [null, 'ERR_BAD_REQUEST', 'A request must be an object with a "type"'],
    [{ type: 'cookies/nope' }, 'ERR_BAD_REQUEST', 'Unknown request type "cookies/nope"'],
    [{ type: 'cookies/list', tabId: 'one' }, 'ERR_BAD_REQUEST', 'Bad "cookies/list" request: tabId: Invalid input: expected number, received string'],
    [{ type: 'keys/add', key: '' }, 'ERR_BAD_REQUEST', 'Bad "keys/add" request: key: Enter a key'],
    [{ type: 'keys/add', key: 'short', family: 'laravel' }, 'ERR_BAD_REQUEST', 'Bad "keys/add" request: key: An APP_KEY without "base64:" is used as is and must be 32 bytes (AES-256) or 16 (AES-128), not 5: copy it from .env with its base64: prefix'],
    [{ type: 'keys/add', key: 'k', family: 'spring' }, 'ERR_BAD_REQUEST', expect.stringMatching(/^Bad "keys\/add" request: family: Invalid option/)],
    [{ type: 'keys/add', key: 'k', salts: ['s'] }, 'ERR_BAD_REQUEST', 'Bad "keys/add" request: salts: Django keys take no salts'],
    [{ type: 'settings/set', companion: { url: 'ftp://x' } }, 'ERR_BAD_REQUEST', 'Bad "settings/set" request: companion.url: Use an http:// or https:// URL'],
    [{ type: 'session/decode', value: '!!!' }, 'ERR_MALFORMED', 'Bad base64 in "!!!"'],
    [{ type: 'keys/remove', id: 'x' }, 'ERR_BAD_REQUEST', 'No key "x"'],
    [{ type: 'companion/lookup', key: 'abc' }, 'ERR_INTERNAL', '"companion/lookup" failed unexpectedly'],
  ])('answers %j with %s', async (raw, code, message) => {
    const { router } = setup();
    expect(await router.handle(raw)).toEqual({ ok: false, code, message });
  });

  it('never leaks an unexpected error message, but reports it', async () => {
    const { router, onUnexpected } = setup();
    const res = await router.handle({ type: 'cookies/list', tabId: 1 });
    expect(JSON.stringify(res)).not.toContain('internal detail');
    expect(onUnexpected).toHaveBeenCalledOnce();
  });

  it('applies schema defaults before the handler sees the params', async () => {
    const add = vi.fn(() => settings);
    const { router } = setup(handlers({ 'keys/add': add }));
    await router.handle({ type: 'keys/add', key: 'k' });
    expect(add).toHaveBeenCalledWith({ key: 'k', label: '', family: 'django' }, {});
  });
});

describe('in-memory transport and client', () => {
  it('round-trips typed requests', async () => {
    const { client } = setup();
    expect(await client.getTimeline('http://localhost:8000')).toEqual([]);
    expect(await client.checkPermission('https://example.com/*')).toBe(true);
    expect((await client.getSettings()).sessionCookieNames).toEqual(['sessionid']);
  });

  it('throws ProtocolError with the wire code', async () => {
    const { client } = setup();
    await expect(client.decode('!!!')).rejects.toMatchObject({ name: 'ProtocolError', code: 'ERR_MALFORMED', message: 'Bad base64 in "!!!"' });
  });

  it('rejects a response that does not match its schema', async () => {
    const { client } = setup(handlers({ 'timeline/get': () => ({ site: 's', events: [{ nope: true }] }) as never }));
    const err = await client.getTimeline('s').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProtocolError);
    expect((err as ProtocolError).code).toBe('ERR_BAD_RESPONSE');
  });

  it('fails like the real wire when a handler returns a bigint', async () => {
    const { client } = setup(handlers({ 'timeline/get': () => ({ site: 's', events: [], n: 1n }) as never }));
    await expect(client.getTimeline('s')).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
  });

  it('asks the page first, then the background, for a permission', async () => {
    const { transport } = setup();
    const page = vi.fn(async () => true);
    expect(await createClient(transport, { requestPermission: page }).requestPermission('https://a.test/*')).toBe(true);
    const none = vi.fn(async () => undefined);
    expect(await createClient(transport, { requestPermission: none }).requestPermission('https://a.test/*')).toBe(false);
    expect(none).toHaveBeenCalledWith('https://a.test/*');
  });

  it('delivers validated pushes on panel:<tabId> and drops invalid ones', async () => {
    const { client, hub } = setup();
    const got: PanelPush[] = [];
    const stop = client.subscribe(7, (p) => got.push(p));
    expect(hub.tabs()).toEqual([7]);
    hub.push(7, { type: 'access/changed', tabId: 7, access: 'granted' });
    hub.push(7, { type: 'bogus' } as never);
    hub.push(8, { type: 'access/changed', tabId: 8, access: 'granted' });
    await new Promise((r) => setTimeout(r, 0));
    expect(got).toEqual([{ type: 'access/changed', tabId: 7, access: 'granted' }]);
    stop();
    await new Promise((r) => setTimeout(r, 0));
    expect(hub.tabs()).toEqual([]);
  });

  it('reconnects after the background goes away', async () => {
    const { client, hub, transport } = setup();
    const statuses: string[] = [];
    const stop = client.subscribe(3, () => undefined, { onStatus: (s) => statuses.push(s), reconnectDelay: 1 });
    transport.disconnectAll();
    await new Promise((r) => setTimeout(r, 20));
    expect(statuses).toEqual(['connecting', 'connected', 'disconnected', 'connecting', 'connected']);
    expect(hub.tabs()).toEqual([3]);
    stop();
  });

  it('ignores ports that are not panel ports', () => {
    const hub = createPortHub();
    const transport = createMemoryTransport({ router: createRouter(handlers()), onConnect: (p) => hub.accept(p) });
    transport.connect('something-else');
    expect(hub.tabs()).toEqual([]);
  });
});
