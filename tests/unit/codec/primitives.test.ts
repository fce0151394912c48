import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  b62Decode,
  b62Encode,
  b64Decode,
  b64Encode,
  parseJson,
  pyFloatRepr,
  pythonJson,
  stdB64Decode,
  stdB64Encode,
  stringifyJson,
  stringifyPython,
  PyObject,
  pyBytesRepr,
  pyFloat,
} from '../../../lib/codec/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('base64 (Django b64_encode / b64_decode)', () => {
  it.each([
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['{"a":1}', 'eyJhIjoxfQ'],
    ['\u00ff\u00fe?>', 'w7_Dvj8-'],
  ])('%j ↔ %s', (text, b64) => {
    expect(b64Encode(bytes(text))).toBe(b64);
    expect(new TextDecoder().decode(b64Decode(b64))).toBe(text);
  });

  it('accepts padding and round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(b64Decode(`${b64Encode(all)}=`)).toEqual(all);
    expect(stdB64Decode(stdB64Encode(all))).toEqual(all);
    expect(stdB64Encode(new Uint8Array([255]))).toBe('/w==');
  });

  it.each([
    ['Zm9v!A', /unexpected character at position 4/],
    ['Z', /length 1 is impossible/],
    ['Zg===', /too much padding/],
    ['Zm+v', /unexpected character at position 2/],
  ])('rejects %j with ERR_MALFORMED', (input, message) => {
    expect(() => b64Decode(input)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED', message: expect.stringMatching(message) }));
  });
});

describe('base62 timestamps', () => {
  it.each([
    [0, '0'],
    [61, 'z'],
    [62, '10'],
    [1700000000, '1r31eq'],
    [-62, '-10'],
  ])('%i ↔ %s', (n, s) => {
    expect(b62Encode(n)).toBe(s);
    expect(b62Decode(s)).toBe(n);
  });

  it.each(['', '-', '!!', 'zzzzzzzzzzzz'])('rejects %j', (s) => {
    expect(() => b62Decode(s)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
  });
});

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact and small ones as numbers', () => {
    const v = parseJson('{"big":12345678901234567890,"neg":-1180591620717411303424,"safe":9007199254740991,"f":1.5,"e":1e3}');
    expect(v).toEqual({ big: 12345678901234567890n, neg: -1180591620717411303424n, safe: 9007199254740991, f: 1.5, e: pyFloat(1000) });
  });

  it('accepts what Python writes: NaN, Infinity, escapes, unicode', () => {
    const v = parseJson('[NaN,Infinity,-Infinity,"\\u00e9\\ud83d\\ude00\\n",true,false,null]') as unknown[];
    expect(v[0]).toBeNaN();
    expect(v.slice(1)).toEqual([Infinity, -Infinity, 'é😀\n', true, false, null]);
  });

  it('keeps "__proto__" an ordinary key', () => {
    const v = parseJson('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });

  it.each([
    ['{', 'ERR_MALFORMED', /unexpected end|expected a string key/],
    ['{"a":1,}', 'ERR_MALFORMED', /expected a string key at position 7/],
    ['[1 2]', 'ERR_MALFORMED', /expected ',' or '\]' at position 3/],
    ['"\\x"', 'ERR_MALFORMED', /invalid escape/],
    ['01', 'ERR_MALFORMED', /trailing data/],
    ['"a\nb"', 'ERR_MALFORMED', /control character/],
    ['[1]x', 'ERR_MALFORMED', /trailing data at position 3/],
    ['['.repeat(300) + ']'.repeat(300), 'ERR_LIMIT_EXCEEDED', /nests deeper than 200/],
  ])('rejects %j with %s', (text, code, message) => {
    expect(() => parseJson(text)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });

  it('agrees with the engine on ordinary JSON, fast path or not', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (v) => {
        const text = JSON.stringify(v);
        // Python reads an integer literal as an int: past ±(2^53 − 1) that is a bigint here.
        const exact = (_k: string, x: unknown) =>
          Object.is(x, -0)
            ? 0
            : typeof x === 'number' && Math.abs(x) >= 1e21
              ? pyFloat(x) // JSON.stringify writes 1e+21: a float to Python
              : typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x)
                ? BigInt(String(x))
                : x;
        const expected = JSON.parse(text, exact) as unknown;
        expect(parseJson(text)).toEqual(expected);
        // The same text with a big integer forces the hand-written parser; the rest must not change.
        expect(parseJson(`[${text},12345678901234567890]`)).toEqual([expected, 12345678901234567890n]);
      }),
      { numRuns: 2000 },
    );
  });

  it('bounds the number of values', () => {
    expect(() => parseJson(`[${'0,'.repeat(100)}0]`, { maxItems: 50 })).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
  });
});

describe('stringifyJson', () => {
  it('prints bigints as digits, PyObjects tagged, non-finite floats as Python does', () => {
    const v = { n: 12345678901234567890n, d: new PyObject('decimal.Decimal', { value: '1.10' }), x: [NaN, -Infinity] };
    expect(stringifyJson(v)).toBe('{"n":12345678901234567890,"d":{"$py":"decimal.Decimal","value":"1.10"},"x":[{"$py":"float","value":"nan"},{"$py":"float","value":"-inf"}]}');
  });

  it('indents like JSON.stringify for ordinary values', () => {
    const v = { a: [1, { b: 'c' }], e: [], f: {} };
    expect(stringifyJson(v, 2)).toBe(JSON.stringify(v, null, 2));
  });

  it('omits raw bytes from bytes objects', () => {
    const b = new Uint8Array([0, 39, 97]);
    expect(stringifyJson(new PyObject('bytes', { value: pyBytesRepr(b), bytes: b }))).toBe(`{"$py":"bytes","value":"b\\"\\\\x00'a\\""}`);
  });
});

describe('Python json.dumps compatibility', () => {
  it.each([
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [0.0001, '0.0001'],
    [123.456, '123.456'],
    [1e22, '1e+22'],
    [-2.5, '-2.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e100, '1e+100'],
    [2 ** 53, '9007199254740992.0'],
  ])('repr(%d) is %s', (x, repr) => {
    expect(pyFloatRepr(x)).toBe(repr);
  });

  it.each([
    ['{"b": 1, "a": [1.0, 2, "é😀"], "2": null}', '{"b":1,"a":[1.0,2,"\\u00e9\\ud83d\\ude00"],"2":null}'],
    ['{"a": 1, "b": 2, "a": 3}', '{"a":3,"b":2}'],
    ['[12345678901234567890, -0, 1E2, "\\/"]', '[12345678901234567890,0,100.0,"/"]'],
    ['"tab\\tquote\\"back\\\\ctl\\u0001"', '"tab\\tquote\\"back\\\\ctl\\u0001"'],
  ])('pythonJson(%s)', (input, out) => {
    expect(pythonJson(input)).toBe(out);
  });

  it('stringifyPython matches json.dumps(separators=(",", ":"))', () => {
    expect(stringifyPython({ a: 'é', n: 12345678901234567890n, f: 0.5, l: [true, null] })).toBe('{"a":"\\u00e9","n":12345678901234567890,"f":0.5,"l":[true,null]}');
  });
});
