/**
 * lib/node's reused zlib handle gives exactly what `zlib.inflateSync(data, { maxOutputLength })`
 * gives — the same bytes, the same error codes — on the golden vectors' compressed payloads and on
 * fuzzed, truncated, corrupted and over-limit data, one call after another on one handle (a failed
 * call must not leave anything behind for the next).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../lib/codec/index.ts';
import { nodeBackend } from '../../../lib/node/index.ts';
import { createInflater } from '../../../lib/node/inflate.ts';

const inflate = createInflater();

/** What inflateSync gives: the bytes (as hex), or the error's code. */
function reference(data: Uint8Array, max: number): string {
  try {
    return Buffer.from(inflateSync(data, { maxOutputLength: max })).toString('hex');
  } catch (e) {
    return (e as { code: string }).code;
  }
}

function reused(data: Uint8Array, max: number): string {
  try {
    return Buffer.from(inflate(data, max)).toString('hex');
  } catch (e) {
    return (e as { code: string }).code;
  }
}

const vectors = parseJson(readFileSync(new URL('../../fixtures/vectors/django.json', import.meta.url), 'utf8'), { maxInputLength: Infinity }) as unknown as {
  decode: { value: string }[];
};
const goldenPayloads = vectors.decode
  .map((v) => /^\.([A-Za-z0-9_-]+):/.exec(v.value)?.[1])
  .filter((p): p is string => p !== undefined)
  .map((p) => new Uint8Array(Buffer.from(p, 'base64url')));

describe('lib/node inflate: one zlib handle, reused', () => {
  it('inflates every golden payload as inflateSync does, and each corrupted or cut short alike', () => {
    expect(goldenPayloads.length).toBeGreaterThan(10);
    for (const raw of goldenPayloads) {
      expect(reused(raw, 1 << 20)).toBe(reference(raw, 1 << 20));
      for (let cut = 0; cut < raw.length; cut += Math.max(1, raw.length >> 3)) expect(reused(raw.subarray(0, cut), 1 << 20)).toBe(reference(raw.subarray(0, cut), 1 << 20));
      for (let i = 0; i < raw.length; i += 11) {
        const bad = raw.slice();
        bad[i]! ^= 0x5a;
        expect(reused(bad, 1 << 20)).toBe(reference(bad, 1 << 20));
      }
    }
  });

  it('matches inflateSync on any data, any limit, output past its 16 KiB buffer and trailing bytes', () => {
    const compressible = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 300 }).map((s) => new Uint8Array(Buffer.from(s.repeat(1 + (s.length % 200))))),
    );
    fc.assert(
      fc.property(
        compressible,
        fc.integer({ min: 1, max: 100_000 }),
        fc.uint8Array({ maxLength: 8 }),
        fc.boolean(),
        (plain, max, tail, mangle) => {
          let data = new Uint8Array(Buffer.concat([deflateSync(plain), tail]));
          if (mangle && data.length > 4) data[data.length >> 1]! ^= 0xff;
          expect(reused(data, max)).toBe(reference(data, max));
          data = fc.sample(fc.uint8Array({ maxLength: 64 }), 1)[0]!;
          expect(reused(data, max)).toBe(reference(data, max));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('is what nodeBackend.inflate uses, with the codec’s typed errors', () => {
    const big = deflateSync(Buffer.alloc(50_000, 'a'));
    expect(Buffer.from(nodeBackend.inflate(big, 50_000) as Uint8Array).equals(Buffer.alloc(50_000, 'a'))).toBe(true);
    expect(() => nodeBackend.inflate(big, 49_999)).toThrow(expect.objectContaining({ code: 'ERR_DECOMPRESSION_LIMIT' }));
    expect(() => nodeBackend.inflate(big.subarray(0, 10), 50_000)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED' }));
    // the handle works on after a failure
    expect(Buffer.from(nodeBackend.inflate(deflateSync('ok'), 10) as Uint8Array).toString()).toBe('ok');
  });
});
