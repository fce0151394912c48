/**
 * Property tests for the Ruby Marshal, PHP serialize and Erlang term readers and the framework
 * decoders: whatever the bytes, reading returns a value or throws a typed SessionLensError — never
 * another exception, a hang or a runaway allocation. Seeds are the real frameworks' vectors
 * (tests/fixtures/frameworks), mutated. `npm run fuzz` runs more (SESSION_LENS_FUZZ_RUNS).
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { binaryToTerm, decode, isSessionLensError, phpUnserialize, unmarshal } from '../../../lib/codec/index.ts';

const TOTAL = Number(process.env.SESSION_LENS_FUZZ_RUNS ?? 100_000);
const RUNS = Math.max(1000, Math.round(TOTAL * 0.05));
const fixture = (name: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', name), 'utf8')) as Record<string, { value: string; key: string }[]>;
const all = ['ruby.json', 'php.json', 'python.json', 'go.json', 'phoenix.json', 'node.json'].flatMap((f) => Object.values(fixture(f)).filter(Array.isArray).flat());
const seeds = all.map((v) => v.value);
const keys = [...new Set(all.map((v) => v.key))];

const b64 = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const rubySeeds = fixture('ruby.json').rack!.map((v) => b64(v.value.split('--')[0]!));
const termSeeds = fixture('phoenix.json').phoenix!.filter((v) => v.value.startsWith('SFM')).map((v) => b64(v.value.split('.')[1]!));
const phpSeeds = fixture('php.json').yii2!.map((v) => new TextEncoder().encode(v.value.slice(64)));

function typed(f: () => unknown): boolean {
  try {
    f();
  } catch (e) {
    if (!isSessionLensError(e)) throw e;
  }
  return true;
}

const mutateBytes = (seedsOf: Uint8Array[]) =>
  fc.tuple(fc.constantFrom(...seedsOf), fc.array(fc.tuple(fc.nat(), fc.nat(255), fc.constantFrom('flip', 'cut', 'insert')), { maxLength: 4 })).map(([seed, edits]) => {
    let b = Array.from(seed);
    for (const [pos, v, op] of edits) {
      const i = b.length ? pos % b.length : 0;
      if (op === 'flip') b[i] = v;
      else if (op === 'cut') b = b.slice(0, i);
      else b.splice(i, 0, v);
    }
    return Uint8Array.from(b);
  });

const mutateText = fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.nat(127), fc.constantFrom('flip', 'cut', 'insert')), { maxLength: 3 })).map(([seed, edits]) => {
  let s = seed;
  for (const [pos, ch, op] of edits) {
    const i = s.length ? pos % s.length : 0;
    if (op === 'flip') s = s.slice(0, i) + String.fromCharCode(ch) + s.slice(i + 1);
    else if (op === 'cut') s = s.slice(0, i);
    else s = s.slice(0, i) + String.fromCharCode(ch) + s.slice(i);
  }
  return s;
});

describe('binary reader fuzz', () => {
  it.each([
    ['Ruby Marshal', unmarshal, rubySeeds, [0x04, 0x08]],
    ['Erlang term', binaryToTerm, termSeeds, [131]],
    ['PHP serialize', phpUnserialize, phpSeeds, []],
  ] as const)(`%s: mutated real payloads and random bytes (${RUNS * 2} runs)`, (_n, read, seedsOf, magic) => {
    fc.assert(fc.property(mutateBytes([...seedsOf]), (b) => typed(() => read(b))), { numRuns: RUNS });
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => typed(() => read(Uint8Array.from([...magic, ...b])))), { numRuns: RUNS });
  });

  it('refuses counts and lengths larger than the data before allocating, and deep nesting', () => {
    const cases: [string, () => unknown][] = [
      ['marshal array of 2^30', () => unmarshal(Uint8Array.of(4, 8, 0x5b, 4, 0, 0, 0, 0x40))],
      ['marshal string of 2^30', () => unmarshal(Uint8Array.of(4, 8, 0x22, 4, 0, 0, 0, 0x40))],
      ['marshal nesting', () => unmarshal(Uint8Array.from([4, 8, ...Array(5000).fill([0x5b, 6]).flat(), 0x30]))],
      ['term list of 2^32-1', () => binaryToTerm(Uint8Array.of(131, 108, 255, 255, 255, 255))],
      ['term nesting', () => binaryToTerm(Uint8Array.from([131, ...Array(5000).fill([104, 1]).flat(), 106]))],
      ['php array of 10^12', () => phpUnserialize(new TextEncoder().encode('a:1000000000000:{'))],
      ['php string past the end', () => phpUnserialize(new TextEncoder().encode('s:99999999:"a";'))],
      ['php nesting', () => phpUnserialize(new TextEncoder().encode('a:1:{i:0;'.repeat(5000) + 'N;' + '}'.repeat(5000)))],
    ];
    for (const [name, f] of cases) {
      let code: string | undefined;
      try {
        f();
      } catch (e) {
        code = isSessionLensError(e) ? e.code : `untyped ${String(e)}`;
      }
      expect([name, code]).toEqual([name, expect.stringMatching(/^ERR_(MALFORMED|LIMIT_EXCEEDED)$/)]);
    }
  });

  it('expands shared references within maxItems (a reference bomb stops)', () => {
    // Each array holds its first child twice (the second time as `r:N;`, N its pre-order slot), 40
    // deep: 2^40 values if references were expanded without a budget.
    let s = 'N;';
    for (let d = 39; d >= 0; d--) s = `a:2:{i:0;${s}i:1;r:${d + 2};}`;
    let code: string | undefined;
    try {
      phpUnserialize(new TextEncoder().encode(s));
    } catch (e) {
      code = isSessionLensError(e) ? e.code : 'untyped';
    }
    expect(code).toBe('ERR_LIMIT_EXCEEDED');
  });
});

describe('framework decoder fuzz', () => {
  it(`mutated real cookies of every family, with their keys (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutateText, async (s) => {
        try {
          await decode(s, { keys, salts: ['kR3qP9xZ', 'eN7cR4yT'] });
        } catch (e) {
          if (!isSessionLensError(e)) throw e;
        }
        return true;
      }),
      { numRuns: RUNS },
    );
  }, 600_000);
});
