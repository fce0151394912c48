/**
 * The one exact-JSON writer (`stringifyJson`) and reader (`parseExactJson`): Python's types kept
 * across every boundary. Expected texts are what Python's `json.dumps` prints for the same values
 * (tests/fixtures/python/tagged_json.py); the Django vectors check the same against real sessions.
 */
import { describe, expect, it } from 'vitest';
import {
  parseExactJson,
  parseJson,
  pyFloat,
  PyObject,
  pyTuple,
  sessionKeys,
  stringifyJson,
  toNumber,
  type SessionObject,
} from '../../../lib/codec/index.ts';

describe('exact JSON: floats', () => {
  // repr() of each float in CPython 3.11
  it.each([
    [1.0, '1.0'],
    [-0.0, '-0.0'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [1e300, '1e+300'],
    [123456789.125, '123456789.125'],
    [0.1, '0.1'],
  ])('%s prints as Python prints it: %s', (x, text) => {
    expect(stringifyJson(pyFloat(x))).toBe(text);
    expect(stringifyJson(parseJson(text))).toBe(text);
    expect(stringifyJson(parseExactJson(text))).toBe(text);
  });

  it('keeps ints ints and NaN/inf typed', () => {
    expect(stringifyJson([1, 12345678901234567890n, NaN, Infinity, -Infinity])).toBe(
      '[1,12345678901234567890,{"$py":"float","value":"nan"},{"$py":"float","value":"inf"},{"$py":"float","value":"-inf"}]',
    );
    expect(parseJson('[1, 1.0, -0, -0.0]')).toEqual([1, pyFloat(1), 0, pyFloat(-0)]);
    expect(toNumber(parseJson('2.0'))).toBe(2);
  });
});

describe('exact JSON: dict order', () => {
  const text = '{"z":1,"10":"ten","2":"two","nested":{"b":1,"1":{"y":2.0,"0":0}}}';

  it('keeps insertion order with integer-like keys, which JavaScript would move first', () => {
    const v = parseJson(text) as SessionObject;
    expect(Object.keys(v)).toEqual(['2', '10', 'z', 'nested']);
    expect(sessionKeys(v)).toEqual(['z', '10', '2', 'nested']);
    expect(stringifyJson(v)).toBe(text);
    expect(stringifyJson(parseExactJson(stringifyJson(parseExactJson(text))))).toBe(text);
  });

  it('lists keys added later after the recorded ones', () => {
    const v = parseJson('{"b":1,"1":2}') as SessionObject;
    v.a = 3;
    expect(sessionKeys(v)).toEqual(['b', '1', 'a']);
  });
});

describe('exact JSON: tuples and Python objects', () => {
  it('writes a tuple apart from a list, and (3.0,) apart from 3', () => {
    const v = { one: pyTuple([pyFloat(3)]), list: [pyFloat(3)], n: 3 };
    const text = '{"one":{"$py":"tuple","items":[3.0]},"list":[3.0],"n":3}';
    expect(stringifyJson(v)).toBe(text);
    const back = parseExactJson(text) as SessionObject;
    expect(back.one).toBeInstanceOf(PyObject);
    expect(back.one).toEqual(pyTuple([pyFloat(3)]));
    expect(stringifyJson(back)).toBe(text);
  });

  it('revives every PyObject field and keeps a dict with a "$py" key a dict', () => {
    const v = {
      when: new PyObject('datetime.datetime', { value: '2024-05-01T12:00:00+00:00' }),
      d: new PyObject('dict', { entries: [[1, pyTuple([])]] }),
      tricky: { $py: 'not a python object', value: 1 },
    };
    const text = stringifyJson(v);
    expect(text).toBe(
      '{"when":{"$py":"datetime.datetime","value":"2024-05-01T12:00:00+00:00"},"d":{"$py":"dict","entries":[[1,{"$py":"tuple","items":[]}]]},' +
        '"tricky":{"$py":"dict","entries":[["$py","not a python object"],["value",1]]}}',
    );
    const back = parseExactJson(text) as SessionObject;
    expect(back.tricky).toEqual({ $py: 'not a python object', value: 1 });
    expect(back.d).toEqual(new PyObject('dict', { entries: [[1, pyTuple([])]] }));
    expect(stringifyJson(back)).toBe(text);
  });

  it('takes plain objects holding session values: undefined fields left out, dates as ISO text', () => {
    expect(stringifyJson({ a: undefined, t: new Date(0), data: { big: 2n ** 64n } }, 2)).toBe(
      '{\n  "t": "1970-01-01T00:00:00.000Z",\n  "data": {\n    "big": 18446744073709551616\n  }\n}',
    );
  });
});
