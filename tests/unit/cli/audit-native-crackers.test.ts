/**
 * The native engine's crackers (native-crackers.ts) give the WebAssembly SIMD ones' answers
 * (wasm-simd.ts, framework-simd.ts without the engine): on the Django vectors
 * (tests/fixtures/vectors/django.json), the other frameworks' vectors (tests/fixtures/frameworks)
 * and fuzzed values, keys and salts. Skipped where the addon is not built.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { b64Decode, frameworkAuditSpec, normalizeValue, parseSigned, saltCandidates } from '../../../lib/codec/index.ts';
import type { SaltPrefix } from '../../../lib/cli/audit/fast-hmac.ts';
import { RawHmacFrameworks } from '../../../lib/cli/audit/framework-simd.ts';
import { NativeBatchSignerCracker, NativeRawHmacCracker } from '../../../lib/cli/audit/native-crackers.ts';
import { nativeEngine } from '../../../lib/cli/audit/native-engine.ts';
import { SimdRawHmacCracker, SimdSignerCracker } from '../../../lib/cli/audit/wasm-simd.ts';
import { keyBatch } from '../../support/key-batch.ts';

vi.setConfig({ testTimeout: 60_000 });

const engine = nativeEngine();
const FIX = join(process.cwd(), 'tests/fixtures');

type Match = { index: number; target: number; salt: number };
const sorted = (ms: readonly Match[]) => ms.map((m) => `${m.index}/${m.target}/${m.salt}`).sort();

function signerAnswers(targets: { message: Uint8Array; signature: Uint8Array; algorithm: 'sha256' | 'sha1' }[], salts: SaltPrefix[], keys: Uint8Array[], skip?: Set<number>) {
  const b = keyBatch(keys);
  const simd: Match[] = [];
  for (const hash of ['sha256', 'sha1'] as const) {
    const idx = targets.flatMap((t, i) => (t.algorithm === hash ? [i] : []));
    if (!idx.length) continue;
    const local = skip && new Set(idx.flatMap((g, l) => (skip.has(g) ? [l] : [])));
    const c = new SimdSignerCracker(
      idx.map((i) => targets[i]!),
      salts,
      hash,
    );
    for (const m of c.checkBatch(b.src, b.starts, b.lengths, b.count, local)) simd.push({ ...m, target: idx[m.target]! });
  }
  const native = new NativeBatchSignerCracker(engine!, targets, salts).checkBatch(b.src, b.starts, b.lengths, b.count, skip);
  return { simd: sorted(simd), native: sorted(native) };
}

describe.runIf(engine !== undefined)('native signer HMAC equals the SIMD engine', () => {
  const vectors = (JSON.parse(readFileSync(join(FIX, 'vectors/django.json'), 'utf8')) as { decode: { value: string; keys: string[]; expect: { verified: boolean; algorithm?: string } }[] }).decode.filter(
    (v) => v.expect.verified && (v.expect.algorithm === 'sha256' || v.expect.algorithm === 'sha1'),
  );
  const salts: SaltPrefix[] = saltCandidates({ cookieName: 'sessionid' }).map((s) => ({ salt: s.salt, keyPrefix: s.signer === 'cookie' ? 'django.http.cookies' : '' }));

  it(`every verified signed Django vector with its key among others, every default salt`, () => {
    expect(vectors.length).toBeGreaterThan(5);
    // Signed values (session_data values are base64 around one: left out).
    const targets = vectors.flatMap((v) => {
      try {
        const p = parseSigned(v.value);
        return [{ message: Buffer.from(p.signedPart), signature: b64Decode(p.signature), algorithm: v.expect.algorithm as 'sha256' | 'sha1' }];
      } catch {
        return [];
      }
    });
    expect(targets.length).toBeGreaterThan(5);
    const keys = [...new Set(vectors.flatMap((v) => v.keys))].flatMap((k) => [Buffer.from('a'), Buffer.from(k), randomBytes(50)]);
    const { simd, native } = signerAnswers(targets, salts, keys);
    expect(native).toEqual(simd);
    expect(new Set(native.map((m) => m.split('/')[1])).size).toBeGreaterThan(5);
    const skip = new Set([0, 2]);
    const skipped = signerAnswers(targets, salts, keys, skip);
    expect(skipped.native).toEqual(skipped.simd);
    expect(skipped.native.some((m) => ['0', '2'].includes(m.split('/')[1]!))).toBe(false);
  });

  it('fuzzed: messages across block boundaries, keys of any length (longer than a block too), salts, sha256 and sha1, short signatures', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.uint8Array({ maxLength: 200 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.record({ salt: fc.string({ maxLength: 80 }), keyPrefix: fc.constantFrom('', 'django.http.cookies') }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('sha256' as const, 'sha1' as const),
        fc.nat(),
        fc.boolean(),
        (messages, keys, salts, algorithm, pick, short) => {
          const secret = keys[pick % keys.length]!;
          const salt = salts[pick % salts.length]!;
          const key = createHash(algorithm).update(`${salt.salt}signer${salt.keyPrefix}`).update(secret).digest();
          const targets = messages.map((m, i) => {
            const sig = createHmac(algorithm, key).update(m).digest();
            return { message: m, signature: i === 0 && short ? sig.subarray(0, 10) : sig, algorithm };
          });
          const { simd, native } = signerAnswers(targets, salts, keys);
          expect(native).toEqual(simd);
          if (!short) expect(native.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe.runIf(engine !== undefined)('native raw-key HMAC-SHA256 equals the SIMD engine', () => {
  const fx = (n: string) => JSON.parse(readFileSync(join(FIX, 'frameworks', n), 'utf8')) as Record<string, Record<string, string>[]>;
  const vectors = [fx('python.json').tornado![0]!, fx('php.json').yii2![0]!, fx('go.json').gorilla![0]!, ...fx('php.json').laravel!];
  const specs = vectors.map((v) => frameworkAuditSpec(normalizeValue(v.value!), { cookieName: v.cookieName! })!);

  it('the framework vectors (Tornado, Yii2, gorilla, every Laravel one), keys short, 64-byte, longer, base64:', () => {
    const others = ['a', 'x'.repeat(64), 'y'.repeat(65), 'base64:b3RoZXIgc2l4dGVlbiBieXRlcw==', `base64:${'A'.repeat(44)}`, 'base64:!!', 'z'.repeat(300)];
    const keys = [...others, ...new Set(vectors.map((v) => v.key!)), ...others].map((k) => Buffer.from(k));
    const b = keyBatch(keys);
    const answers = (r: RawHmacFrameworks, skip: (j: number) => boolean) =>
      r
        .checkBatch(b, skip)
        .map((m) => `${m.index}/${m.framework}/${m.match.format}`)
        .sort();
    const simd = RawHmacFrameworks.from(specs, null)!;
    const native = RawHmacFrameworks.from(specs, engine)!;
    expect(specs.map((_, j) => native.covers(j))).toEqual(specs.map((_, j) => simd.covers(j)));
    expect(answers(native, () => false)).toEqual(answers(simd, () => false));
    expect(answers(native, () => false).length).toBeGreaterThanOrEqual(4);
    expect(answers(native, (j) => j === 1)).toEqual(answers(simd, (j) => j === 1));
  });

  it('fuzzed keys (up to 64 bytes) and messages, short MACs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 20 }), fc.nat(), fc.boolean(), (message, keys, pick, short) => {
        const mac = createHmac('sha256', keys[pick % keys.length]!).update(message).digest();
        const targets = [{ message, mac: short ? mac.subarray(0, 7) : mac }, { message: Buffer.concat([message, Buffer.from('x')]), mac }];
        const b = keyBatch(keys);
        const simd = new SimdRawHmacCracker(targets).checkKeys(b.src, b.starts, b.lengths, b.count);
        const native = new NativeRawHmacCracker(engine!, targets).checkKeys(b.src, b.starts, b.lengths, b.count);
        expect(sorted(native)).toEqual(sorted(simd));
        if (!short) expect(native.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
  });
});
