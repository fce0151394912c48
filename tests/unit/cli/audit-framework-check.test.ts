/**
 * The audit's per-family checkers (lib/cli/audit/framework-check.ts) on the committed vectors the
 * real frameworks wrote (tests/fixtures/frameworks): the vector's key opens it, another key and
 * wrong salts do not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameworkAuditSpec, normalizeValue } from '../../../lib/codec/index.ts';
import { frameworkChecker } from '../../../lib/cli/audit/framework-check.ts';
import { RawHmacFrameworks } from '../../../lib/cli/audit/framework-simd.ts';
import { nativeEngine } from '../../../lib/cli/audit/native-engine.ts';
import { Pbkdf2Prefill, pbkdf2Deriver, type NativeChoice } from '../../../lib/cli/audit/simd-pbkdf2.ts';
import { keyBatch } from '../../support/key-batch.ts';

/** The PBKDF2 families run on both engines: the native one where it was built, and WebAssembly SIMD. */
const ENGINES: [string, NativeChoice][] = [['WebAssembly SIMD', null], ...(nativeEngine() ? [['native', nativeEngine()!] as [string, NativeChoice]] : [])];

const DIR = join(process.cwd(), 'tests/fixtures/frameworks');
const fx = (n: string) => JSON.parse(readFileSync(join(DIR, n), 'utf8')) as Record<string, Record<string, string>[]>;
const phoenix = fx('phoenix.json').phoenix!;

describe('Phoenix (plug_crypto MessageEncryptor A128GCM, vectors by Erlang/OTP crypto)', () => {
  const encrypted = phoenix.filter((v) => v.mode === 'encrypted');
  it.each(encrypted.map((v) => [v.name!, v] as const))('%s: found with its two salts, in either order', (_name, v) => {
    for (const salts of [
      [v.signingSalt!, v.encryptionSalt!],
      [v.encryptionSalt!, v.signingSalt!],
    ]) {
      const spec = frameworkAuditSpec(v.value!, { salts })!;
      expect(spec.format).toBe('phoenix-encrypted');
      const check = frameworkChecker(spec);
      expect(check(Buffer.from(v.key!))).toEqual({
        format: 'phoenix-encrypted',
        setting: expect.stringMatching(/encryption_salt and signing_salt/),
        note: `encryption PBKDF2-SHA256 salt "${v.encryptionSalt}", signing PBKDF2-SHA256 salt "${v.signingSalt}"`,
      });
      expect(check(Buffer.from(`${v.key}x`))).toBeUndefined();
    }
  });

  it('needs both salts: the encryption salt alone, or the signing salt alone, finds nothing', () => {
    const v = encrypted[0]!;
    expect(frameworkChecker(frameworkAuditSpec(v.value!, { salts: [v.encryptionSalt!] })!)(Buffer.from(v.key!))).toBeUndefined();
    expect(frameworkChecker(frameworkAuditSpec(v.value!, { salts: [v.signingSalt!] })!)(Buffer.from(v.key!))).toBeUndefined();
  });

  it('without a salt there is nothing to audit', () => {
    expect(frameworkAuditSpec(encrypted[0]!.value!)).toBeUndefined();
  });

  it('no candidate among many passes the tag checks by accident (the 1-in-256 cheap check lets some through)', () => {
    const v = encrypted[0]!;
    const check = frameworkChecker(frameworkAuditSpec(v.value!, { salts: [v.signingSalt!, v.encryptionSalt!] })!);
    for (let i = 0; i < 300; i++) expect(check(Buffer.from(`candidate-${i}`))).toBeUndefined();
  });
});

describe('every family opens with its vector key and not with another', () => {
  const cases: [string, Record<string, string>][] = [
    ['rails gcm', fx('ruby.json').rails![0]!],
    ['rails cbc', fx('ruby.json').rails![4]!],
    ['rails signed', fx('ruby.json').rails![6]!],
    ['rack', fx('ruby.json').rack![0]!],
    ['laravel cbc', fx('php.json').laravel![0]!],
    ['laravel gcm', fx('php.json').laravel![2]!],
    ['yii2', fx('php.json').yii2![0]!],
    ['tornado', fx('python.json').tornado![0]!],
    ['gorilla', fx('go.json').gorilla![0]!],
    ['iron', fx('node.json').iron![0]!],
    ['nextauth gcm', fx('node.json').nextauth![0]!],
    ['authjs cbc-hs512', fx('node.json').nextauth![2]!],
    ['phoenix signed', { ...phoenix[0]!, salts: phoenix[0]!.signingSalt! }],
  ];
  it.each(cases)('%s', (_name, v) => {
    const spec = frameworkAuditSpec(normalizeValue(v.value!), { ...(v.cookieName ? { cookieName: v.cookieName } : {}), ...(v.salts ? { salts: [v.salts] } : {}) })!;
    const check = frameworkChecker(spec);
    expect(check(Buffer.from(v.key!))?.format).toBeDefined();
    expect(check(Buffer.from('not-the-key'))).toBeUndefined();
  });
});

describe.each(ENGINES)('the %s engine checks the raw-key HMAC-SHA256 families like node:crypto does', (_engine, native) => {
  const vectors = [fx('python.json').tornado![0]!, fx('php.json').yii2![0]!, fx('go.json').gorilla![0]!, fx('php.json').laravel![0]!, fx('php.json').laravel![4]!];
  const specs = vectors.map((v) => frameworkAuditSpec(normalizeValue(v.value!), { cookieName: v.cookieName! })!);

  it('takes those families and leaves the others to framework-check', () => {
    // Laravel's GCM cookie (no MAC to check before decrypting) is framework-check's on both engines.
    const simd = RawHmacFrameworks.from([...specs, frameworkAuditSpec(fx('php.json').laravel![2]!.value!)!], native)!;
    expect(specs.map((_, i) => simd.covers(i))).toEqual(specs.map(() => true));
    expect(simd.covers(specs.length)).toBe(false);
  });

  it('finds each key among other candidates (short, 64-byte, longer than a block, base64: keys), in a batch that is not a multiple of eight', () => {
    const simd = RawHmacFrameworks.from(specs, native)!;
    const others = ['a', 'x'.repeat(64), 'y'.repeat(65), 'base64:b3RoZXIgc2l4dGVlbiBieXRlcw==', `base64:${'A'.repeat(44)}`, 'z'.repeat(300)];
    const keys = [...others, ...new Set(vectors.map((v) => v.key!)), ...others];
    const bufs = keys.map((k) => Buffer.from(k));
    const batch = keyBatch(bufs);
    const found = simd.checkBatch(batch, () => false).map((m) => [m.framework, keys[m.index], m.match.format]);
    const want = vectors.map((v, i) => [i, v.key, specs[i]!.format]);
    expect(found.sort()).toEqual(want.sort());
    // what node:crypto says, candidate by candidate
    const slow = specs.flatMap((spec, i) => keys.flatMap((k) => (frameworkChecker(spec)(Buffer.from(k)) ? [[i, k, spec.format]] : [])));
    expect(slow.sort()).toEqual(want.sort());
    expect(simd.checkBatch(batch, (j) => j === 0).map((m) => m.framework)).not.toContain(0);
  });

  it('a key longer than the block is hashed first (RFC 2104), as Yii2 and Tornado accept any length', async () => {
    const { createHmac } = await import('node:crypto');
    const key = 'k'.repeat(100);
    const message = Buffer.from('a:2:{i:0;s:5:"_csrf";i:1;s:3:"abc";}');
    const value = `${createHmac('sha256', key).update(message).digest('hex')}${message.toString()}`;
    const spec = frameworkAuditSpec(value)!;
    expect(spec.format).toBe('yii2');
    const b = Buffer.from(key);
    expect(RawHmacFrameworks.from([spec], native)!.checkBatch({ src: b, starts: [0], lengths: [b.length], count: 1 }, () => false)).toHaveLength(1);
  });
});

describe.each(ENGINES)('PBKDF2 on the %s engine (simd-pbkdf2.ts) equals node:crypto', (_engine, native) => {
  it.each([
    ['sha1', 1, 32],
    ['sha256', 1000, 32],
    ['sha1', 1000, 64],
    ['sha256', 3, 64],
    ['sha1', 2, 20],
  ] as const)('%s, %i iterations, %i bytes: short, 64-byte and longer passwords, several salts', async (hash, iterations, length) => {
    const { pbkdf2Sync, randomBytes } = await import('node:crypto');
    const salts = ['authenticated encrypted cookie', 'x'.repeat(64), ''];
    const keys = Array.from({ length: 13 }, (_, i) => randomBytes([1, 5, 63, 64, 65, 128, 200][i % 7]!));
    const derived = pbkdf2Deriver(hash, salts, iterations, length, native).derive(keyBatch(keys));
    salts.forEach((salt, s) => keys.forEach((k, i) => expect(derived[s]![i]!.toString('hex')).toBe(pbkdf2Sync(k, salt, iterations, length, hash).toString('hex'))));
  });

  it('fills the candidates caches so that every PBKDF2 family opens with its key', () => {
    const vectors = [fx('ruby.json').rails![0]!, fx('ruby.json').rails![2]!, fx('ruby.json').rails![4]!, fx('ruby.json').rack![0]!, fx('node.json').iron![0]!, { ...phoenix[3]!, salts: 'yes' }];
    const specs = vectors.map((v) => frameworkAuditSpec(normalizeValue(v.value!), v.salts ? { salts: [v.signingSalt!, v.encryptionSalt!] } : {})!);
    const prefill = Pbkdf2Prefill.from(specs, native)!;
    const keys = ['wrong', ...new Set(vectors.map((v) => v.key!))];
    const bufs = keys.map((k) => Buffer.from(k));
    const caches = keys.map(() => new Map<string, Buffer>());
    prefill.fill(keyBatch(bufs), caches);
    expect(caches[0]!.size).toBeGreaterThan(4);
    specs.forEach((spec, j) => {
      const i = keys.indexOf(vectors[j]!.key!);
      const cache = caches[i]!;
      const before = cache.size;
      expect(frameworkChecker(spec)(bufs[i]!, cache)?.format).toBe(spec.format);
      expect(cache.size).toBe(before); // nothing derived again: every key came from the prefill
      expect(frameworkChecker(spec)(bufs[0]!, caches[0]!)).toBeUndefined();
    });
  });
});

describe.each(ENGINES)('HMAC-SHA256 under a PBKDF2 key on the %s engine (iron-session, signed Phoenix)', (_engine, native) => {
  it('finds each key and names the salt, as framework-check does', () => {
    const iron = fx('node.json').iron![0]!;
    const signed = phoenix[0]!;
    const specs = [frameworkAuditSpec(iron.value!)!, frameworkAuditSpec(signed.value!, { salts: ['not-it', signed.signingSalt!] })!];
    const simd = RawHmacFrameworks.from(specs, native)!;
    expect([simd.covers(0), simd.covers(1)]).toEqual([true, true]);
    const keys = ['wrong', iron.key!, 'x'.repeat(80), signed.key!].map((k) => Buffer.from(k));
    const found = simd.checkBatch(keyBatch(keys), () => false).map((m) => [m.framework, m.index, m.match.note]);
    const slow = specs.map((spec, j) => [j, j === 0 ? 1 : 3, frameworkChecker(spec)(keys[j === 0 ? 1 : 3]!)!.note]);
    expect(found).toEqual(slow);
    expect(simd.checkBatch(keyBatch(keys), (j) => j === 1).map((m) => m.framework)).toEqual([0]);
  });
});
