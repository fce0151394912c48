/**
 * Django signer HMAC through node:crypto's one-shot `crypto.hash()` (Node ≥ 20.12), which hashes
 * in OpenSSL (SHA-NI where the CPU has it) without creating a Hash object per call.
 *
 * HMAC is computed as two plain hashes (RFC 2104): `H((K ⊕ opad) ‖ H((K ⊕ ipad) ‖ message))`; the
 * ipad/opad buffers keep the message and the constant pad bytes in place, so each candidate only
 * rewrites the key's bytes. Same interface as {@link SignerCracker} in fast-hmac.ts.
 */
import * as crypto from 'node:crypto';
import { MAX_CANDIDATE_BYTES, type FastMatch, type SaltPrefix } from './fast-hmac.ts';

type OneShotHash = (algorithm: string, data: Uint8Array, outputEncoding: 'buffer') => Buffer;

/** `crypto.hash`, when this Node has it. */
export const oneShotHash: OneShotHash | undefined = (crypto as unknown as { hash?: OneShotHash }).hash;

/** Algorithms this path handles. */
export type NativeAlgorithm = 'sha256' | 'sha1' | 'sha384' | 'sha512';

const BLOCK: Record<NativeAlgorithm, number> = { sha1: 64, sha256: 64, sha384: 128, sha512: 128 };

interface NativeTarget {
  algorithm: NativeAlgorithm;
  /** (K ⊕ ipad) ‖ message. */
  inner: Buffer;
  /** (K ⊕ opad) ‖ inner digest. */
  outer: Buffer;
  signature: Buffer;
  digest: number;
}

/**
 * Tries candidate SECRET_KEYs against signed values with node:crypto one-shot hashes. One per
 * worker (reuses buffers). Throws if `crypto.hash` is missing: check {@link oneShotHash} first.
 *
 * @example
 * const c = new NativeSignerCracker([{ message, signature, algorithm: 'sha256' }], [{ salt: 'django.core.signing', keyPrefix: '' }]);
 * c.check('changeme') // [{ target: 0, salt: 0 }] when it signs
 */
export class NativeSignerCracker {
  private readonly hash: OneShotHash;
  private readonly keyBufs: Buffer[];
  private readonly prefixLengths: number[];
  private readonly targets: NativeTarget[];
  private readonly algorithms: NativeAlgorithm[];

  constructor(targets: readonly { message: Uint8Array; signature: Uint8Array; algorithm: NativeAlgorithm }[], salts: readonly SaltPrefix[]) {
    if (!oneShotHash) throw new Error('crypto.hash() needs Node 20.12 or later');
    this.hash = oneShotHash;
    const prefixes = salts.map((s) => Buffer.from(`${s.salt}signer${s.keyPrefix}`, 'utf8'));
    this.prefixLengths = prefixes.map((p) => p.length);
    this.keyBufs = prefixes.map((p) => {
      const b = Buffer.alloc(p.length + MAX_CANDIDATE_BYTES);
      p.copy(b, 0);
      return b;
    });
    this.targets = targets.map((t) => {
      const block = BLOCK[t.algorithm];
      const digest = crypto.createHash(t.algorithm).digest().length;
      const inner = Buffer.alloc(block + t.message.length, 0x36);
      Buffer.from(t.message.buffer, t.message.byteOffset, t.message.byteLength).copy(inner, block);
      const outer = Buffer.alloc(block + digest, 0x5c);
      return { algorithm: t.algorithm, inner, outer, signature: Buffer.from(t.signature), digest };
    });
    this.algorithms = [...new Set(targets.map((t) => t.algorithm))];
  }

  /** Checks one candidate given as a string. */
  check(candidate: string, skip?: ReadonlySet<number>): FastMatch[] {
    const b = Buffer.from(candidate, 'utf8');
    return this.checkBytes(b, 0, b.length, skip);
  }

  /** Checks the candidate whose UTF-8 bytes are `src[offset, offset + n)`. */
  checkBytes(src: Uint8Array, offset: number, n: number, skip?: ReadonlySet<number>): FastMatch[] {
    let out: FastMatch[] | undefined;
    if (n > MAX_CANDIDATE_BYTES) return [];
    const hash = this.hash;
    for (let s = 0; s < this.keyBufs.length; s++) {
      const keyBuf = this.keyBufs[s]!;
      const plen = this.prefixLengths[s]!;
      keyBuf.set(src.subarray(offset, offset + n), plen);
      const keyMsg = keyBuf.subarray(0, plen + n);
      for (let a = 0; a < this.algorithms.length; a++) {
        const algorithm = this.algorithms[a]!;
        // Django: key = H(salt + "signer" + secret) (django/utils/crypto.py salted_hmac).
        const key = hash(algorithm, keyMsg, 'buffer');
        for (let t = 0; t < this.targets.length; t++) {
          const target = this.targets[t]!;
          if (target.algorithm !== algorithm || (skip !== undefined && skip.has(t))) continue;
          const { inner, outer, digest } = target;
          for (let i = 0; i < key.length; i++) {
            inner[i] = key[i]! ^ 0x36;
            outer[i] = key[i]! ^ 0x5c;
          }
          hash(algorithm, inner, 'buffer').copy(outer, outer.length - digest);
          if (hash(algorithm, outer, 'buffer').equals(target.signature)) (out ??= []).push({ target: t, salt: s });
        }
      }
    }
    return out ?? [];
  }
}
