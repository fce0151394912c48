import { deflate } from 'pako';
import { describe, expect, it } from 'vitest';
import { b64Encode, decode, dumpsSerialized, loads, webBackend, type CodecBackend } from '../../../lib/codec/index.ts';
import { nodeBackend } from '../../../lib/node/index.ts';

const backends: [string, CodecBackend][] = [
  ['webcrypto', webBackend],
  ['node', nodeBackend],
];

describe.each(backends)('hostile input (%s backend)', (_name, backend) => {
  it('stops a zip bomb at the decompression cap', async () => {
    const bomb = deflate(new Uint8Array(64 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(100_000);
    const value = await dumpsSerialized(new Uint8Array(0), { key: 'k' }).then(() => `.${b64Encode(bomb)}:1r31eq:${'A'.repeat(43)}`);
    await expect(decode(value, {}, backend)).rejects.toMatchObject({ code: 'ERR_DECOMPRESSION_LIMIT', message: 'Decompressed payload exceeds 8388608 bytes' });
    await expect(decode(value, { limits: { maxDecompressedSize: 1000 } }, backend)).rejects.toMatchObject({ code: 'ERR_DECOMPRESSION_LIMIT' });
    // Deflating 64 MiB takes a few seconds on a loaded 2-core machine: a correctness test, not a timed one.
  }, 60_000);

  it('rejects deep nesting inside a signed payload', async () => {
    const deep = new TextEncoder().encode('['.repeat(10_000) + ']'.repeat(10_000));
    const value = await dumpsSerialized(deep, { key: 'k', compress: true, backend });
    await expect(decode(value, {}, backend)).rejects.toMatchObject({ code: 'ERR_LIMIT_EXCEEDED', message: 'JSON nests deeper than 200' });
  });

  it.each(['sha1', 'sha256', 'sha384', 'sha512'] as const)('signs and verifies with %s, told apart by the signature length', async (algorithm) => {
    const value = await dumpsSerialized(new TextEncoder().encode('{"a":1}'), { key: 'k', algorithm, backend });
    const r = await decode(value, { keys: ['other', 'k'] }, backend);
    expect(r).toMatchObject({ verified: true, keyIndex: 1, algorithm, salt: 'django.core.signing' });
  });

  it('verifies strictly with loads and names the signature, never the key', async () => {
    const value = await dumpsSerialized(new TextEncoder().encode('{"a":1}'), { key: 'top-secret-key', timestamp: 1700000000, backend });
    await expect(loads(value, { keys: ['top-secret-key'], backend })).resolves.toEqual({ a: 1 });
    const err = await loads(value, { keys: ['other'], backend }).catch((e: Error) => e);
    expect(err).toMatchObject({ code: 'ERR_BAD_SIGNATURE', message: `Signature "${value.split(':')[2]}" does not match` });
    expect(String((err as Error).message)).not.toContain('top-secret-key');
    await expect(loads(value, { keys: ['top-secret-key'], maxAge: 60, now: 1700000061_000, backend })).rejects.toMatchObject({
      code: 'ERR_SIGNATURE_EXPIRED',
      message: 'Signature age 61 > 60 seconds',
    });
    await expect(loads('no-colon', { keys: ['k'], backend })).rejects.toMatchObject({ code: 'ERR_BAD_SIGNATURE' });
  });
});
