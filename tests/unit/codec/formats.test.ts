/**
 * Other frameworks' session strings, written by the real libraries (tests/fixtures/other:
 * Flask + itsdangerous and PyJWT under Debian's Python; cookie-signature for express-session).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decode, parseExactJson, stringifyJson, type SessionValue } from '../../../lib/codec/index.ts';
import { EXAMPLE } from '../../../lib/cli/example.ts';

const read = (name: string) =>
  parseExactJson(readFileSync(join(process.cwd(), 'tests/fixtures/other', name), 'utf8'), { maxInputLength: Infinity }) as unknown as Record<
    string,
    Array<Record<string, SessionValue>>
  >;
const py = read('python.json');
const node = read('node.json');
const json = (v: SessionValue) => parseExactJson(stringifyJson(v));

describe('Flask sessions (itsdangerous)', () => {
  it.each(py.flask!.map((v) => [v.name as string, v] as const))('%s', async (_n, v) => {
    const unverified = await decode(v.value as string);
    expect(unverified.format).toBe('flask');
    expect(unverified.verified).toBeNull();
    expect(unverified.compressed).toBe(v.compressed);
    expect(unverified.timestamp?.getTime()).toBe((v.timestamp as number) * 1000);
    if ((v.name as string).includes('< 1.0')) expect(unverified.details?.epoch).toMatch(/2011-01-01/);
    expect(json(unverified.data)).toEqual(json(v.data!));
    const verified = await decode(v.value as string, { keys: ['wrong', v.key as string] });
    expect(verified).toMatchObject({ verified: true, keyIndex: 1, salt: 'cookie-session' });
    const bad = await decode(v.value as string, { keys: ['wrong'] });
    expect(bad.verified).toBe(false);
    expect(bad.error?.code).toBe('ERR_BAD_SIGNATURE');
  });
});

describe('JWT (PyJWT)', () => {
  it.each(py.jwt!.map((v) => [v.name as string, v] as const))('%s', async (_n, v) => {
    const r = await decode(v.value as string, { keys: v.key ? [v.key as string] : ['any'], now: 1700000000 * 1000 });
    expect(r.format).toBe('jwt');
    expect(json(r.data)).toEqual(json(v.data!));
    expect((r.details?.header as Record<string, SessionValue>).alg).toBe(v.alg);
    if (v.alg === 'none') {
      expect(r.verified).toBe(false);
      expect(r.error?.message).toMatch(/unsigned/);
    } else {
      expect(r.verified).toBe(true);
      expect((await decode(v.value as string, { keys: ['nope'] })).verified).toBe(false);
    }
  });
});

describe('express-session (cookie-signature)', () => {
  it.each(node.express!.map((v) => [v.name as string, v] as const))('%s', async (_n, v) => {
    for (const value of [v.value as string, encodeURIComponent(v.value as string)]) {
      const r = await decode(value, { keys: ['old secret', v.secret as string] });
      expect(r).toMatchObject({ format: 'express-session', verified: true, keyIndex: 1, data: null });
      expect(r.details?.sessionId).toBe(v.id);
    }
    expect((await decode(v.value as string, { keys: ['wrong'] })).verified).toBe(false);
  });
});

describe('JWS whose payload is not JSON (PyJWS)', () => {
  it.each(py.jws!.map((v) => [v.name as string, v] as const))('%s decodes as text', async (_n, v) => {
    const r = await decode(v.value as string, { keys: [v.key as string] });
    expect(r).toMatchObject({ format: 'jwt', serializer: 'text', data: v.text, verified: true });
  });
});

describe('Express signed cookies (cookie-signature)', () => {
  it.each(node.signedJson!.map((v) => [v.name as string, v] as const))('s:j:{…} signed JSON: %s', async (_n, v) => {
    for (const value of [v.value as string, encodeURIComponent(v.value as string)]) {
      const r = await decode(value, { keys: ['old secret', v.secret as string] });
      expect(r).toMatchObject({ format: 'express-session', verified: true, keyIndex: 1, serializer: 'json' });
      expect(stringifyJson(r.data)).toBe(stringifyJson(v.data!));
    }
    expect((await decode(v.value as string)).data).toEqual(v.data);
    expect((await decode(v.value as string, { keys: ['wrong'] })).verified).toBe(false);
  });

  it.each(node.unprefixed!.map((v) => [v.name as string, v] as const))('without "s:", when a key verifies it: %s', async (_n, v) => {
    const r = await decode(v.value as string, { keys: [v.secret as string] });
    expect(r).toMatchObject({ format: 'express-session', verified: true, details: { sessionId: v.text } });
    await expect(decode(v.value as string, { keys: ['wrong'] })).rejects.toMatchObject({ code: 'ERR_UNKNOWN_FORMAT' });
  });
});

describe('cookie-session', () => {
  it.each(node.cookieSession!.map((v) => [v.name as string, v] as const))('%s', async (_n, v) => {
    const r = await decode(v.value as string);
    expect(r.format).toBe('cookie-session');
    expect(json(r.data)).toEqual(json(v.data!));
  });
});

describe('recognition and typed errors', () => {
  it('reads a signed plain string (set_signed_cookie, Signer.sign) as text', async () => {
    const r = await decode('not json: at all:1r31eq:' + 'A'.repeat(43));
    expect(r).toMatchObject({ format: 'django-signed', data: 'not json: at all', serializer: 'text', verified: null });
    expect(r.timestamp?.getTime()).toBe(1700000000_000);
  });

  it.each([
    ['sessionid=w1b3xq9v0c2k7m4n5p6r8s1t3u5y7z9a', 'django-session-key'],
    ['Set-Cookie: sessionid=w1b3xq9v0c2k7m4n5p6r8s1t3u5y7z9a; HttpOnly; Path=/', 'django-session-key'],
    ['Cookie: connect.sid=s%3Aabc.' + 'A'.repeat(43), 'express-session'],
  ])('reads a pasted cookie pair or header: %s', async (value, format) => {
    expect((await decode(value)).format).toBe(format);
  });

  it('reads a pasted Django signed cookie with its name and verifies it', async () => {
    const r = await decode(`sessionid=${EXAMPLE.value}; HttpOnly; Path=/; SameSite=Lax`, { keys: [EXAMPLE.secretKey] });
    expect(r).toMatchObject({ format: 'django-signed', serializer: 'json', verified: true, compressed: true });
  });

  it('recognises an opaque Django session key', async () => {
    const r = await decode('w1b3xq9v0c2k7m4n5p6r8s1t3u5y7z9a');
    expect(r).toMatchObject({ format: 'django-session-key', data: null, verified: null });
  });

  it.each([
    ['', 'ERR_UNKNOWN_FORMAT', /Not a recognised session format/],
    ['hello world', 'ERR_UNKNOWN_FORMAT', /Not a recognised session format/],
    ['.AAAA:1r31eq:' + 'A'.repeat(43), 'ERR_MALFORMED', /Invalid zlib data/],
    ['.eJzLSM3JyQcABiwCFQ:1r31eq:' + 'A'.repeat(43), 'ERR_MALFORMED', /Invalid JSON/],
    ['e30:1r31eq:' + 'A'.repeat(10), 'ERR_UNKNOWN_FORMAT', /Not a recognised/],
    ['x'.repeat(2_000_000), 'ERR_LIMIT_EXCEEDED', /over the limit of 1048576/],
  ])('%j → %s', async (value, code, message) => {
    await expect(decode(value)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});
