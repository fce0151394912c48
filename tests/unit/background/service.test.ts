/**
 * The background service over a plain-object Platform (no browser, no fakeBrowser): decode once
 * and push, badges through the platform, settings, dropped cookies, and clean stopping. The same
 * service over the real adapter and fakeBrowser is tested in tests/unit/browser/background.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type BackgroundHandle } from '../../../lib/background/index.ts';
import { dumps } from '../../../lib/codec/index.ts';
import type { PanelPush, SessionLensClient } from '../../../lib/protocol/index.ts';
import { DJANGO_SECRET_KEY } from '../../support/django.ts';
import { cookie, plainClient, plainPlatform, type PlainPlatform } from '../../support/plain-platform.ts';

const SECRET = 'django-insecure-service-test-key-0123456789';
const SALT = 'django.contrib.sessions.backends.signed_cookies';
const SITE = 'http://localhost:8000';

let p: PlainPlatform;
let bg: BackgroundHandle;
let client: SessionLensClient;

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
  await bg.idle();
}

function subscribe(): PanelPush[] {
  const pushes: PanelPush[] = [];
  client.subscribe(1, (push) => pushes.push(push));
  return pushes;
}

beforeEach(async () => {
  p = plainPlatform();
  bg = startService(p.platform, { badgeDelay: 1, onError: (where, e) => { throw new Error(`${where}: ${String(e)}`); } });
  await bg.ready;
  client = plainClient(p);
});

afterEach(async () => {
  await bg.idle();
  bg.stop();
});

describe('decode once, push the view', () => {
  it('pushes a changed session cookie with its value decoded and verified by the stored key', async () => {
    await client.addKey(SECRET, 'dev');
    const pushes = subscribe();
    await settle();
    const value = await dumps({ _auth_user_id: '42', big: 2n ** 64n }, { key: SECRET, salt: SALT, compress: true });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    p.setCookie(cookie({ name: 'theme', value: 'dark', domain: 'localhost' }));
    await settle();
    const changed = pushes.flatMap((x) => (x.type === 'cookies/changed' ? [x.cookie] : []));
    expect(changed.map((c) => c.name)).toEqual(['sessionid', 'theme']);
    expect(changed[0]!.decoded).toMatchObject({ ok: true, view: { format: 'django-signed', signature: 'verified', keyLabel: 'dev', salt: SALT } });
    expect(changed[0]!.decoded?.ok && changed[0]!.decoded.view.json).toContain('"big": 18446744073709551616');
    expect(changed[1]!.decoded).toBeUndefined(); // not a session cookie: decoded only when asked
    // The same decode gave the timeline its user.
    expect((await client.getTimeline(SITE)).map((e) => e.detail)).toEqual([expect.stringMatching(/^session created/)]);
  });

  it('sends an unreadable session value with the codec’s typed error', async () => {
    p.setCookie(cookie({ name: 'sessionid', value: 'not a session value!', domain: 'localhost' }));
    await settle();
    const snap = await client.listCookies(1);
    expect(snap.cookies[0]!.decoded).toEqual({ ok: false, code: 'ERR_UNKNOWN_FORMAT', message: expect.any(String) });
  });

  it('pushes fresh snapshots when a key is added, so open panels verify with it', async () => {
    const value = await dumps({ _auth_user_id: '7' }, { key: SECRET, salt: SALT });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    const pushes = subscribe();
    await settle();
    const signatures = () =>
      pushes.flatMap((x) => (x.type === 'cookies/snapshot' ? [x.snapshot.cookies[0]?.decoded?.ok && x.snapshot.cookies[0].decoded.view.signature] : []));
    expect(signatures()).toEqual(['unverified']);
    await client.addKey(SECRET);
    await settle();
    expect(signatures()).toEqual(['unverified', 'verified']);
  });
});

describe('the timeline: what changed, and the request', () => {
  it('a login pushes an event with the keys it added and the POST that set the cookie', async () => {
    const pushes = subscribe();
    await settle();
    const anon = await dumps({ theme: 'dark' }, { key: SECRET, salt: SALT });
    p.setCookie(cookie({ name: 'sessionid', value: anon, domain: 'localhost' }));
    await settle();
    const value = await dumps({ theme: 'dark', _auth_user_id: '1', _auth_user_hash: 'hash-of-the-password' }, { key: SECRET, salt: SALT });
    // webRequest shows the response's headers before the browser stores the cookie.
    p.events.headers.emit({
      requestId: 'login',
      tabId: 1,
      url: `${SITE}/login?next=/`,
      method: 'POST',
      statusCode: 302,
      responseHeaders: [{ name: 'Set-Cookie', value: `sessionid=${value}; HttpOnly; Path=/` }],
    });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    await settle();
    const events = pushes.flatMap((x) => (x.type === 'timeline/event' ? [x.event] : []));
    expect(events.map((e) => e.kind)).toEqual(['created', 'rotated']);
    expect(events[0]!.request).toBeUndefined(); // set without a response webRequest saw
    expect(events[1]).toMatchObject({
      site: SITE,
      detail: 'login: user 1',
      request: { method: 'POST', url: `${SITE}/login?…`, status: 302 },
      diff: { entries: [{ key: '_auth_user_hash', change: 'added', after: '••••', masked: true }, { key: '_auth_user_id', change: 'added', after: '"1"' }], more: 0 },
    });
    // Stored and served the same; the masked value is nowhere.
    expect(await client.getTimeline(SITE)).toEqual(events);
    expect(JSON.stringify([...p.state.items.values()])).not.toContain('hash-of-the-password');
  });
});

describe('har/analyze', () => {
  const HAR = readFileSync(new URL('../../fixtures/har/django-login.har', import.meta.url), 'utf8');
  const ORIGIN = new URL(JSON.parse(HAR).log.entries[0].request.url).origin;

  it('decodes every session cookie of a real capture with the stored key, each with its request; findings per Set-Cookie', async () => {
    await client.addKey(DJANGO_SECRET_KEY, 'fixture');
    const view = await client.request('har/analyze', { text: HAR });
    expect(view.exchanges).toBe(5);
    const login = view.cookies.find((c) => c.source === 'response' && c.request.method === 'POST')!;
    expect(login.request).toEqual({ method: 'POST', url: `${ORIGIN}/login`, status: 302 });
    expect(login.decoded).toMatchObject({ ok: true, view: { format: 'django-signed', signature: 'verified', keyLabel: 'fixture' } });
    expect(login.decoded?.ok && JSON.parse(login.decoded.view.json)).toMatchObject({ _auth_user_id: '1', theme: 'dark' });
    expect(view.cookies.at(-1)).toMatchObject({ source: 'response', request: { url: `${ORIGIN}/logout` } });
    expect(view.cookies.at(-1)!.decoded).toBeUndefined();
    // The query string of /set?key=theme… is not repeated.
    expect(view.cookies[0]!.request.url).toBe(`${ORIGIN}/set?…`);
    expect(view.findings.find((f) => f.cookie === 'cross' && f.rule === 'samesite-none-insecure')).toMatchObject({ source: 'set-cookie', request: { url: `${ORIGIN}/bad-cookies`, status: 200 } });
  });

  it('answers what is not a HAR with the typed error', async () => {
    await expect(client.request('har/analyze', { text: '{"entries": []}' })).rejects.toMatchObject({ code: 'ERR_INVALID', message: expect.stringMatching(/^Invalid HAR file: log/) });
    await expect(client.request('har/analyze', { text: '{"log": ' })).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
  });
});

describe('the platform, and nothing else', () => {
  it('sets the badge through the platform after a change', async () => {
    p.setCookie(cookie({ name: 'sessionid', value: 'k'.repeat(32), domain: 'localhost', httpOnly: false }));
    await settle();
    const snap = await client.listCookies(1);
    expect(snap.findingCount).toBeGreaterThan(0);
    expect(p.badges.get(1)).toMatchObject({ text: String(snap.findingCount), color: '#d93025' });
  });

  it('reports a cookie the browser dropped, from the Set-Cookie headers webRequest showed', async () => {
    p.events.headers.emit({ requestId: 'r1', tabId: 1, url: `${SITE}/`, type: 'main_frame', responseHeaders: [{ name: 'set-cookie', value: 'cross=1; SameSite=None' }] });
    p.events.completed.emit({ requestId: 'r1' });
    await settle();
    const snap = await client.listCookies(1);
    expect(snap.dropped.filter((f) => f.rule === 'dropped').map((f) => f.cookie)).toEqual(['cross']);
  });

  it('asks for access through the options page when no prompt can be shown here', async () => {
    expect(await client.request('permissions/request', { origin: 'https://example.com/*' })).toEqual({ origin: 'https://example.com/*', granted: false });
    expect(p.opened).toEqual(['/options.html#grant=https%3A%2F%2Fexample.com%2F*']);
  });

  it('answers only its own extension, and stops listening when stopped', async () => {
    expect(p.events.message.handler!({ type: 'settings/get' }, { id: 'another-extension' })).toBeUndefined();
    await expect(p.events.message.handler!({ type: 'settings/get' }, { id: 'session-lens-test' })).resolves.toMatchObject({ ok: true });
    bg.stop();
    expect([p.events.cookieChanged.size(), p.events.tabUpdated.size(), p.events.connect.size(), p.events.headers.size()]).toEqual([0, 0, 0, 0]);
    expect(p.events.message.handler).toBeNull();
    bg = startService(p.platform);
    await bg.ready;
  });
});

describe('navigation', () => {
  const snapshots = (pushes: PanelPush[]) => pushes.flatMap((x) => (x.type === 'cookies/snapshot' ? [x.snapshot] : []));

  it('a host without access: the panel gets an empty snapshot and the badge clears, never the previous site', async () => {
    p.setCookie(cookie({ name: 'sessionid', value: 'k'.repeat(32), domain: 'localhost', httpOnly: false }));
    const pushes = subscribe();
    await settle();
    expect(p.badges.get(1)?.text).not.toBe('');
    // 127.0.0.2 is not granted: the browser hides the tab's URL, only the status changes.
    p.tabs.set(1, { id: 1 });
    p.events.tabUpdated.emit(1, { status: 'loading' }, { id: 1 });
    p.events.tabUpdated.emit(1, { status: 'complete' }, { id: 1 });
    await settle();
    const last = snapshots(pushes).at(-1)!;
    expect(last).toMatchObject({ site: null, access: 'missing', cookies: [], findingCount: 0 });
    expect(p.badges.get(1)?.text).toBe('');
    // The panel knows the address (DevTools): the background reads that site, with no access.
    const told = await client.listCookies(1, 'http://127.0.0.2:8000/');
    expect(told).toMatchObject({ site: 'http://127.0.0.2:8000', originPattern: 'http://127.0.0.2/*', access: 'missing', cookies: [] });
  });

  it('pushes the new site even when webRequest saw the navigation first', async () => {
    p.setCookie(cookie({ name: 'a', value: '1', domain: 'localhost' }));
    p.granted.add('http://127.0.0.1/*');
    p.setCookie(cookie({ name: 'b', value: '1', domain: '127.0.0.1' }));
    const pushes = subscribe();
    await settle();
    p.events.headers.emit({ requestId: 'n1', tabId: 1, url: 'http://127.0.0.1:9000/', type: 'main_frame', responseHeaders: [] });
    p.tabs.set(1, { id: 1, url: 'http://127.0.0.1:9000/' });
    p.events.tabUpdated.emit(1, { status: 'loading', url: 'http://127.0.0.1:9000/' }, { id: 1, url: 'http://127.0.0.1:9000/' });
    await settle();
    const last = snapshots(pushes).at(-1)!;
    expect(last.site).toBe('http://127.0.0.1:9000');
    expect(last.cookies.map((c) => c.name)).toEqual(['b']);
  });
});
