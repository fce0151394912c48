/**
 * HMAC (RFC 2104) for trying many keys on one message: the batch decoder's signature search.
 * `createHmac` costs ~3 µs a call whatever the message (a stream object, the key set up, the
 * calls into C++), and a value whose key and salt are unknown is tried against several pairs. Here
 * a pair's padded key blocks `K ⊕ ipad` and `K ⊕ opad` are made once ({@link hmacPads}), the
 * message is copied once per value behind room for a key block ({@link HmacMessage.load}), and a try is
 * two one-shot hashes (`crypto.hash`, Node 20.12+; `createHash` before):
 * `H(K ⊕ opad ‖ H(K ⊕ ipad ‖ message))`, compared with the signature's text in constant time.
 *
 * Checked against `createHmac` in tests/unit/cli/batch-decode.test.ts.
 */
import * as crypto from 'node:crypto';

/** The hashes Django signs with, by their Python names (one-block keys: Django's derived key is a digest). */
export type HmacHash = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const BLOCK: Record<HmacHash, number> = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 };
const DIGEST: Record<HmacHash, number> = { sha1: 20, sha256: 32, sha384: 48, sha512: 64 };

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'binary' | 'base64url') => string;
/** `crypto.hash` where Node has it (20.12+), else the same with `createHash`. */
const oneShot: OneShot =
  typeof (crypto as { hash?: unknown }).hash === 'function'
    ? (crypto as unknown as { hash: OneShot }).hash
    : (algorithm, data, encoding) => crypto.createHash(algorithm).update(data).digest(encoding);

/** A key's padded blocks: `inner` is K ⊕ ipad; `outer` is K ⊕ opad and room for the inner digest behind it. */
export interface HmacPads {
  hash: HmacHash;
  inner: Buffer;
  outer: Buffer;
}

/**
 * The padded key blocks of `key` (at most one block long) for `hash`.
 * @example hmacPads('sha256', derivedKey)
 */
export function hmacPads(hash: HmacHash, key: Uint8Array): HmacPads {
  const block = BLOCK[hash];
  if (key.length > block) throw new RangeError('an HMAC key longer than a block is hashed first: not supported here');
  const inner = Buffer.alloc(block, 0x36);
  const outer = Buffer.alloc(block + DIGEST[hash], 0x5c);
  for (let i = 0; i < key.length; i++) {
    inner[i]! ^= key[i]!;
    outer[i]! ^= key[i]!;
  }
  return { hash, inner, outer };
}

/** One message, ready to be tried with many keys. */
export class HmacMessage {
  private scratch = Buffer.allocUnsafe(4096);
  private message = this.scratch.subarray(0, 0);

  /**
   * Copies `text[start..end)` (ASCII: the caller has checked) behind room for `hash`'s key block.
   * @example message.load('eyJhIjoxfQ:1r31eq:…', 0, 17, 'sha256')
   */
  load(text: string, start: number, end: number, hash: HmacHash): void {
    const n = end - start;
    const block = BLOCK[hash];
    if (this.scratch.length < block + n) this.scratch = Buffer.allocUnsafe(2 * (block + n));
    this.scratch.write(text.slice(start, end), block, n, 'latin1');
    this.message = this.scratch.subarray(0, block + n);
  }

  /**
   * Whether HMAC(key, message) as URL-safe base64 without padding (Django's `base64_hmac`) is
   * `signature`, compared in constant time.
   * @example message.verifies(hmacPads('sha256', key), 'ru7ML1998KD7fceJefznhiDeh3Jmy3mkwJNOADG3ko4')
   */
  verifies(pads: HmacPads, signature: string): boolean {
    this.message.set(pads.inner, 0);
    const inner = oneShot(pads.hash, this.message, 'binary');
    const outer = pads.outer as Buffer & { latin1Write(s: string, offset: number, length: number): number };
    outer.latin1Write(inner, pads.inner.length, inner.length);
    const mac = oneShot(pads.hash, outer, 'base64url');
    if (mac.length !== signature.length) return false;
    let diff = 0;
    for (let i = 0; i < mac.length; i++) diff |= mac.charCodeAt(i) ^ signature.charCodeAt(i);
    return diff === 0;
  }
}
