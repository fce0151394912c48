/**
 * The audit's HMAC crackers on the native SHA engine (native-engine.ts), a whole batch of
 * candidates per call: Django's signer — key = H(salt ‖ "signer" ‖ key prefix ‖ SECRET_KEY)
 * (django/utils/crypto.py salted_hmac; Starlette's itsdangerous is the same with SHA-1), then the
 * HMAC of the value — and HMAC-SHA256 keyed with the candidate itself (Tornado, Yii2, gorilla,
 * Laravel's MAC). Same interface and same answers as their WebAssembly SIMD counterparts in
 * wasm-simd.ts, which the audit keeps when the engine does not load.
 */
import { MAX_CANDIDATE_BYTES, type SaltPrefix } from './fast-hmac.ts';
import type { KeyBatch } from './framework-simd.ts';
import { NATIVE_DIGEST_BYTES, type NativeEngine, type NativeHash } from './native-engine.ts';
import { RAW_KEY_BYTES, type BatchMatch } from './wasm-simd.ts';

/**
 * The MAC as the SIMD engine compares it: the first digest-length bytes, zero-filled when shorter
 * (wasm-simd.ts reads the MAC's words into zeroed memory), so a short MAC matches in neither engine.
 */
function fullTag(mac: Uint8Array, hash: NativeHash): Uint8Array {
  const tag = new Uint8Array(NATIVE_DIGEST_BYTES[hash]);
  tag.set(mac.subarray(0, tag.length));
  return tag;
}

/** `count` digests of `n` bytes, back to back in one buffer, as a batch of keys. */
class DigestBatch implements KeyBatch {
  src = new Uint8Array(0);
  starts = new Int32Array(0);
  lengths = new Int32Array(0);
  count = 0;

  constructor(private readonly n: number) {}

  /** Room for `count` digests; the buffer to write them to. */
  reserve(count: number): Uint8Array {
    if (this.starts.length < count) {
      const size = Math.max(count, this.starts.length * 2);
      this.src = new Uint8Array(size * this.n);
      this.starts = Int32Array.from({ length: size }, (_, i) => i * this.n);
      this.lengths = new Int32Array(size).fill(this.n);
    }
    this.count = count;
    return this.src.subarray(0, count * this.n);
  }
}

/**
 * Django signer HMAC (SHA-256 or SHA-1 targets, every salt) on the native engine: per salt one
 * {@link NativeEngine.hashPrefixed} call derives every candidate's key, then one
 * {@link NativeEngine.hmacFind} per value.
 *
 * @example
 * const c = new NativeBatchSignerCracker(nativeEngine()!, [{ message, signature, algorithm: 'sha256' }], salts);
 * c.checkBatch(bytes, starts, lengths, count) // [{ index, target, salt }]
 */
export class NativeBatchSignerCracker {
  private readonly prefixes: Uint8Array[];
  private readonly targets: { hash: NativeHash; message: Uint8Array; tag: Uint8Array }[];
  private readonly hashes: NativeHash[];
  private readonly derived: Record<NativeHash, DigestBatch> = { sha1: new DigestBatch(20), sha256: new DigestBatch(32) };

  constructor(
    private readonly engine: NativeEngine,
    targets: readonly { message: Uint8Array; signature: Uint8Array; algorithm: NativeHash }[],
    salts: readonly SaltPrefix[],
  ) {
    const encoder = new TextEncoder();
    this.prefixes = salts.map((p) => encoder.encode(`${p.salt}signer${p.keyPrefix}`));
    this.targets = targets.map((t) => ({ hash: t.algorithm, message: t.message, tag: fullTag(t.signature, t.algorithm) }));
    this.hashes = [...new Set(targets.map((t) => t.algorithm))];
  }

  /** Checks `count` candidates (candidate i is `src[starts[i], starts[i] + lengths[i])`); longer than {@link MAX_CANDIDATE_BYTES} are skipped. */
  checkBatch(src: Uint8Array, starts: ArrayLike<number>, lengths: ArrayLike<number>, count: number, skip?: ReadonlySet<number>): BatchMatch[] {
    const out: BatchMatch[] = [];
    const batch: KeyBatch = { src, starts, lengths, count };
    for (const hash of this.hashes) {
      const live = this.targets.flatMap((t, i) => (t.hash === hash && !skip?.has(i) ? [i] : []));
      if (!live.length) continue;
      const keys = this.derived[hash];
      this.prefixes.forEach((prefix, salt) => {
        this.engine.hashPrefixed(hash, prefix, batch, keys.reserve(count));
        for (const t of live) {
          const target = this.targets[t]!;
          for (const index of this.engine.hmacFind(hash, keys, target.message, target.tag)) {
            if (lengths[index]! <= MAX_CANDIDATE_BYTES) out.push({ index, target: t, salt });
          }
        }
      });
    }
    return out;
  }
}

/**
 * HMAC-SHA256 keyed with the candidate itself on the native engine: one
 * {@link NativeEngine.hmacFind} per value. Keys are at most {@link RAW_KEY_BYTES} bytes, longer
 * ones are skipped, as in wasm-simd.ts (the caller hashes them first, RFC 2104 §2).
 *
 * @example
 * const c = new NativeRawHmacCracker(nativeEngine()!, [{ message, mac }]);
 * c.checkKeys(keys, starts, lengths, count) // [{ index, target, salt: 0 }]
 */
export class NativeRawHmacCracker {
  private readonly targets: { message: Uint8Array; tag: Uint8Array }[];

  constructor(
    private readonly engine: NativeEngine,
    targets: readonly { message: Uint8Array; mac: Uint8Array }[],
  ) {
    this.targets = targets.map((t) => ({ message: t.message, tag: fullTag(t.mac, 'sha256') }));
  }

  /** Checks `count` keys (key i is `src[starts[i], starts[i] + lengths[i])`). */
  checkKeys(src: Uint8Array, starts: ArrayLike<number>, lengths: ArrayLike<number>, count: number, skip?: ReadonlySet<number>): BatchMatch[] {
    const out: BatchMatch[] = [];
    const batch: KeyBatch = { src, starts, lengths, count };
    this.targets.forEach((target, t) => {
      if (skip?.has(t)) return;
      for (const index of this.engine.hmacFind('sha256', batch, target.message, target.tag)) {
        if (lengths[index]! <= RAW_KEY_BYTES) out.push({ index, target: t, salt: 0 });
      }
    });
    return out;
  }
}
