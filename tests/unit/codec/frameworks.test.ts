/**
 * Other frameworks' session cookies, written by the real frameworks where Debian ships them
 * (tests/fixtures/frameworks: Rails 6.1 + Rack 2.2, Laravel 8, Starlette, Tornado, gorilla/securecookie,
 * Erlang/OTP terms) and by cited re-implementations where it does not (Rails 7 key generator, Plug's
 * wire format, iron-session, NextAuth/Auth.js through the real jose). Each family: read without a
 * key (format, framework, the key it needs), verified or decrypted with one, refused with a wrong one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, parseExactJson, stringifyJson, type DecodeResult, type SessionValue } from '../../../lib/codec/index.ts';

type Vector = Record<string, SessionValue>;
const read = (name: string) =>
  parseExactJson(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', name), 'utf8'), { maxInputLength: Infinity }) as unknown as Record<string, Vector[]>;
const ruby = read('ruby.json');
const php = read('php.json');
const python = read('python.json');
const go = read('go.json');
const phoenix = read('phoenix.json');
const node = read('node.json');
const json = (v: SessionValue) => parseExactJson(stringifyJson(v));
const NOW = 1700000000 * 1000;
const cases = (list: Vector[]) => list.map((v) => [v.name as string, v] as const);

async function keyed(value: string, key: string, extra: object = {}): Promise<DecodeResult> {
  return decode(value, { keys: ['wrong-key-0123456789-0123456789-0123456789', key], now: NOW, ...extra });
}

async function refused(value: string, extra: object = {}): Promise<void> {
  const bad = await decode(value, { keys: ['wrong-key-0123456789-0123456789-0123456789'], now: NOW, ...extra });
  expect(bad.verified).toBe(false);
  expect(bad.error?.code).toBe('ERR_BAD_SIGNATURE');
}

describe('Rails and Rack (ruby-actionpack 6.1 cookie jar, ruby-rack 2.2)', () => {
  const format = (v: Vector) =>
    v.jar === 'signed' ? (v.serializer === 'marshal' ? 'rack' : 'rails-signed') : v.cipher === 'aes-256-gcm' ? 'rails-encrypted' : 'rails-encrypted-cbc';
  it.each(cases(ruby.rails!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open.format).toBe(format(v));
    expect(open.keyName).toBe(format(v) === 'rack' ? 'secret' : 'secret_key_base');
    expect(open.verified).toBeNull();
    if (v.jar === 'signed') expect(json(open.data)).toEqual(json(v.data!));
    const r = await keyed(v.value as string, v.key as string, { cookieName: v.cookieName });
    expect(r.verified).toBe(true);
    expect(r.keyIndex).toBe(1);
    expect(r.format).toBe(v.jar === 'signed' ? 'rails-signed' : format(v));
    expect(r.serializer).toBe(v.serializer);
    expect(json(r.data)).toEqual(json(v.data!));
    if (v.keyDigest === 'sha256') expect(r.details?.keyGeneratorDigest).toBe('sha256');
    if (v.metadata) expect(r.details?.purpose).toBe(`cookie.${v.cookieName as string}`);
    if (v.expires) expect(r.timestamp?.toISOString()).toBe(v.expires);
    await refused(v.value as string);
  });

  it('checks the purpose against the cookie name (a cookie moved to another name does not verify)', async () => {
    const v = ruby.rails!.find((x) => x.metadata === true && x.jar === 'encrypted')!;
    const r = await keyed(v.value as string, v.key as string, { cookieName: 'other_cookie' });
    expect(r.verified).toBe(false);
    expect(r.error?.message).toMatch(/purpose "cookie\._app_session" is not cookie\.other_cookie/);
  });

  it.each(cases(ruby.rack!))('%s', async (_n, v) => {
    for (const value of [v.value as string, encodeURIComponent(v.value as string)]) {
      const open = await decode(value);
      expect(open).toMatchObject({ format: 'rack', serializer: 'marshal', verified: null, algorithm: 'sha1' });
      expect(json(open.data)).toEqual(json(v.data!));
      const r = await keyed(value, v.key as string);
      expect(r).toMatchObject({ format: 'rack', verified: true, keyIndex: 1, keyName: 'secret' });
    }
    await refused(v.value as string);
  });
});

describe('Laravel (php-laravel-framework 8 Encrypter and EncryptCookies)', () => {
  it.each(cases(php.laravel!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open).toMatchObject({ format: 'laravel-encrypted', framework: 'Laravel', keyName: 'APP_KEY', verified: null, data: null });
    const r = await keyed(v.value as string, v.key as string);
    expect(r.verified).toBe(true);
    expect(r.keyIndex).toBe(1);
    expect(json(r.data)).toEqual(json(v.data!));
    if (v.serialized) expect(r.serializer).toBe('php');
    else {
      expect(r.details?.cookiePrefix).toBe((v.prefix as string).slice(0, 40));
      expect(r.details?.cookieName).toBe(v.cookieName);
    }
    await refused(v.value as string);
  });

  it('takes APP_KEY raw as well as base64:, and refuses a value encrypted for another cookie', async () => {
    const v = php.laravel!.find((x) => x.cookieName === 'laravel_session' && x.cipher === 'aes-256-cbc')!;
    const raw = new TextDecoder().decode(Uint8Array.from(atob((v.key as string).slice(7)), (c) => c.charCodeAt(0)));
    expect((await decode(v.value as string, { keys: [raw] })).verified).toBe(true);
    const moved = await decode(v.value as string, { keys: [v.key as string], cookieName: 'XSRF-TOKEN' });
    expect(moved.verified).toBe(false);
    expect(moved.error?.message).toMatch(/another cookie/);
  });
});

describe('Yii2 (hash_hmac + serialize, as yii\\base\\Security::hashData)', () => {
  it.each(cases(php.yii2!))('%s', async (_n, v) => {
    for (const value of [v.value as string, encodeURIComponent(v.value as string)]) {
      const open = await decode(value);
      expect(open).toMatchObject({ format: 'yii2', serializer: 'php', verified: null });
      expect(json(open.data)).toEqual(json(v.data!));
      expect((await keyed(value, v.key as string)).verified).toBe(true);
    }
    await refused(v.value as string);
  });
});

describe('Starlette (python3-starlette SessionMiddleware)', () => {
  it.each(cases(python.starlette!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open).toMatchObject({ format: 'starlette', serializer: 'json', verified: null });
    expect(open.timestamp?.getTime()).toBe((v.timestamp as number) * 1000);
    expect(json(open.data)).toEqual(json(v.data!));
    expect(await keyed(v.value as string, v.key as string)).toMatchObject({ verified: true, keyIndex: 1, salt: 'itsdangerous.Signer' });
    await refused(v.value as string);
  });
});

describe('Tornado (python3-tornado create_signed_value)', () => {
  it.each(cases(python.tornado!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open).toMatchObject({ format: 'tornado', verified: null, data: v.data });
    expect(open.timestamp?.getTime()).toBe((v.timestamp as number) * 1000);
    expect(await keyed(v.value as string, v.key as string, { cookieName: v.cookieName })).toMatchObject({ verified: true, keyIndex: 1 });
    await refused(v.value as string, { cookieName: v.cookieName });
  });
});

describe('gorilla/securecookie (golang-github-gorilla-securecookie-dev)', () => {
  it.each(cases(go.gorilla!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open.format).toBe('gorilla');
    expect(open.verified).toBeNull();
    if (!v.blockKey && v.serializer === 'json') expect(json(open.data)).toEqual(json(v.data!));
    if (v.blockKey) expect(open.data).toBeNull();
    const keys = ['wrong', v.key as string, ...(v.blockKey ? [v.blockKey as string] : [])];
    const r = await decode(v.value as string, { keys, cookieName: v.cookieName as string });
    expect(r).toMatchObject({ verified: true, keyIndex: 1, serializer: v.serializer });
    if (v.serializer === 'json') expect(json(r.data)).toEqual(json(v.data!));
    // The cookie name is signed: without it the usual names are tried.
    if (v.cookieName === 'session') expect((await decode(v.value as string, { keys })).verified).toBe(true);
    await refused(v.value as string, { cookieName: v.cookieName });
  });
});

describe('Phoenix / Plug (terms by Erlang/OTP, Plug wire format as cited)', () => {
  it.each(cases(phoenix.phoenix!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open.format).toBe(v.mode === 'signed' ? 'phoenix-signed' : 'phoenix-encrypted');
    if (v.mode === 'signed') expect(json(open.data)).toEqual(json(v.data!));
    const salts = [v.encryptionSalt as string, v.signingSalt as string];
    const r = await decode(v.value as string, { keys: ['wrong', v.key as string], salts });
    expect(r).toMatchObject({ verified: true, keyIndex: 1, serializer: 'erlang', salt: v.signingSalt });
    expect(json(r.data)).toEqual(json(v.data!));
    await refused(v.value as string, { salts });
    const noSalt = await decode(v.value as string, { keys: [v.key as string] });
    expect(noSalt.error?.message).toMatch(/salt/);
  });
});

describe('iron-session (the @hapi/iron seal, as cited)', () => {
  it.each(cases(node.iron!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open).toMatchObject({ format: 'iron-session', verified: null, data: null });
    const r = await keyed(v.value as string, v.key as string);
    expect(r).toMatchObject({ verified: true, keyIndex: 1, serializer: 'json' });
    expect(json(r.data)).toEqual(json(v.data!));
    await refused(v.value as string);
  });
});

describe('NextAuth / Auth.js (JWE by the real jose, keys by HKDF as cited)', () => {
  it.each(cases(node.nextauth!))('%s', async (_n, v) => {
    const open = await decode(v.value as string);
    expect(open).toMatchObject({ format: 'nextauth', verified: null, data: null, keyName: 'NEXTAUTH_SECRET / AUTH_SECRET' });
    const r = await keyed(v.value as string, v.key as string);
    expect(r).toMatchObject({ verified: true, keyIndex: 1, serializer: 'json' });
    expect(json(r.data)).toEqual(json(v.data!));
    if (v.enc === 'A256CBC-HS512') expect(r.salt).toBe(v.cookieName);
    await refused(v.value as string);
  });
});
