/**
 * The audit's NextAuth / Auth.js path (lib/cli/audit/simd-hkdf.ts), on the WebAssembly SIMD engine
 * and on the native engine where it was built (hkdf-t1.ts): the same
 * matches as framework-check.ts on the committed vectors real NextAuth / Auth.js wrote, HKDF as
 * node:crypto's hkdfSync derives it (tokens sealed here under random key salts and infos), the
 * one-candidate HKDF (hkdf.ts) against hkdfSync, and the one-block AES-256 (aes-block.ts) against node:crypto.
 */
import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { frameworkAuditSpec, normalizeValue, type FrameworkAuditSpec } from '../../../lib/codec/index.ts';
import { aes256EncryptBlock, Aes256 } from '../../../lib/cli/audit/aes-block.ts';
import { frameworkChecker } from '../../../lib/cli/audit/framework-check.ts';
import { MAX_CANDIDATE_BYTES } from '../../../lib/cli/audit/fast-hmac.ts';
import { Hkdf256 } from '../../../lib/cli/audit/hkdf.ts';
import { nativeEngine } from '../../../lib/cli/audit/native-engine.ts';
import { HkdfFrameworks } from '../../../lib/cli/audit/simd-hkdf.ts';
import type { NativeChoice } from '../../../lib/cli/audit/simd-pbkdf2.ts';
import { keyBatch } from '../../support/key-batch.ts';

const nextauth = (JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks/node.json'), 'utf8')) as Record<string, Record<string, string>[]>).nextauth!;

/** What framework-check.ts says, candidate by candidate: [candidate index, cookie index, note]. */
function slow(specs: readonly FrameworkAuditSpec[], keys: readonly Buffer[]): [number, number, string][] {
  return specs.flatMap((spec, j) => {
    const check = frameworkChecker(spec);
    return keys.flatMap((k, i) => {
      const m = check(k);
      return m ? [[i, j, m.note] as [number, number, string]] : [];
    });
  });
}

/** The engines T1 runs on: WebAssembly SIMD, and the native engine where it was built (`null`: WebAssembly). */
const engines: [string, NativeChoice][] = [['WebAssembly SIMD', null], ...(nativeEngine() ? [['native', nativeEngine()!] as [string, NativeChoice]] : [])];

function fast(specs: readonly FrameworkAuditSpec[], keys: readonly Buffer[], skip: (j: number) => boolean = () => false, native: NativeChoice = null): [number, number, string][] {
  return HkdfFrameworks.from(specs, native)!
    .checkBatch(keyBatch(keys), skip)
    .map((m) => [m.index, m.framework, m.match.note] as [number, number, string]);
}

const byIndex = (a: [number, number, string], b: [number, number, string]) => a[0] - b[0] || a[1] - b[1];

/** Candidates of every block count a lane sees (0, 55 and 56 bytes: one or two blocks; 119/120; longer). */
const others = () => [0, 1, 7, 31, 55, 56, 63, 64, 119, 120, 200, 1000].map((n) => randomBytes(n));

describe('AES-256 of one block (aes-block.ts) equals node:crypto', () => {
  it('over random keys and blocks, each key read from a strided buffer', () => {
    const aes = new Aes256();
    for (let i = 0; i < 300; i++) {
      const key = randomBytes(32);
      const block = randomBytes(16);
      const c = createCipheriv('aes-256-ecb', key, null).setAutoPadding(false);
      const want = c.update(block);
      expect(Buffer.from(aes256EncryptBlock(key, block)).toString('hex')).toBe(want.toString('hex'));
      // the key as the SIMD engine leaves it: word k at 4k + 2 of a lane-interleaved buffer
      const words = new Int32Array(40);
      for (let k = 0; k < 8; k++) words[4 * k + 2] = key.readInt32BE(4 * k);
      const first = aes.encrypt(words, 2, 4, block.readInt32BE(0), block.readInt32BE(4), block.readInt32BE(8), block.readInt32BE(12));
      expect(first >>> 0).toBe(want.readUInt32BE(0));
    }
  });

  it('FIPS 197 Appendix C.3 (AES-256)', () => {
    const key = Buffer.from('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f', 'hex');
    const block = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
    expect(Buffer.from(aes256EncryptBlock(key, block)).toString('hex')).toBe('8ea2b7ca516745bfeafc49904b496089');
  });
});

describe('HKDF-SHA256 one candidate at a time (hkdf.ts) equals hkdfSync', () => {
  // Salts and infos of 0 to 200 bytes (one to four blocks; salts over 64 bytes are hashed first), IKMs of 0 to 300 bytes.
  const sizes = [0, 1, 31, 32, 54, 55, 56, 63, 64, 65, 119, 120, 200];
  it.each([1, 16, 31, 32, 33, 64, 65, 96, 100, 255])('%i bytes of output', (length) => {
    for (const s of sizes) {
      const salt = randomBytes(s);
      const info = randomBytes(sizes[(s * 7 + length) % sizes.length]!);
      const h = new Hkdf256(salt, info);
      for (const n of [0, 1, 55, 56, 64, 119, 120, 300]) {
        const ikm = randomBytes(n);
        expect(h.derive(ikm, length).toString('hex')).toBe(Buffer.from(hkdfSync('sha256', ikm, salt, info, length)).toString('hex'));
      }
    }
  });

  it('with text salt and info, as the audit specs give them', () => {
    const h = new Hkdf256('authjs.session-token', 'Auth.js Generated Encryption Key (authjs.session-token)');
    const want = hkdfSync('sha256', 'secret', 'authjs.session-token', 'Auth.js Generated Encryption Key (authjs.session-token)', 64);
    expect(h.derive(Buffer.from('secret'), 64).toString('hex')).toBe(Buffer.from(want).toString('hex'));
    expect(() => h.derive(Buffer.from('secret'), 255 * 32 + 1)).toThrow(RangeError);
  });
});

describe.each(engines)('NextAuth / Auth.js on the %s engine finds what framework-check.ts finds', (_engine, native) => {
  it.each(nextauth.flatMap((v) => [[v.name!, v, v.cookieName] as const, [`${v.name!} (no cookie name: every Auth.js name)`, v, undefined] as const]))(
    '%s',
    (_name, v, cookieName) => {
      const spec = frameworkAuditSpec(normalizeValue(v.value!), cookieName ? { cookieName } : {})!;
      const keys = [...others(), Buffer.from(v.key!), ...others(), Buffer.from(v.key!)];
      const want = slow([spec], keys);
      expect(want.map(([i]) => i)).toEqual([12, 25]);
      expect(fast([spec], keys, undefined, native).sort(byIndex)).toEqual(want);
    },
  );

  it('several cookies at once, one skipped; a candidate longer than a lane goes through framework-check.ts', () => {
    const specs = nextauth.map((v) => frameworkAuditSpec(normalizeValue(v.value!), { cookieName: v.cookieName! })!);
    const key = nextauth[0]!.key!;
    const long = Buffer.concat([Buffer.from(key), Buffer.alloc(MAX_CANDIDATE_BYTES)]);
    const keys = [Buffer.from(key), long, ...others(), Buffer.from(key)];
    const simd = HkdfFrameworks.from(specs, native)!;
    expect(specs.map((_, j) => simd.covers(j))).toEqual([true, true, true, true]);
    expect(fast(specs, keys, undefined, native).sort(byIndex)).toEqual(slow(specs, keys).sort(byIndex));
    expect(fast(specs, keys, (j) => j === 2, native).map(([, j]) => j)).not.toContain(2);
    expect(fast(specs, keys, () => true, native)).toEqual([]);
  });

  it('turns away every wrong candidate, the 1 in 256 that pass the first-byte check included', () => {
    const spec = frameworkAuditSpec(normalizeValue(nextauth[0]!.value!))!;
    const keys = Array.from({ length: 3000 }, () => randomBytes(1 + (randomBytes(1)[0]! % 60)));
    expect(fast([spec], keys, undefined, native)).toEqual([]);
  });

  it('takes HKDF cookies only', () => {
    const iron = JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks/node.json'), 'utf8')).iron[0].value as string;
    expect(HkdfFrameworks.from([frameworkAuditSpec(iron)!], native)).toBeUndefined();
  });
});

describe.each(engines)('HKDF-SHA256 on the %s engine derives what hkdfSync derives', (_engine, native) => {
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');

  /** A `dir` JWE sealed with node:crypto under HKDF(secret, name, "Auth.js Generated Encryption Key (<name>)") — or NextAuth v4's salt and info. */
  function seal(secret: Buffer, enc: 'A256GCM' | 'A256CBC-HS512', name: string, v4: boolean): string {
    const header = b64(Buffer.from(JSON.stringify({ alg: 'dir', enc })));
    const [salt, info] = v4 ? ['', 'NextAuth.js Generated Encryption Key'] : [name, `Auth.js Generated Encryption Key (${name})`];
    const key = Buffer.from(hkdfSync('sha256', secret, salt, info, enc === 'A256GCM' ? 32 : 64));
    const plain = Buffer.from(JSON.stringify({ sub: '1', name: 'Alice' }));
    if (enc === 'A256GCM') {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(header));
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return `${header}..${b64(iv)}.${b64(ct)}.${b64(c.getAuthTag())}`;
    }
    const iv = randomBytes(16);
    const c = createCipheriv('aes-256-cbc', key.subarray(32), iv);
    const ct = Buffer.concat([c.update(plain), c.final()]);
    const al = Buffer.alloc(8);
    al.writeUInt32BE(header.length * 8, 4);
    const tag = createHmac('sha512', key.subarray(0, 32)).update(header).update(iv).update(ct).update(al).digest().subarray(0, 32);
    return `${header}..${b64(iv)}.${b64(ct)}.${b64(tag)}`;
  }

  // Cookie names (the key salt) of 0–200 characters: infos of one to four blocks, and salts longer than the HMAC block (hashed first).
  it.each([
    ['A256GCM', 1, true],
    ['A256GCM', 20, false],
    ['A256GCM', 64, false],
    ['A256GCM', 65, false],
    ['A256GCM', 200, false],
    ['A256CBC-HS512', 1, false],
    ['A256CBC-HS512', 30, false],
    ['A256CBC-HS512', 64, false],
    ['A256CBC-HS512', 65, false],
    ['A256CBC-HS512', 150, false],
  ] as const)('%s, a %i-character cookie name (v4 salt: %s)', (enc, nameLength, v4) => {
    const name = randomBytes(nameLength).toString('base64url').slice(0, nameLength);
    const secrets = [randomBytes(1), randomBytes(40), randomBytes(64), randomBytes(100)];
    for (const secret of secrets) {
      const spec = frameworkAuditSpec(seal(secret, enc, name, v4), { cookieName: name })!;
      const keys = [...others().filter((k) => !k.equals(secret)), secret]; // a random 1-byte candidate is the 1-byte secret 1 time in 256
      const want = [[keys.length - 1, 0, `HKDF salt "${v4 ? '' : name}"`]];
      expect(slow([spec], keys)).toEqual(want);
      expect(fast([spec], keys, undefined, native)).toEqual(want);
    }
  });
});
