import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadKnownKeys, parseKnownKeys } from '../../../lib/cli/audit/candidates.ts';
import { prepareTarget, SignerCracker, type FastAlgorithm, type SaltPrefix } from '../../../lib/cli/audit/fast-hmac.ts';
import { NativeSignerCracker, oneShotHash } from '../../../lib/cli/audit/native-hmac.ts';
import { runAudit, type AuditTarget } from '../../../lib/cli/audit/run.ts';
import { WasmSignerCracker } from '../../../lib/cli/audit/wasm-sha256.ts';
import { SimdSignerCracker, simdSupported } from '../../../lib/cli/audit/wasm-simd.ts';

// Worker threads and property tests are slow on a shared 2-core machine.
vi.setConfig({ testTimeout: 60_000 });

/** Django's Signer.signature, independently, with node:crypto objects. */
function djangoSignature(secret: string, salt: SaltPrefix, message: Uint8Array | string, algorithm: string): Buffer {
  const key = createHash(algorithm).update(`${salt.salt}signer${salt.keyPrefix}${secret}`).digest();
  return createHmac(algorithm, key).update(message).digest();
}

const SALTS: SaltPrefix[] = [
  { salt: 'django.contrib.sessions.backends.signed_cookies', keyPrefix: '' },
  { salt: 'django.core.signing', keyPrefix: '' },
  { salt: 'django.contrib.messages', keyPrefix: 'django.http.cookies' },
];

describe('pure-JS signer HMAC (fast-hmac.ts) equals node:crypto', () => {
  it.each(['sha256', 'sha1'] as const)('%s: random messages, keys and salts, across block boundaries', (algorithm) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200, unit: 'binary' }), fc.constantFrom(...SALTS), (message, secret, salt) => {
        const want = djangoSignature(secret, salt, message, algorithm);
        expect(Buffer.from(SignerCracker.signatureOf(secret, salt, message, algorithm))).toEqual(want);
        const cracker = new SignerCracker([prepareTarget(message, want, algorithm)], SALTS);
        expect(cracker.check(secret)).toContainEqual({ target: 0, salt: SALTS.indexOf(salt) });
        expect(cracker.check(`${secret}x`).some((m) => m.salt === SALTS.indexOf(salt))).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('checks several targets of mixed algorithms at once, and honours skip', () => {
    const msgs = ['a:1', 'b'.repeat(120), ''].map((m) => new TextEncoder().encode(m));
    const algs: FastAlgorithm[] = ['sha256', 'sha1', 'sha256'];
    const targets = msgs.map((m, i) => prepareTarget(m, djangoSignature('k€y', SALTS[i]!, m, algs[i]!), algs[i]!));
    const cracker = new SignerCracker(targets, SALTS);
    expect(cracker.check('k€y')).toEqual([
      { target: 0, salt: 0 },
      { target: 1, salt: 1 },
      { target: 2, salt: 2 },
    ]);
    expect(cracker.check('k€y', new Set([1]))).toHaveLength(2);
    expect(cracker.check('nope')).toEqual([]);
  });

  it('skips a lone surrogate it cannot encode the way Python would', () => {
    const cracker = new SignerCracker([prepareTarget(new Uint8Array(3), new Uint8Array(32), 'sha256')], SALTS);
    expect(() => cracker.check('\ud800')).not.toThrow();
  });
});

describe.runIf(oneShotHash !== undefined)('native one-shot HMAC (native-hmac.ts) equals node:crypto', () => {
  it.each(['sha256', 'sha1', 'sha384', 'sha512'] as const)('%s', (algorithm) => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 100 }), fc.constantFrom(...SALTS), (message, secret, salt) => {
        const signature = djangoSignature(secret, salt, message, algorithm);
        const c = new NativeSignerCracker([{ message, signature, algorithm }], SALTS);
        expect(c.check(secret)).toContainEqual({ target: 0, salt: SALTS.indexOf(salt) });
        expect(c.check(`${secret}!`)).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });
});

describe('WebAssembly SHA-256 signer HMAC (wasm-sha256.ts) equals node:crypto', () => {
  it('random messages, keys and salts, across block boundaries', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.string({ maxLength: 200, unit: 'binary' }), fc.constantFrom(...SALTS), (message, secret, salt) => {
        const signature = djangoSignature(secret, salt, message, 'sha256');
        const c = new WasmSignerCracker([{ message, signature }, { message, signature: new Uint8Array(32) }], SALTS);
        expect(c.check(secret)).toEqual([{ target: 0, salt: SALTS.indexOf(salt) }]);
        expect(c.check(`${secret}x`)).toEqual([]);
        expect(c.check(secret, new Set([0]))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});

describe('WebAssembly SIMD signer HMAC (wasm-simd.ts) equals node:crypto', () => {
  it('compiles here', () => expect(simdSupported()).toBe(true));

  it.each(['sha256', 'sha1'] as const)('%s: finds exactly the signing candidates in batches of mixed lengths, lanes and salts', (hash) => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.array(fc.string({ minLength: 1, maxLength: 150 }), { minLength: 1, maxLength: 11 }),
        fc.nat(),
        fc.constantFrom(...SALTS),
        (message, candidates, pick, salt) => {
          const secret = candidates[pick % candidates.length]!;
          const signature = djangoSignature(secret, salt, message, hash);
          const c = new SimdSignerCracker([{ message, signature }, { message, signature: new Uint8Array(signature.length) }], SALTS, hash);
          const bufs = candidates.map((k) => Buffer.from(k, 'utf8'));
          const starts: number[] = [];
          let at = 0;
          for (const b of bufs) {
            starts.push(at);
            at += b.length;
          }
          const found = c.checkBatch(Buffer.concat(bufs), starts, bufs.map((b) => b.length), bufs.length);
          const want = candidates.flatMap((k, index) => (k === secret ? [{ index, target: 0, salt: SALTS.indexOf(salt) }] : []));
          expect(found.sort((a, b) => a.index - b.index)).toEqual(want);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('bundled key list', () => {
  it('parses comments, escapes and CRLF', () => {
    expect(parseKnownKeys('# a comment\r\nchangeme\r\n\n\\#starts-with-hash\n  spaced  \n')).toEqual(['changeme', '#starts-with-hash', '  spaced  ']);
  });

  it('holds the documented public keys, each group under a comment, no duplicates', async () => {
    const keys = await loadKnownKeys();
    for (const k of ['django_tests_secret_key', '!!!SET DJANGO_SECRET_KEY!!!', 'cg#p$g+j9tax!#a3cup@1$8obt2_+&k3q+pmu)5%asj6yjpkag', 'changeme']) {
      expect(keys).toContain(k);
    }
    expect(new Set(keys).size).toBe(keys.length);
    const text = readFileSync(new URL('../../../lib/cli/audit/known-keys.txt', import.meta.url), 'utf8');
    // Every block of keys is preceded by a comment naming its source.
    for (const block of text.split(/\n\s*\n/)) {
      const lines = block.split('\n').filter(Boolean);
      if (lines.some((l) => !l.startsWith('#'))) expect(lines[0]?.startsWith('#')).toBe(true);
    }
  });
});

describe('runAudit on worker threads', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sl-audit-unit-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const signed = (secret: string, message: string, salt = SALTS[0]!, algorithm: 'sha256' | 'sha1' = 'sha256'): AuditTarget => ({
    signedPart: message,
    signature: djangoSignature(secret, salt, message, algorithm),
    algorithm,
  });

  it.each(['addon', 'simd', 'wasm', 'native', 'js'] as const)('%s engine: every line is tried once, whatever the range boundaries', async (engine) => {
    process.env.SESSION_LENS_AUDIT_ENGINE = engine;
    try {
      const secret = 'the-real-key';
      const lines = ['alpha', '', 'beta\r', 'x'.repeat(70), 'gamma', secret, 'delta'];
      const file = join(dir, `words-${engine}.txt`);
      writeFileSync(file, `${lines.join('\n')}`); // no trailing newline
      const nonEmpty = lines.filter((l) => l.replace(/\r$/, '') !== '').length;
      for (const rangeBytes of [1, 3, 7, 64, 1 << 20]) {
        // A second value no line signs keeps the run going to the end (it stops once all are found).
        const targets = [signed(secret, 'payload:ts'), signed('not-in-the-list', 'other')];
        const r = await runAudit({ targets, salts: [{ salt: SALTS[0]!.salt, signer: 'default' }], wordlist: file, bundled: false, threads: 2, rangeBytes });
        expect({ rangeBytes, tried: r.tried }).toEqual({ rangeBytes, tried: nonEmpty });
        expect(r.matches).toEqual([{ target: 0, key: secret, source: 'wordlist', salt: SALTS[0]!.salt, signer: 'default' }]);
      }
    } finally {
      delete process.env.SESSION_LENS_AUDIT_ENGINE;
    }
  }, 60_000);

  it('finds bundled keys, cookie-signer salts and sha1, and nothing for a random key', async () => {
    const targets = [
      signed('changeme', 'a:1'),
      signed('django_tests_secret_key', 'b:2', SALTS[2]!),
      signed('dev', 'c', SALTS[1]!, 'sha1'),
      signed(randomBytes(32).toString('base64'), 'd:4'),
    ];
    const r = await runAudit({
      targets,
      salts: [
        { salt: SALTS[0]!.salt, signer: 'default' },
        { salt: SALTS[1]!.salt, signer: 'default' },
        { salt: SALTS[2]!.salt, signer: 'cookie' },
      ],
    });
    expect(r.matches.map((m) => [m.target, m.key, m.salt, m.signer, m.source])).toEqual([
      [0, 'changeme', SALTS[0]!.salt, 'default', 'bundled'],
      [1, 'django_tests_secret_key', SALTS[2]!.salt, 'cookie', 'bundled'],
      [2, 'dev', SALTS[1]!.salt, 'default', 'bundled'],
    ]);
    expect(r.tried).toBe((await loadKnownKeys()).length);
    expect(r.threads).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it('skips a runaway line without reading it whole', async () => {
    const file = join(dir, 'runaway.txt');
    writeFileSync(file, `first\n${'z'.repeat(200_000)}\nlast-key\n`);
    const r = await runAudit({ targets: [signed('last-key', 'm'), signed('absent', 'n')], salts: [{ salt: SALTS[0]!.salt, signer: 'default' }], wordlist: file, bundled: false, rangeBytes: 4096 });
    expect(r.matches[0]?.key).toBe('last-key');
    expect(r.tried).toBe(2);
  }, 30_000);
});

describe('runAudit stops early', () => {
  it('once every value is cracked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-audit-stop-'));
    try {
      const file = join(dir, 'w.txt');
      writeFileSync(file, `key0\n${Array.from({ length: 20_000 }, (_, i) => `filler-${i}`).join('\n')}\n`);
      const target: AuditTarget = { signedPart: 'x', signature: djangoSignature('key0', SALTS[0]!, 'x', 'sha256'), algorithm: 'sha256' };
      const r = await runAudit({ targets: [target], salts: [{ salt: SALTS[0]!.salt, signer: 'default' }], wordlist: file, bundled: false, threads: 1, rangeBytes: 64 });
      expect(r.matches[0]?.key).toBe('key0');
      expect(r.tried).toBeLessThan(100);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
