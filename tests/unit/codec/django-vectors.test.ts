/**
 * Golden vectors written by a real Django (tests/fixtures/django/make_vectors.py, Debian's
 * python3-django): every value the codec reads must decode to exactly what Django holds, and
 * every value it signs must be byte-identical to Django's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  decode,
  decodeCookies,
  parseCookieHeader,
  decodeSessionData,
  dumpsSerialized,
  encodeLegacySessionData,
  loads,
  parseExactJson,
  pythonJson,
  stringifyJson,
  stringifyPython,
  type SessionValue,
} from '../../../lib/codec/index.ts';

interface DecodeVector {
  name: string;
  value: string;
  keys: string[];
  salt: string | null;
  cookieName: string | null;
  maxAge: number | null;
  now: number;
  sessionData: boolean;
  expect: {
    format: string;
    data: SessionValue;
    /** Expected entries of `details` (text entries: the codec's text starts with them). */
    details?: Record<string, string | number>;
    /** Python's json.dumps of the tagged data: the exact text the codec's writer must print. */
    exact: string;
    verified: boolean | null;
    keyIndex: number | null;
    salt: string | null;
    algorithm: string | null;
    compressed: boolean;
    serializer: string;
    timestamp: number | null;
    expired: boolean;
    errorCode: string | null;
  };
}
interface CookiesVector {
  name: string;
  input: string;
  keys: string[];
  /** The salt the page passed to set_signed_cookie (a caller must know it, as Django's view does). */
  salt: string;
  now: number;
  names: string[];
  expect: { cookie: string; verified: boolean; salt: string; exact: string }[];
}
interface SignVector {
  name: string;
  data: string;
  key: string;
  salt: string | null;
  compress: boolean;
  timestamp: number;
  algorithm: 'sha256' | 'sha1';
  expect: string;
}
interface LegacyVector {
  name: string;
  data: string;
  key: string;
  expect: string;
}

// Relative to the project root: under the browser-like environment import.meta.url is not a file URL.
const file = join(process.cwd(), 'tests/fixtures/vectors/django.json');
const vectors = parseExactJson(readFileSync(file, 'utf8'), { maxInputLength: Infinity }) as unknown as {
  django: string;
  decode: DecodeVector[];
  cookies: CookiesVector[];
  sign: SignVector[];
  legacy: LegacyVector[];
};
/** Compares through the printed JSON form, so bigints and PyObjects compare exactly. */
const json = (v: SessionValue) => parseExactJson(stringifyJson(v), { maxInputLength: Infinity });

describe(`Django ${vectors.django} golden vectors`, () => {
  it('has a real set of vectors', () => {
    expect(vectors.decode.length).toBeGreaterThanOrEqual(20);
    expect(vectors.sign.length).toBeGreaterThanOrEqual(4);
  });

  it.each(vectors.decode.map((v) => [v.name, v] as const))('decodes: %s', async (_name, v) => {
    const options = {
      keys: v.keys,
      salt: v.salt ?? undefined,
      cookieName: v.cookieName ?? undefined,
      maxAge: v.maxAge ?? undefined,
      now: v.now * 1000,
    };
    const r = v.sessionData ? await decodeSessionData(v.value, options) : await decode(v.value, options);
    const e = v.expect;
    expect(r.format).toBe(e.format);
    expect(json(r.data)).toEqual(json(e.data));
    // exact Python types: floats as Python prints them, dict order, tuples — text for text
    expect(stringifyJson(r.data)).toBe(e.exact);
    expect(r.verified).toBe(e.verified);
    expect(r.compressed).toBe(e.compressed);
    expect(r.serializer).toBe(e.serializer);
    if (e.algorithm) expect(r.algorithm).toBe(e.algorithm);
    if (e.keyIndex !== null) expect(r.keyIndex).toBe(e.keyIndex);
    if (e.salt !== null && e.verified) expect(r.salt).toBe(e.salt);
    expect(r.timestamp ? r.timestamp.getTime() / 1000 : null).toBe(e.timestamp);
    expect(Boolean(r.expired)).toBe(e.expired);
    expect(r.error?.code ?? null).toBe(e.errorCode);
    for (const [k, want] of Object.entries(e.details ?? {})) {
      const got = r.details?.[k];
      if (typeof want === 'number') expect(got, k).toBe(want);
      else expect(String(got), k).toMatch(new RegExp(`^${want.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });

  it.each(vectors.cookies.map((v) => [v.name, v] as const))('decodes every cookie of a header: %s', async (_name, v) => {
    expect(parseCookieHeader(v.input).map((p) => p.name)).toEqual(v.names);
    const all = await decodeCookies(v.input, { keys: v.keys, salt: v.salt, now: v.now * 1000 });
    const read = all.filter((c) => c.result);
    expect(read.map((c) => c.name)).toEqual(v.expect.map((e) => e.cookie));
    read.forEach((c, i) => {
      const e = v.expect[i]!;
      expect(c.result!.verified, e.cookie).toBe(e.verified);
      expect(c.result!.salt, e.cookie).toBe(e.salt);
      expect(stringifyJson(c.result!.data), e.cookie).toBe(e.exact);
    });
    // the one-value API answers with the session cookie
    expect(stringifyJson((await decode(v.input, { keys: v.keys })).data)).toBe(v.expect[0]!.exact);
  });

  it.each(vectors.sign.map((v) => [v.name, v] as const))('signs byte-identically: %s', async (_name, v) => {
    const out = await dumpsSerialized(new TextEncoder().encode(pythonJson(v.data)), {
      key: v.key,
      salt: v.salt ?? undefined,
      compress: v.compress,
      timestamp: v.timestamp,
      algorithm: v.algorithm,
    });
    expect(out).toBe(v.expect);
    // the same bytes from the value as the codec reads it (floats and key order kept)
    const data = parseExactJson(v.data, { maxInputLength: Infinity });
    expect(await dumpsSerialized(new TextEncoder().encode(stringifyPython(data)), { ...v, salt: v.salt ?? undefined })).toBe(v.expect);
    await expect(loads(out, { keys: [v.key], salt: v.salt ?? undefined })).resolves.toBeDefined();
  });

  it.each(vectors.legacy.map((v) => [v.name, v] as const))('writes legacy session_data byte-identically: %s', async (_name, v) => {
    const serialized = new TextEncoder().encode(pythonJson(v.data));
    expect(await encodeLegacySessionData({ serialized }, { key: v.key })).toBe(v.expect);
  });
});
