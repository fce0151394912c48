import fc from 'fast-check';
import { appKeyBytes, decodeAppKey, isBase64Key } from '../../../lib/cli/audit/app-key.ts';

/** What the fast decoder gives for an APP_KEY candidate, falling back as framework-simd.ts does. */
function decoded(candidate: string): Buffer {
  const src = Buffer.from(`xx${candidate}`, 'latin1');
  const out = Buffer.alloc(80, 0xee);
  const n = decodeAppKey(src, 2, src.length - 2, out, 3, 64);
  return n >= 0 ? out.subarray(3, 3 + n) : appKeyBytes(src, 2, src.length - 2);
}

describe('decodeAppKey (Laravel base64: APP_KEY) gives node’s bytes', () => {
  it.each([
    ['base64:AAEC', '000102'],
    ['base64:AAE=', '0001'],
    ['base64:AA==', '00'],
    ['base64:AA', '00'],
    ['base64:AAE', '0001'],
    ['base64:', ''],
    ['base64:A', ''],
    ['base64:-_8=', 'fbff'],
    ['base64:AA EC', '000102'],
    ['base64:QR==', '41'],
  ])('%s', (candidate, hex) => {
    expect(decoded(candidate).toString('hex')).toBe(hex);
    expect(decoded(candidate)).toEqual(Buffer.from(candidate.slice(7), 'base64'));
  });

  it('random payloads: the alphabet, both URL-safe characters, padding anywhere, junk', () => {
    const chars = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ .\n!'.split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 100 }), (cs) => {
        const payload = cs.join('');
        expect(decoded(`base64:${payload}`)).toEqual(Buffer.from(payload, 'base64'));
      }),
      { numRuns: 3000 },
    );
  });

  it('real keys: 32 random bytes, padded', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 64 }), (bytes) => {
        const b64 = Buffer.from(bytes).toString('base64');
        const out = Buffer.alloc(64);
        const src = Buffer.from(`base64:${b64}`);
        expect(decodeAppKey(src, 0, src.length, out, 0, 64)).toBe(bytes.length);
        expect(out.subarray(0, bytes.length)).toEqual(Buffer.from(bytes));
      }),
    );
  });

  it('leaves a key longer than the room to node', () => {
    const src = Buffer.from(`base64:${Buffer.alloc(65, 1).toString('base64')}`);
    expect(decodeAppKey(src, 0, src.length, Buffer.alloc(64), 0, 64)).toBe(-1);
  });

  it('isBase64Key', () => {
    expect(isBase64Key(Buffer.from('base64:x'), 0, 8)).toBe(true);
    expect(isBase64Key(Buffer.from('base64'), 0, 6)).toBe(false);
    expect(isBase64Key(Buffer.from('xbase64:'), 1, 7)).toBe(true);
    expect(isBase64Key(Buffer.from('Base64:x'), 0, 8)).toBe(false);
  });
});
