/**
 * The native SHA engine (lib/cli/audit/native/, native-engine.ts) against node:crypto: every length
 * class of key (up to and over the block, hashed first per RFC 2104 §2), message, salt and prefix,
 * PBKDF2 iteration counts and multi-block outputs, partial passes, and hostile slices that must throw.
 */
import { spawnSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KeyBatch } from '../../../lib/cli/audit/framework-simd.ts';
import { NATIVE_DIGEST_BYTES, nativeEngine, nativeStatus, type NativeHash } from '../../../lib/cli/audit/native-engine.ts';
import { keyBatch } from '../../support/key-batch.ts';

const engine = nativeEngine();
const HASHES: NativeHash[] = ['sha1', 'sha256'];
const KEY_LENGTHS = [0, 1, 19, 20, 31, 32, 55, 56, 63, 64, 65, 100, 119, 120, 127, 128, 129, 200];
const MESSAGE_LENGTHS = [0, 1, 51, 52, 55, 56, 63, 64, 65, 119, 120, 128, 183, 184, 300];

const cut = (out: Buffer, i: number, n: number) => out.subarray(i * n, (i + 1) * n);

describe('native SHA engine', () => {
  it('loads wherever a C compiler built it (else the audit falls back to WebAssembly)', () => {
    const compiler = spawnSync('cc', ['--version']).status === 0 && process.env.SESSION_LENS_NATIVE !== '0';
    if (compiler) expect(nativeStatus()).toBe('loaded');
    else expect(['loaded', 'missing', 'failed', 'disabled']).toContain(nativeStatus());
    expect(Boolean(engine)).toBe(nativeStatus() === 'loaded');
  });

  it('stays off for every family when SESSION_LENS_AUDIT_ENGINE asks for another engine', () => {
    const statusWith = (value: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '-e', "import('./lib/cli/audit/native-engine.ts').then((m) => console.log(m.nativeStatus()))"], {
        env: { ...process.env, SESSION_LENS_AUDIT_ENGINE: value },
        encoding: 'utf8',
      }).stdout.trim();
    for (const other of ['simd', 'wasm', 'js', 'native']) expect(statusWith(other)).toBe('disabled');
    expect(statusWith('addon')).toBe(nativeStatus());
  }, 60_000);

  const best = engine?.isa();
  const isas = (['avx512f', 'avx2', 'base'] as const).filter((isa) => engine && engine.isa(isa) === isa);
  if (best) engine!.isa(best);
  afterAll(() => best && engine!.isa(best));

  it('runs the widest build this CPU has', () => {
    if (!engine) return;
    expect(isas[0]).toBe(best);
    expect(isas).toContain('base');
  });

  describe.skipIf(!engine).each(isas.flatMap((isa) => HASHES.map((hash) => [isa, hash] as const)))('%s %s', (isa, hash) => {
    beforeAll(() => engine!.isa(isa));
    const n = NATIVE_DIGEST_BYTES[hash];
    const keys = KEY_LENGTHS.map((l) => randomBytes(l));
    const batch = keyBatch(keys, 2);

    it.each(MESSAGE_LENGTHS)('hmac of every key length over a %i-byte message', (length) => {
      const message = randomBytes(length);
      const out = Buffer.alloc(keys.length * n);
      engine!.hmac(hash, batch, message, out);
      keys.forEach((k, i) => expect(cut(out, i, n).toString('hex'), `key ${k.length}`).toBe(createHmac(hash, k).update(message).digest('hex')));
    });

    it.each(MESSAGE_LENGTHS)('hashPrefixed with a %i-byte prefix', (length) => {
      const prefix = randomBytes(length);
      const out = Buffer.alloc(keys.length * n);
      engine!.hashPrefixed(hash, prefix, batch, out);
      keys.forEach((k, i) => expect(cut(out, i, n).toString('hex'), `key ${k.length}`).toBe(createHash(hash).update(prefix).update(k).digest('hex')));
    });

    it.each([
      [1, 20, 8],
      [2, 32, 0],
      [1000, 32, 13],
      [1000, 64, 29],
      [3, 100, 60],
      [1, 7, 200],
    ])('pbkdf2 × %i, %i bytes, %i-byte salt', (iterations, dkLen, saltLength) => {
      const salt = randomBytes(saltLength);
      const out = Buffer.alloc(keys.length * dkLen);
      engine!.pbkdf2(hash, batch, salt, iterations, dkLen, out);
      keys.forEach((k, i) => expect(cut(out, i, dkLen).toString('hex'), `key ${k.length}`).toBe(pbkdf2Sync(k, salt, iterations, dkLen, hash).toString('hex')));
    });

    it('hmacFind: the indices whose MAC starts with the tag, full or truncated', () => {
      const message = Buffer.from('{"user":1}');
      const many = Array.from({ length: 37 }, (_, i) => Buffer.from(`candidate-${i}`));
      many[5] = many[33] = Buffer.from('the-key');
      const mac = createHmac(hash, 'the-key').update(message).digest();
      const b = keyBatch(many, 2);
      expect(engine!.hmacFind(hash, b, message, mac)).toEqual([5, 33]);
      expect(engine!.hmacFind(hash, b, message, mac.subarray(0, 12))).toEqual([5, 33]);
      const wrong = Buffer.from(mac);
      wrong[n - 1]! ^= 1;
      expect(engine!.hmacFind(hash, b, message, wrong)).toEqual([]);
      expect(engine!.hmacFind(hash, { ...b, count: 20 }, message, mac)).toEqual([5]);
    });

    it('fuzz: random batches (counts across pass boundaries, plain-array slices) match node:crypto', () => {
      for (let round = 0; round < 40; round++) {
        const count = 1 + ((round * 7) % 41);
        const ks = Array.from({ length: count }, () => randomBytes(Math.floor(Math.random() * 150)));
        const b = keyBatch(ks, 2);
        const plain: KeyBatch = { ...b, starts: Array.from(b.starts), lengths: Array.from(b.lengths) };
        const message = randomBytes(Math.floor(Math.random() * 200));
        const out = Buffer.alloc(count * n);
        engine!.hmac(hash, plain, message, out);
        ks.forEach((k, i) => expect(cut(out, i, n).equals(createHmac(hash, k).update(message).digest())).toBe(true));
        const dk = Buffer.alloc(count * 40);
        engine!.pbkdf2(hash, b, message, 2, 40, dk);
        ks.forEach((k, i) => expect(cut(dk, i, 40).equals(pbkdf2Sync(k, message, 2, 40, hash))).toBe(true));
      }
    });
  });

  describe.skipIf(!engine?.gcmFind)('gcmFind (AES-GCM through the OpenSSL inside Node)', () => {
    const seal = (key: Buffer, iv: Buffer, plain: Buffer, aad: Buffer, tagLength = 16) => {
      const c = createCipheriv(`aes-${key.length * 8}-gcm` as 'aes-256-gcm', key, iv, { authTagLength: tagLength });
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return { ct, tag: c.getAuthTag() };
    };
    it.each([
      [16, 12, 0, 0, 16],
      [24, 12, 5, 33, 16],
      [32, 12, 200, 0, 16],
      [32, 16, 17, 8, 12],
      [32, 8, 1, 0, 16],
    ])('%i-byte keys, %i-byte IV, %i-byte plaintext, %i-byte AAD, %i-byte tag', (keyLength, ivLength, plainLength, aadLength, tagLength) => {
      const key = randomBytes(keyLength);
      const iv = randomBytes(ivLength);
      const aad = randomBytes(aadLength);
      const { ct, tag } = seal(key, iv, randomBytes(plainLength), aad, tagLength);
      const keys = [randomBytes(keyLength), key, randomBytes(7), Buffer.from(key).fill(1, 0, 1), randomBytes(keyLength), key.subarray(0, 16), key];
      expect(engine!.gcmFind!(keyBatch(keys, 2), iv, ct, aad, tag)).toEqual(keyLength === 16 ? [1, 5, 6] : [1, 6]);
      const wrong = Buffer.from(tag);
      wrong[0]! ^= 1;
      expect(engine!.gcmFind!(keyBatch(keys, 2), iv, ct, aad, wrong)).toEqual([]);
      if (aadLength) expect(engine!.gcmFind!(keyBatch(keys, 2), iv, ct, Buffer.alloc(0), tag)).toEqual([]);
    });

    it.each<[string, () => unknown, RegExp]>([
      ['an empty IV', () => engine!.gcmFind!(keyBatch([randomBytes(32)], 2), Buffer.alloc(0), Buffer.alloc(1), Buffer.alloc(0), Buffer.alloc(16)), /iv/],
      ['a 3-byte tag', () => engine!.gcmFind!(keyBatch([randomBytes(32)], 2), Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0), Buffer.alloc(3)), /tag/],
      ['a 17-byte tag', () => engine!.gcmFind!(keyBatch([randomBytes(32)], 2), Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0), Buffer.alloc(17)), /tag/],
      ['a slice past the end', () => engine!.gcmFind!({ src: Buffer.alloc(8), starts: [0], lengths: [32], count: 1 }, Buffer.alloc(12), Buffer.alloc(1), Buffer.alloc(0), Buffer.alloc(16)), /outside/],
    ])('%s throws', (_, call, message) => {
      expect(call).toThrow(message);
    });
  });

  describe.skipIf(!engine?.plugFind)('plugFind (the tagless check of an encrypted Plug cookie)', () => {
    /** What framework-check.ts computes per key: the content key unwrapped by AES-CTR from counter 2, then its first keystream byte. */
    const slow = (key: Buffer, wiv: Buffer, wct: Buffer, civ: Buffer, first: number) => {
      const ctr = (k: Buffer, iv: Buffer, data: Buffer) => createDecipheriv(`aes-${k.length * 8}-ctr` as 'aes-256-ctr', k, Buffer.concat([iv, Buffer.from([0, 0, 0, 2])])).update(data);
      const cek = ctr(key, wiv, wct);
      return ctr(cek, civ, Buffer.of(first))[0]!;
    };
    it.each([16, 24, 32])('agrees with AES-CTR in node:crypto over 3,000 keys, %i-byte content keys', (cekLength) => {
      const [wiv, civ] = [randomBytes(12), randomBytes(12)];
      const wct = randomBytes(cekLength);
      const first = 0xa7;
      const keys = Array.from({ length: 3000 }, (_, i) => randomBytes([32, 16, 24, 32, 7][i % 5]!));
      const want = keys.flatMap((k, i) => (k.length !== 7 && slow(k, wiv, wct, civ, first) === 131 ? [i] : []));
      expect(want.length).toBeGreaterThan(0);
      expect(engine!.plugFind!(keyBatch(keys, 2), wiv, wct, civ, first, 131)).toEqual(want);
    });
    it('checks its arguments', () => {
      const b = keyBatch([randomBytes(32)], 2);
      expect(() => engine!.plugFind!(b, Buffer.alloc(11), Buffer.alloc(16), Buffer.alloc(12), 0, 131)).toThrow(/IVs/);
      expect(() => engine!.plugFind!(b, Buffer.alloc(12), Buffer.alloc(20), Buffer.alloc(12), 0, 131)).toThrow(/wrapped key/);
      expect(() => engine!.plugFind!(b, Buffer.alloc(12), Buffer.alloc(16), Buffer.alloc(12), 256, 131)).toThrow(/bytes/);
    });
  });

  describe.skipIf(!engine)('hostile arguments throw, never read outside', () => {
    const src = Buffer.from('abcdefgh');
    const ok = { src, starts: Int32Array.of(0, 4), lengths: Int32Array.of(4, 4), count: 2 };
    const out = Buffer.alloc(64);
    it.each<[string, () => unknown, RegExp]>([
      ['a slice past the end', () => engine!.hmac('sha256', { ...ok, lengths: Int32Array.of(4, 5) }, src, out), /outside keys\.src/],
      ['a negative start', () => engine!.hmac('sha256', { ...ok, starts: Int32Array.of(-1, 0) }, src, out), /outside keys\.src/],
      ['a negative length', () => engine!.hashPrefixed('sha1', src, { ...ok, lengths: Int32Array.of(-4, 4) }, out), /outside keys\.src/],
      ['count over the slices', () => engine!.pbkdf2('sha1', { ...ok, count: 3 }, src, 1, 20, out), /count is out of range/],
      ['a fractional count', () => engine!.hmac('sha1', { ...ok, count: 1.5 }, src, out), /count is out of range/],
      ['out too small', () => engine!.hmac('sha256', ok, src, Buffer.alloc(63)), /out must hold/],
      ['pbkdf2 out too small', () => engine!.pbkdf2('sha256', ok, src, 1, 40, Buffer.alloc(79)), /out must hold/],
      ['zero iterations', () => engine!.pbkdf2('sha256', ok, src, 0, 32, out), /iterations/],
      ['zero dkLen', () => engine!.pbkdf2('sha256', ok, src, 1, 0, out), /dkLen/],
      ['an empty tag', () => engine!.hmacFind('sha1', ok, src, Buffer.alloc(0)), /tag/],
      ['a tag over the digest', () => engine!.hmacFind('sha1', ok, src, Buffer.alloc(21)), /tag/],
      ['an unknown hash', () => engine!.hmac('md5' as NativeHash, ok, src, out), /unsupported hash/],
      ['a string message', () => engine!.hmac('sha1', ok, 'abc' as unknown as Uint8Array, out), /message must be/],
      ['a non-buffer src', () => engine!.hmac('sha1', { ...ok, src: [1, 2] as unknown as Uint8Array }, src, out), /keys\.src/],
    ])('%s', (_, call, message) => {
      expect(call).toThrow(message);
    });
  });
});
