/**
 * The PBKDF2 families (Rails encrypted / signed, Rack, Phoenix, iron-session) give the same findings
 * on the native engine as on the WebAssembly SIMD engine, and as node:crypto candidate by candidate:
 * every committed vector the real frameworks wrote (tests/fixtures/frameworks), in one batch of
 * their keys among wrong ones of every length class (short, 64 bytes, over the block).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameworkAuditSpec, normalizeValue, type FrameworkAuditSpec } from '../../../lib/codec/index.ts';
import { frameworkChecker } from '../../../lib/cli/audit/framework-check.ts';
import { RawHmacFrameworks } from '../../../lib/cli/audit/framework-simd.ts';
import { nativeEngine } from '../../../lib/cli/audit/native-engine.ts';
import { Pbkdf2Prefill, type NativeChoice } from '../../../lib/cli/audit/simd-pbkdf2.ts';
import { keyBatch } from '../../support/key-batch.ts';

const DIR = join(process.cwd(), 'tests/fixtures/frameworks');
const fx = (n: string) => JSON.parse(readFileSync(join(DIR, n), 'utf8')) as Record<string, Record<string, string>[]>;

const vectors = [...fx('ruby.json').rails!, ...fx('ruby.json').rack!, ...fx('node.json').iron!, ...fx('phoenix.json').phoenix!];
const specs: FrameworkAuditSpec[] = vectors.map((v) => {
  const salts = v.signingSalt ? [v.signingSalt, ...(v.mode === 'encrypted' ? [v.encryptionSalt!] : [])] : undefined;
  return frameworkAuditSpec(normalizeValue(v.value!), salts ? { salts } : {})!;
});
const keys = ['wrong', ...new Set(vectors.map((v) => v.key!)), 'x'.repeat(64), 'y'.repeat(65), 'z'.repeat(200), ''].map((k) => Buffer.from(k));

/** Every (candidate, cookie, format, note) found, as the worker finds them (worker.ts tryFrameworks). */
function findings(native: NativeChoice): string[] {
  const batch = keyBatch(keys);
  const simd = RawHmacFrameworks.from(specs, native);
  const out = (simd?.checkBatch(batch, () => false) ?? []).map((m) => `${m.index} ${m.framework} ${m.match.format} ${m.match.note}`);
  const rest = specs.flatMap((spec, j) => (simd?.covers(j) ? [] : [{ j, check: frameworkChecker(spec) }]));
  const caches = keys.map(() => new Map<string, Buffer>());
  Pbkdf2Prefill.from(rest.map((r) => specs[r.j]!), native)?.fill(batch, caches);
  keys.forEach((k, i) => {
    for (const { j, check } of rest) {
      const m = check(k, caches[i]);
      if (m) out.push(`${i} ${j} ${m.format} ${m.note}`);
    }
  });
  return out.sort();
}

describe('PBKDF2 families: native engine = WebAssembly SIMD engine = node:crypto', () => {
  const slow = specs
    .flatMap((spec, j) => keys.flatMap((k, i) => {
      const m = frameworkChecker(spec)(k);
      return m ? [`${i} ${j} ${m.format} ${m.note}`] : [];
    }))
    .sort();

  it('node:crypto finds every vector with its key', () => {
    expect(new Set(slow.map((f) => Number(f.split(' ')[1]))).size).toBe(specs.length);
  });

  it('the WebAssembly SIMD engine finds the same', () => {
    expect(findings(null)).toEqual(slow);
  });

  it.skipIf(!nativeEngine())('the native engine finds the same', () => {
    expect(findings(nativeEngine()!)).toEqual(slow);
  });

  it.skipIf(!nativeEngine()?.gcmFind)('on the native engine, Rails GCM and CBC, iron-session and Phoenix (signed, encrypted) and Rack / Rails signed are checked whole batches at a time', () => {
    const simd = RawHmacFrameworks.from(specs, nativeEngine()!)!;
    const batched = specs.flatMap((spec, j) => (simd.covers(j) ? [spec.format] : []));
    expect([...new Set(batched)].sort()).toEqual(['iron-session', 'phoenix-encrypted', 'phoenix-signed', 'rack', 'rails-encrypted', 'rails-encrypted-cbc']);
    expect(RawHmacFrameworks.from(specs, null)!.covers(specs.findIndex((s) => s.format === 'rails-encrypted'))).toBe(false);
  });
});
