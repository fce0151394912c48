/**
 * Keys per framework family: the form each family's setting takes, the stored settings' migration
 * (version 1 keys become Django's, nothing lost), and the background decoding each session cookie
 * with its family's keys — real Rails, Laravel, Phoenix … cookies from tests/fixtures/frameworks,
 * over the plain-object platform.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addKey, decodeToView, defaultSettings, keysForFormat, readSettings, settingsView, startService, storeSettings, type BackgroundHandle } from '../../../lib/background/index.ts';
import { KeyAddSchema, keyFamiliesFor, keyFormCheck, type KeyFamily, type SessionLensClient } from '../../../lib/protocol/index.ts';
import { cookie, plainClient, plainPlatform, type PlainPlatform } from '../../support/plain-platform.ts';

type Vector = Record<string, string> & { data?: unknown };
const fx = (n: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', n), 'utf8')) as Record<string, Vector[]>;
const ruby = fx('ruby.json');
const php = fx('php.json');
const python = fx('python.json');
const phoenix = fx('phoenix.json');
const node = fx('node.json');
const rails = ruby.rails!.find((v) => v.cookieName === '_app_session' && v.cipher === 'aes-256-gcm')!;
const laravel = php.laravel!.find((v) => v.cookieName === 'laravel_session' && v.cipher === 'aes-256-cbc')!;
const DJANGO_KEY = 'django-insecure-key-families-test-0123456789abcdef';

describe('keyFormCheck: each family’s form', () => {
  it.each<[KeyFamily, string, RegExp | undefined, RegExp | undefined]>([
    ['django', DJANGO_KEY, undefined, undefined],
    ['laravel', laravel.key!, undefined, undefined],
    ['laravel', 'base64:c2hvcnQ=', /decodes to 5 bytes: Laravel's are 32 \(AES-256\) or 16/, undefined],
    ['laravel', 'base64:not base64!', /not valid base64/, undefined],
    ['laravel', '0123456789abcdef0123456789abcdef', undefined, undefined],
    ['laravel', 'too-short', /without "base64:" is used as is and must be 32 bytes/, undefined],
    ['rails', rails.key!, undefined, undefined],
    ['rails', 'your_secret_key_base', undefined, /Not hex: bin\/rails secret makes 128 hex digits/],
    ['phoenix', phoenix.phoenix![0]!.key!, undefined, undefined],
    ['phoenix', 'x'.repeat(63), /at least 64 bytes .*this is 63/, undefined],
    ['iron-session', node.iron![0]!.key!, undefined, undefined],
    ['iron-session', 'short-password', /at least 32 characters .*this is 14/, undefined],
    ['flask', 'base64:c2Vzc2lvbi1sZW5zLWxhcmF2ZWwtdGVzdC1rZXktMzI=', undefined, /looks like a Laravel APP_KEY/],
    ['rails', DJANGO_KEY, undefined, /looks like a Django SECRET_KEY/],
    ['tornado', ' key\n', /starts or ends with whitespace/, undefined],
    ['yii2', '', /^Enter a key$/, undefined],
  ])('%s %j', (family, key, error, warning) => {
    const r = keyFormCheck(family, key);
    if (error) expect(r.error).toMatch(error);
    else expect(r.error).toBeUndefined();
    if (warning) expect(r.warning).toMatch(warning);
    else expect(r.warning).toBeUndefined();
    if (key.length > 8) expect(JSON.stringify(r)).not.toContain(key.trim());
  });

  it('is what keys/add enforces, by field, with Django as the default family', () => {
    expect(KeyAddSchema.parse({ key: DJANGO_KEY })).toEqual({ key: DJANGO_KEY, label: '', family: 'django' });
    const bad = KeyAddSchema.safeParse({ key: 'base64:c2hvcnQ=', family: 'laravel' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([['key', expect.stringMatching(/decodes to 5 bytes/)]]);
    expect(KeyAddSchema.safeParse({ key: 'x'.repeat(64), family: 'phoenix', salts: ['kR3qP9xZ', 'eN7cR4yT'] }).success).toBe(true);
  });
});

describe('stored settings: families and the version 1 migration', () => {
  const v1 = {
    version: 1,
    policy: defaultSettings().policy,
    companion: { url: '', token: '' },
    keys: [
      { id: 'a', label: 'prod', key: DJANGO_KEY },
      { id: 'b', label: 'old', key: `${DJANGO_KEY}-old` },
    ],
  };

  it('reads version 1 keys as Django keys, in order, nothing lost, and writes version 2', () => {
    const s = readSettings(structuredClone(v1));
    expect(s.keys).toEqual([
      { id: 'a', label: 'prod', family: 'django', key: DJANGO_KEY },
      { id: 'b', label: 'old', family: 'django', key: `${DJANGO_KEY}-old` },
    ]);
    const stored = storeSettings(s);
    expect(stored.version).toBe(2);
    expect(readSettings(JSON.parse(JSON.stringify(stored)))).toEqual(s);
  });

  it('keeps each key’s family and salts, shows them but never the key', () => {
    let s = addKey(defaultSettings(), { label: 'rails', key: rails.key!, family: 'rails' }, 'r');
    s = addKey(s, { label: 'plug', key: phoenix.phoenix![0]!.key!, family: 'phoenix', salts: ['kR3qP9xZ'] }, 'p');
    s = addKey(s, { label: '', key: DJANGO_KEY }, 'd');
    expect(readSettings(JSON.parse(JSON.stringify(storeSettings(s))))).toEqual(s);
    const view = settingsView(s);
    expect(view.keys.map((k) => [k.family, k.label, k.salts])).toEqual([
      ['rails', 'rails', undefined],
      ['phoenix', 'plug', ['kR3qP9xZ']],
      ['django', 'key 1', undefined],
    ]);
    for (const k of s.keys) expect(JSON.stringify(view)).not.toContain(k.key.slice(4, 20));
    // the same key may serve two families, but not twice in one
    expect(addKey(s, { label: '', key: rails.key!, family: 'rack' }, 'x').keys).toHaveLength(4);
    expect(() => addKey(s, { label: '', key: rails.key!, family: 'rails' }, 'x')).toThrow('this key is already stored');
    expect(() => addKey(s, { label: '', key: 'short', family: 'laravel' }, 'x')).toThrow(/APP_KEY without "base64:"/);
  });

  it('gives each format its families’ keys, each family in the order added', () => {
    const keys = [
      { key: 'rack-1', family: 'rack' as const },
      { key: 'rails-1', family: 'rails' as const },
      { key: 'dj-1' },
      { key: 'rails-2', family: 'rails' as const },
      { key: 'jwt-1', family: 'jwt' as const },
    ];
    const of = (format: string) => keysForFormat(keys, format).keys.map((k) => k.key);
    expect(keyFamiliesFor('rails-signed')).toEqual(['rails', 'rack']);
    expect(of('rails-signed')).toEqual(['rails-1', 'rails-2', 'rack-1']);
    expect(of('rails-encrypted')).toEqual(['rails-1', 'rails-2']);
    expect(of('django-signed')).toEqual(['dj-1']);
    expect(of('jwt')).toEqual(['jwt-1', 'dj-1']);
    expect(of('laravel-encrypted')).toEqual([]);
  });
});

describe('decodeToView: each value with its family’s keys', () => {
  const keys = [
    { label: 'django', key: DJANGO_KEY },
    { label: 'laravel prod', key: laravel.key!, family: 'laravel' as const },
    { label: 'rails prod', key: rails.key!, family: 'rails' as const },
  ];

  it('decrypts a Rails and a Laravel cookie pasted together, naming the key and its family', async () => {
    const header = `_app_session=${encodeURIComponent(rails.value!)}; laravel_session=${encodeURIComponent(laravel.value!)}`;
    const view = await decodeToView(header, { keys, now: Date.parse('2026-01-01T00:00:00Z') });
    const all = [view, ...(view.others ?? [])];
    expect(all.map((v) => [v.cookie, v.format, v.signature, v.decrypted, v.keyLabel, v.keyFamily, v.keyIndex])).toEqual([
      ['_app_session', 'rails-encrypted', 'verified', true, 'rails prod', 'rails', 0],
      ['laravel_session', 'laravel-encrypted', 'verified', true, 'laravel prod', 'laravel', 0],
    ]);
  });

  it('leaves a framework cookie unverified (not bad) when only other families’ keys are stored', async () => {
    const view = await decodeToView(laravel.value!, { keys: keys.filter((k) => k.family !== 'laravel'), cookieName: 'laravel_session', now: 0 });
    expect(view).toMatchObject({ format: 'laravel-encrypted', signature: 'unverified', keyName: 'APP_KEY', verified: null });
  });

  it('verifies a Phoenix cookie with the salts stored beside its secret_key_base', async () => {
    const v = phoenix.phoenix!.find((x) => x.mode === 'signed')!;
    const view = await decodeToView(v.value!, { keys: [{ label: 'plug', key: v.key!, family: 'phoenix', salts: [v.signingSalt!] }], cookieName: v.cookieName!, now: 0 });
    expect(view).toMatchObject({ format: 'phoenix-signed', signature: 'verified', keyLabel: 'plug', keyFamily: 'phoenix', salt: v.signingSalt });
    expect(view.decrypted).toBeUndefined();
  });

  it('verifies a Starlette cookie with a flask-family key, and not with a Django one', async () => {
    const v = python.starlette![0]!;
    const ok = await decodeToView(v.value!, { keys: [{ label: 's', key: v.key!, family: 'flask' }], cookieName: 'session', now: 0 });
    expect(ok).toMatchObject({ format: 'starlette', signature: 'verified', keyFamily: 'flask' });
    const notTried = await decodeToView(v.value!, { keys: [{ label: 'd', key: v.key! }], cookieName: 'session', now: 0 });
    expect(notTried.signature).toBe('unverified');
  });
});

describe('the panel: a stored Rails or Laravel key decrypts the session cookie', () => {
  let p: PlainPlatform;
  let bg: BackgroundHandle;
  let client: SessionLensClient;

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

  it.each([
    ['Rails', 'rails' as const, rails, 'secret_key_base', 'rails-encrypted'],
    ['Laravel', 'laravel' as const, laravel, 'APP_KEY', 'laravel-encrypted'],
  ])('%s', async (_n, family, v, keyName, format) => {
    p.setCookie(cookie({ name: v.cookieName!, value: encodeURIComponent(v.value!), domain: 'localhost' }));
    await client.addKey(DJANGO_KEY, 'django');
    const before = (await client.listCookies(1)).cookies.find((c) => c.name === v.cookieName)!;
    expect(before.decoded).toMatchObject({ ok: true, view: { format, keyName, signature: 'unverified', json: 'null' } });

    await client.addKey(v.key!, `${family} prod`, family);
    const after = (await client.listCookies(1)).cookies.find((c) => c.name === v.cookieName)!;
    expect(after.decoded).toMatchObject({ ok: true, view: { format, keyName, signature: 'verified', decrypted: true, keyLabel: `${family} prod`, keyFamily: family, keyIndex: 0 } });
    const json = after.decoded?.ok ? after.decoded.view.json : '';
    expect(JSON.parse(json)).toEqual(v.data); // Laravel: the session id, its cookie-name prefix removed
  });
});
