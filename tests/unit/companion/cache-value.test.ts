import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeMemcachedValue, decodeRedisValue } from '../../../lib/companion/cache-value.ts';
import { isSessionLensError, stringifyJson } from '../../../lib/codec/index.ts';

// Written by the real django-redis / pymemcache serializers: make_cache_values.py beside the JSON.
const file = JSON.parse(readFileSync(new URL('./fixtures/cache-values.json', import.meta.url), 'utf8')) as {
  vectors: { name: string; store: 'redis' | 'memcached'; hex: string; flags?: number; json?: string; error?: string }[];
};
const bytesOf = (hex: string) => new Uint8Array(Buffer.from(hex, 'hex'));
const decodeVector = (v: (typeof file.vectors)[number]) => (v.store === 'redis' ? decodeRedisValue(bytesOf(v.hex)) : decodeMemcachedValue(bytesOf(v.hex), v.flags ?? 0));

describe('cache values written by django-redis and PyMemcacheCache', () => {
  const ok = file.vectors.filter((v) => v.json !== undefined);
  const bad = file.vectors.filter((v) => v.error !== undefined);

  it('has vectors for both stores', () => {
    expect(ok.filter((v) => v.store === 'redis').length).toBeGreaterThanOrEqual(8);
    expect(ok.filter((v) => v.store === 'memcached').length).toBeGreaterThanOrEqual(6);
    expect(bad.length).toBeGreaterThanOrEqual(3);
  });

  it.each(ok.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    const value = decodeVector(v);
    // Exact: big integers as digits, Python-only values as {"$py": …}; compared as text so no
    // integer goes through a double.
    expect(stringifyJson(value)).toBe(pythonCompact(v.json!));
  });

  it.each(bad.map((v) => [v.name, v] as const))('%s is refused with a typed error', (_name, v) => {
    let thrown: unknown;
    try {
      decodeVector(v);
    } catch (e) {
      thrown = e;
    }
    expect(isSessionLensError(thrown)).toBe(true);
    expect((thrown as { code: string }).code).toBe(v.error);
  });
});

describe('raw integers (django-redis stores ints as their digits)', () => {
  it.each([
    ['0', 0],
    ['-17', -17],
    ['9007199254740991', 9007199254740991],
    ['9007199254740993', 9007199254740993n],
    [' 1_000 ', 1000],
  ] as const)('%j', (text, want) => {
    expect(decodeRedisValue(new TextEncoder().encode(text))).toBe(want);
  });
});

/**
 * Re-serialises Python's `json.dumps(..., ensure_ascii=False)` (", " and ": " separators) compactly
 * without going through JS numbers, so integers beyond 2^53 stay exact.
 */
function pythonCompact(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i]!;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c !== ' ' && c !== '\n') {
      out += c;
    }
  }
  return out;
}
