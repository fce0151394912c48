/**
 * The batch fast paths give exactly what the slow paths give: the exact-JSON writer's hand-over to
 * the engine's JSON.stringify for plain values, and verifySigned trying the pair that verified last
 * first (the reported key and salt are still the first in the documented order that verifies).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dumps, parseJson, saltCandidates, stringifyJson, type SaltCandidate } from '../../../lib/codec/index.ts';
import { stringifyJsonReference } from '../../../lib/codec/json-write.ts';
import { parseJsonReference } from '../../../lib/codec/json.ts';
import { sessionKeys } from '../../../lib/codec/value.ts';
import { COOKIE_SIGNER_KEY_PREFIX, parseSigned, verifySigned } from '../../../lib/codec/signing.ts';
import { PyObject, pyFloat, pyTuple } from '../../../lib/codec/value.ts';
import { nodeBackend } from '../../../lib/node/index.ts';

/** The writer's own text for `v`: a bigint beside it keeps the whole off the fast path. */
const slow = (v: unknown, indent?: number) => {
  const text = stringifyJson([1n, v] as never, indent);
  return indent ? null : text.slice('[1,'.length, -1);
};

describe('exact JSON: the plain-value fast path', () => {
  it.each([
    [0.5, '0.5'],
    [0.0001, '0.0001'],
    [1.5e-5, '1.5e-05'],
    [-0, '0'],
    [2 ** 53 + 2, '9007199254740994'],
    [1e21, '1e+21'],
    [9.99, '9.99'],
  ])('the number %s prints as %s', (x, text) => {
    expect(stringifyJson(x)).toBe(text);
    expect(stringifyJson({ x })).toBe(`{"x":${text}}`);
  });

  it('keeps Python key order, a "$py" key and undefined fields as the writer does', () => {
    const ordered = parseJson('{"b":1,"2":2}');
    expect(stringifyJson(ordered)).toBe('{"b":1,"2":2}');
    expect(stringifyJson({ $py: 'x' })).toBe('{"$py":"dict","entries":[["$py","x"]]}');
    expect(stringifyJson({ a: undefined, b: [null, true] })).toBe('{"b":[null,true]}');
    expect(stringifyJson(parseJson('{"__proto__":1,"s":"\\u2028\\ud800"}'))).toBe('{"__proto__":1,"s":"\u2028\\ud800"}');
    expect(stringifyJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
    expect(() => stringifyJson({ d: new Date(NaN) })).toThrow(RangeError);
  });

  it('writes any JSON value exactly as the writer does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyJson(v as never)).toBe(slow(v));
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(stringifyJson(x)).toBe(slow(x));
      }),
      { numRuns: 5000 },
    );
  });

  it('indents as the writer does', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(stringifyJson(v as never, 2)).toBe(stringifyJson([1n, v] as never, 2).slice('[\n  1,\n  '.length, -2).replace(/\n {2}/g, '\n'));
      }),
      { numRuns: 1000 },
    );
  });
});

/** Session values of every kind the writer meets, and the plain objects holding them. */
const sessionValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, undefined, true, false, -0, 0, NaN, Infinity, -Infinity, 1e-5, 1.5e-7, 1e16, 1e21, 2 ** 53 + 2),
    fc.double(),
    fc.integer(),
    fc.bigInt(),
    fc.string({ unit: 'binary' }),
    fc.double().map((x) => pyFloat(x)),
    fc.date({ noInvalidDate: true }),
    tie('list'),
    tie('dict'),
    tie('list').map((items) => pyTuple(items as never)),
    fc.tuple(fc.string(), tie('value')).map(([type, state]) => new PyObject(type, { state: state as never, value: type })),
  ),
  list: fc.array(tie('value'), { maxLength: 5 }).map((a) => (a.length > 2 && a.length % 2 ? (delete a[1], a) : a)),
  dict: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('$py', '__proto__', '1', '20', '0')), tie('value'), { maxKeys: 5 }),
})).value;

describe('exact JSON: the compact writer', () => {
  it('writes what the writer without fast paths writes, for any session value', () => {
    fc.assert(
      fc.property(sessionValue, (v) => {
        expect(stringifyJson(v as never)).toBe(stringifyJsonReference(v as never));
        expect(stringifyJson({ data: v, n: 1n } as never)).toBe(stringifyJsonReference({ data: v, n: 1n } as never));
      }),
      { numRuns: 3000 },
    );
  });

  it('keeps Python key order and the parser’s whole floats, as read from JSON text', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.oneof(fc.string(), fc.nat({ max: 30 }).map(String)), fc.oneof(fc.bigInt(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string()))), (pairs) => {
        const text = `{${pairs.map(([k, x]) => `${JSON.stringify(k)}:${typeof x === 'string' ? JSON.stringify(x) : typeof x === 'bigint' ? x : Number.isInteger(x) && !String(x).includes('e') ? `${x}.0` : x}`).join(',')}}`;
        const v = parseJson(text);
        expect(stringifyJson([v, 1n] as never)).toBe(stringifyJsonReference([v, 1n] as never));
      }),
      { numRuns: 1000 },
    );
  });
});

/** A value's every detail as text: -0, bigints, PyObjects and Python's key order included. */
function tagged(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? 'n:-0' : `n:${v}`;
  if (typeof v === 'bigint') return `b:${v}`;
  if (v instanceof PyObject) return `py:${v.type}:${tagged(v.fields.value)}:${tagged(v.fields.items)}`;
  if (Array.isArray(v)) return `[${v.map(tagged).join(',')}]`;
  if (v && typeof v === 'object') return `{${sessionKeys(v as never).map((k) => `${JSON.stringify(k)}:${tagged((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

const golden = (parseJsonReference(readFileSync(join(process.cwd(), 'tests/fixtures/vectors/django.json'), 'utf8'), { maxInputLength: Infinity }) as { decode: { value: string }[] }).decode;

/** Number tokens at the edges of what JSON.parse reads as Python does. */
const edgyNumber = fc.oneof(
  fc.constantFrom('-0', '0', '-0.0', '1.0', '1.50', '1e16', '1E-7', '-1.25e-05', '900000000000000.01', '0.99999999999999999', '12345678901234567.5', '9007199254740993', '-9007199254740991', '123456789012345', '3.141592653589793'),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.tuple(fc.nat({ max: 10 ** 15 }), fc.nat({ max: 10 ** 9 })).map(([a, b]) => `${a}.${b}`),
);
/** Strings that look like the numbers and keys above, escapes and quotes included. */
const edgyString = fc.oneof(fc.string(), fc.constantFrom('\\u00e9', '12', '"1":', '\\"2\\":1.0', '\\\\', 'NaN', '-0', 'x\\"'), fc.nat().map(String));

/** parseJson reads `text` as the parser alone does: the same value, or the same error. */
function expectParsedAsTheParserDoes(text: string): void {
  let reference: string;
  try {
    reference = tagged(parseJsonReference(text));
  } catch (e) {
    expect(() => parseJson(text)).toThrow((e as Error).message);
    return;
  }
  expect(tagged(parseJson(text))).toBe(reference);
}

describe('exact JSON: the JSON.parse fast path', () => {
  it('reads what the parser alone reads, on every golden payload and fuzzed JSON', () => {
    for (const v of golden) {
      const payload = /^([A-Za-z0-9_-]+):/.exec(v.value)?.[1];
      if (!payload) continue;
      expectParsedAsTheParserDoes(Buffer.from(payload, 'base64url').toString('latin1'));
    }
    const doc = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, edgyNumber, edgyString.map((s) => `"${s}"`), fc.constantFrom('true', 'null', 'NaN', '-Infinity'), tie('list'), tie('dict')),
      list: fc.array(tie('value'), { maxLength: 4 }).map((a) => `[${a.join(',')}]`),
      dict: fc.array(fc.tuple(fc.oneof(edgyString, fc.nat({ max: 99 }).map(String)), fc.constantFrom(':', ' : '), tie('value')), { maxLength: 4 }).map((ps) => `{${ps.map(([k, sep, x]) => `"${k}"${sep}${x}`).join(',')}}`),
    })).value as fc.Arbitrary<string>;
    fc.assert(
      fc.property(doc, expectParsedAsTheParserDoes),
      { numRuns: 5000 },
    );
  });
});

describe('verifySigned: the pairs that verified before are tried first', () => {
  const sign = (key: string, c: SaltCandidate) => dumps({ a: 1 }, { key: c.signer === 'cookie' ? COOKIE_SIGNER_KEY_PREFIX + key : key, salt: c.salt, timestamp: 1700000000, backend: nodeBackend });

  it('reports the first pair in order, whatever verified before', async () => {
    const keys = ['k0', 'k1', 'k2'];
    const candidates = saltCandidates({ cookieName: 'pref', salt: 'custom' });
    const signed: { value: string; keyIndex: number; salt: string }[] = [];
    for (let k = 0; k < keys.length; k++) for (const c of candidates) signed.push({ value: await sign(keys[k]!, c), keyIndex: k, salt: c.salt });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: signed.length - 1 }), { minLength: 1, maxLength: 30 }), async (order) => {
        for (const i of order) {
          const hinted = await verifySigned(parseSigned(signed[i]!.value), keys, candidates, nodeBackend);
          const fresh = await verifySigned(parseSigned(signed[i]!.value), [...keys], candidates, nodeBackend);
          expect(hinted).toEqual(fresh);
          expect(hinted).toMatchObject({ keyIndex: signed[i]!.keyIndex, salt: signed[i]!.salt });
        }
      }),
      { numRuns: 30 },
    );
  });

  it('falls back to the ordered loop when an earlier pair derives the same key', async () => {
    // salt "x" with key "django.http.cookiesK" and the cookie signer's salt "x" with key "K": one HMAC key
    const candidates: SaltCandidate[] = [
      { salt: 'x', signer: 'default' },
      { salt: 'x', signer: 'cookie' },
    ];
    const value = await sign('K', candidates[1]!);
    const keys = ['other', 'K'];
    expect(await verifySigned(parseSigned(value), keys, candidates, nodeBackend)).toMatchObject({ keyIndex: 1, signer: 'cookie' });
    keys[0] = `${COOKIE_SIGNER_KEY_PREFIX}K`; // the remembered pair still verifies, but key 0 comes first
    expect(await verifySigned(parseSigned(value), keys, candidates, nodeBackend)).toMatchObject({ keyIndex: 0, salt: 'x', signer: 'default' });
    expect(await verifySigned(parseSigned(await sign('nope', candidates[0]!)), keys, candidates, nodeBackend)).toBeNull();
  });

  it('verifies a batch cycling over several keys and salts with a few HMACs per value, not the ordered loop’s', async () => {
    const keys = ['k0', 'k1', 'k2', 'k3'];
    const candidates = saltCandidates({ salt: 'a', salts: ['b', 'c', 'd'] });
    const pairs = [
      [3, 2],
      [0, 3],
      [2, 1],
    ] as const;
    const values = await Promise.all(pairs.map(([k, c]) => sign(keys[k]!, candidates[c]!)));
    let hmacs = 0;
    const counting = { ...nodeBackend, hmacBase64Url: (...a: Parameters<NonNullable<typeof nodeBackend.hmacBase64Url>>) => (hmacs++, nodeBackend.hmacBase64Url!(...a)) };
    for (let round = 0; round < 10; round++) {
      for (const [i, v] of values.entries()) {
        expect(await verifySigned(parseSigned(v), keys, candidates, counting)).toMatchObject({ keyIndex: pairs[i]![0], salt: candidates[pairs[i]![1]]!.salt });
      }
    }
    // the ordered loop alone: 16 + 4 + 10 tries a round, 300 in all; remembered, the first round
    // tries 16, 1 + 4, 2 + 10 and each later one at most 1 + 2 + 3
    expect(hmacs).toBeLessThanOrEqual(33 + 9 * 6);
  });
});
