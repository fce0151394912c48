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
