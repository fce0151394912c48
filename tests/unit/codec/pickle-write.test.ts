/**
 * pickleDumps: what it writes, the codec's own safe reader reads back identically (Python reading it
 * is checked in tests/integration/companion/update.test.ts, through Django's cache backends).
 */
import { describe, expect, it } from 'vitest';
import { parseExactJson, pickleDumps, PyObject, stringifyJson, unpickle } from '../../../lib/codec/index.ts';

const roundTrip = (json: string) => stringifyJson(unpickle(pickleDumps(parseExactJson(json))));

describe('pickleDumps', () => {
  it.each([
    ['{}'],
    ['{"_auth_user_id":"1","flag":true,"off":false,"none":null}'],
    ['{"small":0,"b1":255,"b2":65535,"i32":-2147483648,"max32":2147483647,"neg":-1}'],
    ['{"big":12345678901234567890,"negbig":-98765432109876543210,"p128":340282366920938463463374607431768211456}'],
    ['{"f":1.5,"whole":1.0,"negzero":-0.0,"tiny":5e-324,"e":1e+16}'],
    ['{"s":"é ☃ 😀","long":"' + 'x'.repeat(300) + '"}'],
    ['{"list":[1,[2,[3]],{"a":[]}],"t":{"$py":"tuple","items":[1,"two",3.5]},"empty":{"$py":"tuple","items":[]}}'],
    ['{"cart":[' + Array.from({ length: 2500 }, (_, i) => i).join(',') + ']}'],
  ])('round-trips %s', (json) => {
    expect(roundTrip(json)).toBe(stringifyJson(parseExactJson(json)));
  });

  it('writes protocol 4 with a STOP, in insertion order', () => {
    const b = pickleDumps({ b: 1, a: 2 });
    expect([...b.subarray(0, 3)]).toEqual([0x80, 0x04, 0x7d]);
    expect(b[b.length - 1]).toBe(0x2e);
    expect(Object.keys(unpickle(b) as object)).toEqual(['b', 'a']);
  });

  it('writes big integers as Python does (LONG1, two’s complement)', () => {
    // pickle.dumps(2**31, 4) holds LONG1 of 5 bytes: 00 00 00 80 00
    const b = pickleDumps(2 ** 31);
    expect([...b.subarray(2, 9)]).toEqual([0x8a, 5, 0, 0, 0, 0x80, 0]);
    expect([...pickleDumps(-(2 ** 31) - 1).subarray(2, 8)]).toEqual([0x8a, 5, 0xff, 0xff, 0xff, 0x7f]);
  });

  it.each([
    [new PyObject('datetime.datetime', { value: '2026-01-01T00:00:00+00:00' }), /datetime\.datetime/],
    [new PyObject('set', { items: [1] }), /Python set/],
    [new PyObject('bytes', { value: "b'x'", bytes: new Uint8Array([120]) }), /Python bytes/],
    ['\ud800', /lone surrogate/],
    [new PyObject('dict', { entries: [[[1], 2]] }), /container/],
  ])('refuses what it cannot write exactly: %s', (value, message) => {
    let err: unknown;
    try {
      pickleDumps({ v: value });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'ERR_MALFORMED' });
    expect((err as Error).message).toMatch(message);
  });
});
