import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type BackgroundHandle } from '../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../lib/browser/index.ts';
import { createClient, type SessionLensClient } from '../../../lib/protocol/index.ts';
import { dumps } from '../../../lib/codec/index.ts';
import type { PanelPush } from '../../../lib/protocol/index.ts';
import { installFakePlatform, type FakePlatform } from './fake-platform.ts';

const KEY_A = 'a'.repeat(32);
const KEY_B = 'b1'.repeat(16);
const SITE = 'http://localhost:8000';

let platform: FakePlatform;
let bg: BackgroundHandle;
let client: SessionLensClient;
let tabId: number;

async function openTab(url: string): Promise<number> {
  const tab = await fakeBrowser.tabs.create({ url });
  return tab.id!;
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 60));
  await bg.idle();
}

beforeEach(async () => {
  platform = installFakePlatform();
  bg = startService(createBrowserPlatform(), { badgeDelay: 1, onError: (where, e) => { throw new Error(`${where}: ${String(e)}`); } });
  await bg.ready;
  client = createClient(platform.transport);
  tabId = await openTab(`${SITE}/`);
});

afterEach(async () => {
  await bg.idle();
  bg.stop();
});

describe('cookies/list', () => {
  it('lists the site cookies, session cookies first, with findings', async () => {
    await platform.jar.set({ name: 'csrftoken', value: 'x'.repeat(32), domain: 'localhost', httpOnly: false });
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost', expirationDate: Date.now() / 1000 + 3600 });
    await platform.jar.set({ name: 'other', value: '1', domain: 'example.com' });
    const snap = await client.listCookies(tabId);
    expect(snap).toMatchObject({ tabId, url: `${SITE}/`, site: SITE, originPattern: 'http://localhost/*', access: 'granted' });
    expect(snap.cookies.map((c) => c.name)).toEqual(['sessionid', 'csrftoken']);
    expect(snap.cookies[0]).toMatchObject({ sessionCookie: true, httpOnly: true, sameSite: 'lax', size: 9 + 32, partition: null, storeId: '0' });
    expect(snap.cookies[0]!.maxAge).toBeGreaterThan(3590);
    // http://localhost without Secure: django-default flags the session cookie.
    expect(snap.cookies[0]!.findings.map((f) => f.rule)).toContain('secure-missing');
    // The badge count: severity low and above (csrftoken's info findings do not count).
    const all = snap.cookies.flatMap((c) => c.findings);
    expect(all.some((f) => f.severity === 'info')).toBe(true);
    expect(snap.findingCount).toBe(all.filter((f) => f.severity !== 'info').length);
  });

  it('says when host access is missing and reads nothing', async () => {
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'example.com' });
    const other = await openTab('https://example.com/app');
    const snap = await client.listCookies(other);
    expect(snap).toMatchObject({ access: 'missing', originPattern: 'https://example.com/*', cookies: [] });
    expect(fakeBrowser.cookies.getAll).not.toHaveBeenCalled();
  });

  it('answers ERR_NO_TAB for an unknown tab, and uses the panel-given URL when it has one', async () => {
    await expect(client.listCookies(999)).rejects.toMatchObject({ code: 'ERR_NO_TAB', message: 'No tab 999' });
    const snap = await client.listCookies(0); // fakeBrowser's default tab has no URL
    expect(snap.access).toBe('missing');
    await expect(client.request('cookies/list', { tabId: 998, url: `${SITE}/x` })).resolves.toMatchObject({ site: SITE, access: 'granted' });
  });
});

describe('live pushes', () => {
  it('sends a snapshot on connect, then each change, without polling', async () => {
    const pushes: PanelPush[] = [];
    const stop = client.subscribe(tabId, (p) => pushes.push(p));
    await settle();
    expect(pushes.map((p) => p.type)).toEqual(['cookies/snapshot']);
    const calls = (fakeBrowser.cookies.getAll as unknown as { mock: { calls: unknown[] } }).mock.calls.length;
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost' });
    await settle();
    const changed = pushes.find((p) => p.type === 'cookies/changed');
    expect(changed).toMatchObject({ type: 'cookies/changed', tabId, site: SITE, removed: false, cause: 'explicit', cookie: { name: 'sessionid', value: KEY_A } });
    expect(pushes.find((p) => p.type === 'timeline/event')).toMatchObject({ event: { kind: 'created', cookie: 'sessionid', site: SITE } });
    // The push itself did not re-read the jar (the badge update may).
    expect((fakeBrowser.cookies.getAll as unknown as { mock: { calls: unknown[] } }).mock.calls.length - calls).toBeLessThanOrEqual(2);
    stop();
  });

  it('keeps the order of an overwrite (removal, then addition) even when the old value is slower to read', async () => {
    const pushes: PanelPush[] = [];
    client.subscribe(tabId, (p) => pushes.push(p));
    await settle();
    const signedValue = await dumps({ _auth_user_id: '3', pad: 'x'.repeat(20_000) }, { key: 'k'.repeat(50), salt: 'django.contrib.sessions.backends.signed_cookies', compress: true });
    await platform.jar.set({ name: 'sessionid', value: signedValue, domain: 'localhost' });
    await settle();
    pushes.length = 0;
    await platform.jar.set({ name: 'sessionid', value: KEY_B, domain: 'localhost' });
    await settle();
    const changes = pushes.flatMap((p) => (p.type === 'cookies/changed' ? [[p.removed, p.cause, p.cookie.value.slice(0, 8)]] : []));
    expect(changes).toEqual([
      [true, 'overwrite', signedValue.slice(0, 8)],
      [false, 'explicit', KEY_B.slice(0, 8)],
    ]);
    expect((await client.getTimeline(SITE)).map((e) => e.kind)).toEqual(['created', 'rotated']);
  });

  it('pushes a new snapshot when the tab navigates to another site', async () => {
    const pushes: PanelPush[] = [];
    client.subscribe(tabId, (p) => pushes.push(p));
    await settle();
    await fakeBrowser.tabs.update(tabId, { url: 'http://127.0.0.1:9000/' });
    await settle();
    const snaps = pushes.filter((p) => p.type === 'cookies/snapshot');
    expect(snaps.map((p) => (p.type === 'cookies/snapshot' ? p.snapshot.site : null))).toEqual([SITE, 'http://127.0.0.1:9000']);
  });

  it('opens the options page to ask for access when the request cannot show a prompt', async () => {
    const request = fakeBrowser.permissions.request as unknown as { mockImplementationOnce(fn: () => Promise<never>): void };
    request.mockImplementationOnce(async () => {
      throw new Error('This function must be called during a user gesture');
    });
    const tabsBefore = (await fakeBrowser.tabs.query({})).length;
    expect(await client.request('permissions/request', { origin: 'https://example.com/*' })).toEqual({ origin: 'https://example.com/*', granted: false });
    const tabs = await fakeBrowser.tabs.query({});
    expect(tabs).toHaveLength(tabsBefore + 1);
    expect(tabs.at(-1)!.url).toBe('chrome-extension://test-extension-id/options.html#grant=https%3A%2F%2Fexample.com%2F*');
  });

  it('tells the panel when access is granted at runtime', async () => {
    const other = await openTab('https://example.com/');
    const pushes: PanelPush[] = [];
    client.subscribe(other, (p) => pushes.push(p));
    await settle();
    expect(await client.requestPermission('https://example.com/*')).toBe(true);
    await settle();
    expect(pushes).toContainEqual({ type: 'access/changed', tabId: other, access: 'granted' });
    expect(pushes.filter((p) => p.type === 'cookies/snapshot').at(-1)).toMatchObject({ snapshot: { access: 'granted' } });
  });
});

describe('session timeline', () => {
  it('shows a login (key rotated), a refresh and a logout (flush) for an opaque db session', async () => {
    const exp = Date.now() / 1000 + 1209600;
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost', expirationDate: exp });
    await platform.jar.set({ name: 'sessionid', value: KEY_B, domain: 'localhost', expirationDate: exp }); // login: cycle_key
    await platform.jar.set({ name: 'sessionid', value: KEY_B, domain: 'localhost', expirationDate: exp + 60 }); // SESSION_SAVE_EVERY_REQUEST
    await platform.jar.set({ name: 'sessionid', value: '', domain: 'localhost', expirationDate: 0 }); // logout: delete_cookie
    await settle();
    const events = await client.getTimeline(SITE);
    expect(events.map((e) => [e.kind, e.detail])).toEqual([
      ['created', expect.stringMatching(/^session created until /)],
      ['rotated', 'new session key'],
      ['refreshed', expect.stringMatching(/^expiry extended until /)],
      ['flushed', 'deleted by the server (session flushed / logout)'],
    ]);
    expect(JSON.stringify(events)).not.toContain(KEY_A);
    expect(JSON.stringify(events)).not.toContain(KEY_B);
  });

  it('sees a signed_cookies login by the user id, and ignores non-session cookies', async () => {
    const key = 'django-insecure-unit-test-key';
    const salt = 'django.contrib.sessions.backends.signed_cookies';
    const anon = await dumps({ cart: [1] }, { key, salt, compress: true });
    const alice = await dumps({ cart: [1], _auth_user_id: '7' }, { key, salt, compress: true });
    const touched = await dumps({ cart: [1], _auth_user_id: '7', touched: 1 }, { key, salt, compress: true });
    await platform.jar.set({ name: 'sessionid', value: anon, domain: 'localhost' });
    await platform.jar.set({ name: 'sessionid', value: alice, domain: 'localhost' });
    await platform.jar.set({ name: 'sessionid', value: touched, domain: 'localhost' });
    await platform.jar.set({ name: 'theme', value: 'dark', domain: 'localhost' });
    await settle();
    expect((await client.getTimeline(SITE)).map((e) => [e.kind, e.detail])).toEqual([
      ['created', expect.stringMatching(/^session created/)],
      ['rotated', 'login: user 7'],
      ['value-changed', 'session data changed (user 7)'],
    ]);
  });

  it('treats a removal followed by a new session within the window as a rotation; expiry as expired', async () => {
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost' });
    await platform.jar.remove('sessionid', 'localhost', 'explicit');
    await platform.jar.set({ name: 'sessionid', value: KEY_B, domain: 'localhost' });
    await platform.jar.remove('sessionid', 'localhost', 'expired');
    await settle();
    expect((await client.getTimeline(SITE)).map((e) => e.kind)).toEqual(['created', 'removed', 'rotated', 'expired']);
    await client.clearTimeline(SITE);
    expect(await client.getTimeline(SITE)).toEqual([]);
  });

  it('survives the worker restarting (storage.session), and keeps comparing against the old key', async () => {
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost' });
    await settle();
    bg.stop();
    platform.dropPorts();
    bg = startService(createBrowserPlatform(), { badgeDelay: 1 });
    await bg.ready;
    expect((await client.getTimeline(SITE)).map((e) => e.kind)).toEqual(['created']);
    await platform.jar.set({ name: 'sessionid', value: KEY_B, domain: 'localhost' });
    await settle();
    expect((await client.getTimeline(SITE)).map((e) => e.kind)).toEqual(['created', 'rotated']);
    expect(Object.keys(await fakeBrowser.storage.session.get())).toEqual(expect.arrayContaining(["tl:localhost", "sites"]));
  });

  it('bounds the timeline', async () => {
    for (let i = 0; i < 230; i++) await platform.jar.set({ name: 'sessionid', value: `${i}`.padStart(32, 'k'), domain: 'localhost' });
    await settle();
    const events = await client.getTimeline(SITE);
    // A burst of writes is coalesced: a few events, the last standing for the rest ("rotated ×N").
    expect(events.length).toBeLessThanOrEqual(200);
    expect(events.length).toBeLessThan(20);
    expect(events.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(230);
    expect(events.at(-1)!.kind).toBe('rotated');
    expect(events.at(-1)!.count).toBeGreaterThan(100);
  });
});

describe('badge', () => {
  async function badge(id: number) {
    return { text: await fakeBrowser.action.getBadgeText({ tabId: id }), color: await fakeBrowser.action.getBadgeBackgroundColor({ tabId: id }) };
  }

  it('counts the findings of the tab site and sets it again after navigation resets it', async () => {
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost', httpOnly: false });
    await settle();
    const snap = await client.listCookies(tabId);
    const first = await badge(tabId);
    expect(first.text).toBe(String(snap.findingCount));
    expect(Number(first.text)).toBeGreaterThan(0);
    expect(first.color).toEqual([0xd9, 0x30, 0x25, 255]); // high: a session cookie readable by JavaScript
    // Chrome clears a per-tab badge when the tab navigates; the 'complete' event sets it again.
    await fakeBrowser.action.setBadgeText({ tabId, text: '' });
    await fakeBrowser.tabs.onUpdated.trigger(tabId, { status: 'complete' }, { id: tabId, url: `${SITE}/next` } as never);
    await settle();
    expect((await badge(tabId)).text).toBe(first.text);
  });

  it('follows a policy change', async () => {
    await platform.jar.set({ name: 'sessionid', value: KEY_A, domain: 'localhost', httpOnly: false });
    await settle();
    const before = Number(await fakeBrowser.action.getBadgeText({ tabId }));
    await client.setSettings({ policy: { extends: 'local-dev', rules: { 'httponly-missing': 'off', 'samesite-missing': 'off' } } });
    await settle();
    const after = Number(await fakeBrowser.action.getBadgeText({ tabId }) || '0');
    expect(after).toBeLessThan(before);
    expect(after).toBe((await client.listCookies(tabId)).findingCount);
  });

  it('is empty for sites without findings or without access', async () => {
    await platform.jar.set({ name: 'theme', value: 'dark', domain: 'example.com' });
    const other = await openTab('https://example.com/');
    await fakeBrowser.tabs.onUpdated.trigger(other, { status: 'complete' }, { id: other, url: 'https://example.com/' } as never);
    await settle();
    expect((await badge(other)).text).toBe('');
  });
});

describe('Set-Cookie headers: dropped cookies', () => {
  async function respond(requestId: string, url: string, setCookies: string[], store: (h: string) => boolean) {
    await platform.webRequest.onHeadersReceived.trigger({
      requestId,
      tabId,
      url,
      type: 'main_frame',
      responseHeaders: [{ name: 'Content-Type', value: 'text/html' }, ...setCookies.map((value) => ({ name: 'Set-Cookie', value }))],
    });
    for (const h of setCookies) {
      if (!store(h)) continue;
      const [nv] = h.split(';');
      const [name, value] = nv!.split('=');
      await platform.jar.set({ name: name!, value: value!, domain: 'localhost', httpOnly: /httponly/i.test(h) });
    }
    await platform.webRequest.onCompleted.trigger({ requestId, tabId, url });
    await settle();
  }

  it('reports a SameSite=None cookie without Secure that the browser dropped, and raises the badge', async () => {
    const pushes: PanelPush[] = [];
    client.subscribe(tabId, (p) => pushes.push(p));
    await settle();
    await respond('r1', `${SITE}/bad-cookies`, ['cross=1; Path=/; SameSite=None', '__Host-bad=1; Path=/app', 'ok=1; Path=/; HttpOnly; SameSite=Lax'], (h) => h.startsWith('ok='));
    const snap = await client.listCookies(tabId);
    const dropped = snap.dropped.filter((f) => f.rule === 'dropped');
    expect(dropped.map((f) => [f.cookie, f.message])).toEqual([
      ['cross', 'The browser dropped cookie "cross": SameSite=None requires Secure.'],
      ['__Host-bad', 'The browser dropped cookie "__Host-bad": A __Host- cookie must be Secure.'],
    ]);
    expect(snap.dropped.every((f) => f.source === 'dropped')).toBe(true);
    // One root cause, one finding: a dropped cookie gets no policy findings of its own.
    expect(snap.dropped.map((f) => f.rule)).toEqual(['dropped', 'dropped']);
    expect(snap.dropped.map((f) => [f.domain, f.path])).toEqual([
      ['localhost', '/'],
      ['localhost', '/app'],
    ]);
    // The last push (a findings push, or the coalesced change of the stored cookie) carries the badge count.
    expect(pushes.filter((p) => p.type === 'findings' || p.type === 'cookies/changed').at(-1)).toMatchObject({ findingCount: snap.findingCount });
    expect(Number(await fakeBrowser.action.getBadgeText({ tabId }))).toBe(snap.findingCount);
  });

  it('reads Firefox-style joined headers, ignores deletions, and forgets a drop once the cookie is stored', async () => {
    await respond('r2', `${SITE}/`, ['cross=1; SameSite=None\ngone=; expires=Thu, 01 Jan 1970 00:00:00 GMT'], () => false);
    expect((await client.listCookies(tabId)).dropped.filter((f) => f.rule === 'dropped').map((f) => f.cookie)).toEqual(['cross']);
    await respond('r3', `${SITE}/`, ['cross=2; SameSite=None; Secure'], () => true);
    expect((await client.listCookies(tabId)).dropped).toEqual([]);
  });
});

describe('settings and keys', () => {
  it('stores secret keys in storage.local only and never sends them back', async () => {
    const secret = 'django-insecure-0123456789abcdefghijklmnopqrstuvwxyz';
    const view = await client.addKey(secret, 'dev');
    expect(view.keys).toEqual([{ id: expect.any(String), label: 'dev', family: 'django', hint: 'djan… (52 chars)', length: 52 }]);
    expect(JSON.stringify(view)).not.toContain(secret.slice(4));
    expect(JSON.stringify(await fakeBrowser.storage.local.get())).toContain(secret);
    expect(await fakeBrowser.storage.sync.get()).toEqual({});
    expect(JSON.stringify(await fakeBrowser.storage.session.get())).not.toContain(secret);
    await expect(client.addKey(secret)).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST', message: 'Invalid settings: key: this key is already stored' });
    const removed = await client.removeKey(view.keys[0]!.id);
    expect(removed.keys).toEqual([]);
  });

  it('verifies a signed_cookies session with a stored key, and reports the key and salt', async () => {
    const secret = 'django-insecure-0123456789abcdefghijklmnopqrstuvwxyz';
    const salt = 'django.contrib.sessions.backends.signed_cookies';
    const big = 2n ** 64n;
    const value = await dumps({ _auth_user_id: '1', big }, { key: secret, salt, compress: true });
    const before = await client.decode(value, { cookieName: 'sessionid', site: SITE });
    expect(before).toMatchObject({ format: 'django-signed', signature: 'unverified', verified: null });
    await client.addKey('an-old-key-that-does-not-verify-anything', 'old');
    await client.addKey(secret, 'current');
    const after = await client.decode(value, { cookieName: 'sessionid', site: SITE });
    expect(after).toMatchObject({ signature: 'verified', verified: true, keyIndex: 1, keyLabel: 'current', salt });
    expect(after.json).toContain('"big": 18446744073709551616');
  });

  it('validates the policy with lib/policy and reports the field', async () => {
    await expect(client.setSettings({ policy: { maxAge: -1 } })).rejects.toMatchObject({
      code: 'ERR_BAD_REQUEST',
      message: 'Invalid settings: policy.maxAge: must be positive',
    });
    const view = await client.setSettings({ policy: { extends: 'local-dev', sessionCookieNames: ['sid'] } });
    expect(view.policy).toMatchObject({ name: 'local-dev', localExemption: true });
    expect(view.sessionCookieNames).toEqual(['sid']);
    // A restarted background reads them back.
    bg.stop();
    bg = startService(createBrowserPlatform());
    await bg.ready;
    expect((await client.getSettings()).sessionCookieNames).toEqual(['sid']);
  });

  it('validates policies and lists presets and rules for pages that do not bundle lib/policy', async () => {
    expect(await client.validatePolicy({ maxAge: 'long', sites: [{ host: '' }] })).toEqual({
      ok: false,
      policy: null,
      issues: [
        { path: 'maxAge', message: 'Invalid input: expected number, received string' },
        { path: 'sites[0].host', message: 'must not be empty' },
        { path: 'sites[0].host', message: 'must be a host name, optionally starting with "*."' },
      ],
    });
    expect(await client.validatePolicy({ extends: 'strict' })).toMatchObject({ ok: true, policy: { name: 'strict', maxAge: 28800 }, issues: [] });
    const catalog = await client.policyCatalog();
    expect(catalog.presets.map((p) => p.name)).toEqual(['django-default', 'strict', 'local-dev']);
    expect(catalog.rules.map((r) => r.id)).toContain('samesite-none-insecure');
    expect(catalog.severities).toEqual(['info', 'low', 'medium', 'high', 'critical']);
  });

  it('keeps the companion token write-only', async () => {
    const view = await client.setSettings({ companion: { url: 'http://127.0.0.1:8399/', token: 'tok-secret' } });
    expect(view.companion).toEqual({ url: 'http://127.0.0.1:8399', hasToken: true });
    expect(JSON.stringify(await client.getSettings())).not.toContain('tok-secret');
    await expect(client.lookupSession('../etc')).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST' });
  });
});
