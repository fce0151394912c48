/**
 * The cookie-changing requests over the plain-object Platform: re-sign an edited session (same
 * salt, algorithm, compression, fresh timestamp, same attributes), set / remove / clear, export and
 * import with the policy's findings before anything is written.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startService, type BackgroundHandle } from '../../../lib/background/index.ts';
import { decode, dumps, loads, parseSigned } from '../../../lib/codec/index.ts';
import { ProtocolError, type CookieIdentity, type PanelPush, type SessionLensClient } from '../../../lib/protocol/index.ts';
import { cookie, plainClient, plainPlatform, type PlainPlatform } from '../../support/plain-platform.ts';

const SECRET = 'django-insecure-edit-test-key-0123456789';
const SALT = 'django.contrib.sessions.backends.signed_cookies';
const URL_ = 'http://localhost:8000/';
const NOW = 1_780_000_000_000;

let p: PlainPlatform;
let bg: BackgroundHandle;
let client: SessionLensClient;
let now = NOW;

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
  await bg.idle();
}

const id = (name: string, domain = 'localhost', path = '/'): CookieIdentity => ({ name, domain, path, storeId: '0', partition: null });
const jarValue = (name: string) => p.jar.find((c) => c.name === name)?.value;

async function rejects(promise: Promise<unknown>): Promise<ProtocolError> {
  const e = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ProtocolError);
  return e as ProtocolError;
}

beforeEach(async () => {
  now = NOW;
  p = plainPlatform();
  bg = startService(p.platform, { badgeDelay: 1, now: () => now, onError: (where, e) => { throw new Error(`${where}: ${String(e)}`); } });
  await bg.ready;
  client = plainClient(p);
});

afterEach(async () => {
  await bg.idle();
  bg.stop();
});

describe('session/resign', () => {
  const session = (data: Parameters<typeof dumps>[0], opts: Partial<Parameters<typeof dumps>[1]> = {}) =>
    dumps(data, { key: SECRET, salt: SALT, compress: true, timestamp: NOW / 1000 - 3600, ...opts });

  it('re-signs with the key that verified, same salt/algorithm, fresh timestamp, same attributes', async () => {
    await client.addKey('not-this-one-0123456789-abcdefghijklmnopqrstuvwxyz', 'other');
    await client.addKey(SECRET, 'dev');
    const value = await session({ _auth_user_id: '1', cart: [1, 2] }, { algorithm: 'sha1' });
    const expires = NOW / 1000 + 86400;
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost', httpOnly: true, sameSite: 'strict', session: false, expirationDate: expires }));
    const pushes: PanelPush[] = [];
    client.subscribe(1, (x) => pushes.push(x));
    await settle();
    now = NOW + 5000;
    const json = '{"_auth_user_id":"2","cart":[],"big":123456789012345678901234567890}';
    const res = await client.request('session/resign', { tabId: 1, url: URL_, cookie: id('sessionid'), value, json });
    expect(res.value).toBe(jarValue('sessionid'));
    const write = p.writes.at(-1)!;
    expect(write).toMatchObject({ url: 'http://localhost/', name: 'sessionid', path: '/', httpOnly: true, secure: false, sameSite: 'strict', expirationDate: expires, storeId: '0' });
    expect(write.domain).toBeUndefined(); // host-only stays host-only
    const data = await loads(res.value, { keys: [SECRET], salt: SALT });
    expect(data).toEqual({ _auth_user_id: '2', cart: [], big: 123456789012345678901234567890n });
    const r = await decode(res.value, { keys: [SECRET] });
    expect(r).toMatchObject({ verified: true, salt: SALT, algorithm: 'sha1' });
    expect(r.timestamp!.getTime()).toBe(Math.floor((NOW + 5000) / 1000) * 1000);
    // Same bytes as Django's signing.dumps(data, compress=True) at that time.
    expect(res.value).toBe(await dumps(data, { key: SECRET, salt: SALT, compress: true, algorithm: 'sha1', timestamp: Math.floor((NOW + 5000) / 1000) }));
    await settle();
    // The policy re-runs through cookies.onChanged: the panel gets the new value decoded.
    const changed = pushes.flatMap((x) => (x.type === 'cookies/changed' && x.cookie?.name === 'sessionid' ? [x.cookie] : []));
    expect(changed.at(-1)?.value).toBe(res.value);
  });

  it('keeps an uncompressed value uncompressed under another salt, and a plain Signer value untimestamped', async () => {
    await client.addKey(SECRET, 'dev');
    const value = await dumps({ a: 1 }, { key: SECRET, salt: 'django.core.signing', timestamped: false });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    const res = await client.request('session/resign', { tabId: 1, url: URL_, cookie: id('sessionid'), value, json: '{"a":2}' });
    expect(parseSigned(res.value).timestamp).toBeUndefined();
    expect(res.value.startsWith('.')).toBe(false);
    expect(await loads(res.value, { keys: [SECRET] })).toEqual({ a: 2 });
  });

  it.each([
    ['no stored key verified it', async () => undefined, 'ERR_NOT_SIGNABLE', /no stored key verified it/],
    ['a value changed since it was opened', async () => client.addKey(SECRET), 'ERR_NOT_FOUND', /changed since it was opened/],
  ])('refuses when %s', async (_what, setup, code, message) => {
    await setup();
    const value = await session({ a: 1 });
    p.setCookie(cookie({ name: 'sessionid', value: `${value}`, domain: 'localhost' }));
    const sent = code === 'ERR_NOT_FOUND' ? await session({ a: 0 }) : value;
    const e = await rejects(client.request('session/resign', { tabId: 1, url: URL_, cookie: id('sessionid'), value: sent, json: '{"a":2}' }));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain(SECRET);
    expect(p.writes).toHaveLength(0);
  });

  it.each([
    ['not an object', '[1,2]', 'ERR_BAD_REQUEST'],
    ['not JSON', '{"a":', 'ERR_MALFORMED'],
  ])('refuses data that is %s', async (_what, json, code) => {
    await client.addKey(SECRET);
    const value = await session({ a: 1 });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    const e = await rejects(client.request('session/resign', { tabId: 1, url: URL_, cookie: id('sessionid'), value, json }));
    expect(e.code).toBe(code);
  });

  it('refuses a cookie too large for a browser', async () => {
    await client.addKey(SECRET);
    const value = await session({ a: 1 });
    p.setCookie(cookie({ name: 'sessionid', value, domain: 'localhost' }));
    const random = [...crypto.getRandomValues(new Uint8Array(6000))].map((b) => b.toString(16).padStart(2, '0')).join('');
    const big = JSON.stringify({ blob: random });
    const e = await rejects(client.request('session/resign', { tabId: 1, url: URL_, cookie: id('sessionid'), value, json: big }));
    expect(e.code).toBe('ERR_LIMIT_EXCEEDED');
  });
});

describe('cookies/set, remove, clear', () => {
  it('adds a cookie, edits it (renaming removes the old one), removes it', async () => {
    const form = { name: 'flag', value: 'on', domain: 'localhost', hostOnly: true, path: '/', expires: null, httpOnly: false, secure: false, sameSite: 'lax' as const, partition: null, storeId: '0' };
    await client.request('cookies/set', { tabId: 1, url: URL_, cookie: form });
    expect(jarValue('flag')).toBe('on');
    await client.request('cookies/set', { tabId: 1, url: URL_, cookie: { ...form, name: 'flag2', value: 'off', expires: NOW + 60_000 }, previous: id('flag') });
    expect(jarValue('flag')).toBeUndefined();
    expect(p.jar.find((c) => c.name === 'flag2')).toMatchObject({ value: 'off', expirationDate: (NOW + 60_000) / 1000, session: false });
    await client.request('cookies/remove', { tabId: 1, url: URL_, cookie: id('flag2') });
    expect(p.jar).toHaveLength(0);
  });

  it('writes a domain cookie with its domain, and refuses another site’s cookie', async () => {
    const form = { name: 'wide', value: '1', domain: 'localhost', hostOnly: false, path: '/', expires: null, httpOnly: false, secure: false, sameSite: 'unspecified' as const, partition: null, storeId: '0' };
    await client.request('cookies/set', { tabId: 1, url: URL_, cookie: form });
    expect(p.writes.at(-1)).toMatchObject({ domain: '.localhost', sameSite: 'unspecified' });
    const e = await rejects(client.request('cookies/set', { tabId: 1, url: URL_, cookie: { ...form, domain: 'example.com' } }));
    expect(e.code).toBe('ERR_BAD_REQUEST');
    expect(e.message).toContain('is not a cookie of localhost');
  });

  it('needs host access', async () => {
    p.granted.clear();
    const e = await rejects(client.request('cookies/clear', { tabId: 1, url: URL_ }));
    expect(e.code).toBe('ERR_NO_ACCESS');
  });

  it('clears every cookie of the site and no other', async () => {
    p.setCookie(cookie({ name: 'a', value: '1', domain: 'localhost' }));
    p.setCookie(cookie({ name: 'b', value: '2', domain: 'localhost', path: '/app' }));
    p.setCookie(cookie({ name: 'c', value: '3', domain: 'example.com' }));
    const res = await client.request('cookies/clear', { tabId: 1, url: URL_ });
    expect(res.removed).toBe(2);
    expect(p.jar.map((c) => c.name)).toEqual(['c']);
  });

  it('says ERR_NOT_FOUND for a cookie that is gone', async () => {
    const e = await rejects(client.request('cookies/remove', { tabId: 1, url: URL_, cookie: id('nope') }));
    expect(e.code).toBe('ERR_NOT_FOUND');
  });
});

describe('cookies/export and import', () => {
  beforeEach(() => {
    p.setCookie(cookie({ name: 'sessionid', value: 'abcdefghijklmnopqrstuvwxyz012345', domain: 'localhost', httpOnly: false, session: false, expirationDate: NOW / 1000 + 3600 }));
    p.setCookie(cookie({ name: 'theme', value: 'dark', domain: '.localhost', hostOnly: false, sameSite: 'no_restriction', secure: true }));
  });

  it.each(['json', 'netscape'] as const)('exports as %s, and an import after a clear restores the same cookies', async (format) => {
    const before = JSON.parse(JSON.stringify(p.jar)) as typeof p.jar;
    const { text, count } = await client.request('cookies/export', { tabId: 1, url: URL_, format });
    expect(count).toBe(2);
    await client.request('cookies/clear', { tabId: 1, url: URL_ });
    expect(p.jar).toHaveLength(0);
    const preview = await client.request('cookies/import-preview', { tabId: 1, url: URL_, text });
    expect(p.jar).toHaveLength(0); // a preview writes nothing
    expect(preview.format).toBe(format);
    expect(preview.cookies.map((c) => c.name).sort()).toEqual(['sessionid', 'theme']);
    // The policy ran on what would be imported: the session cookie readable from JavaScript.
    expect(preview.cookies.find((c) => c.name === 'sessionid')!.findings.map((f) => f.rule)).toContain('httponly-missing');
    const res = await client.request('cookies/import', { tabId: 1, url: URL_, text });
    expect(res).toEqual({ written: 2, skipped: 0 });
    const strip = (cs: typeof p.jar) =>
      cs.map((c) => ({ ...c, sameSite: format === 'netscape' ? undefined : c.sameSite })).sort((a, b) => a.name.localeCompare(b.name));
    expect(strip(p.jar)).toEqual(strip(before));
  });

  it('imports only the site’s cookies and says how many it left out', async () => {
    const text = JSON.stringify([
      { domain: 'localhost', name: 'x', value: '1' },
      { domain: '.example.com', name: 'y', value: '2' },
    ]);
    const preview = await client.request('cookies/import-preview', { tabId: 1, url: URL_, text });
    expect(preview.skipped).toEqual([{ name: 'y', domain: '.example.com' }]);
    expect(await client.request('cookies/import', { tabId: 1, url: URL_, text })).toEqual({ written: 1, skipped: 1 });
  });

  it('reports a malformed file with the codec’s code and the line', async () => {
    const e = await rejects(client.request('cookies/import-preview', { tabId: 1, url: URL_, text: 'localhost\tMAYBE\t/\tFALSE\t0\ta\t1' }));
    expect(e.code).toBe('ERR_MALFORMED');
    expect(e.message).toBe('Line 1: the subdomains flag is "MAYBE", not TRUE or FALSE');
  });
});
