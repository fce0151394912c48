/**
 * The audit's native SHA engine: HMAC, PBKDF2 and prefixed hashes of many candidate keys per call,
 * sixteen lanes per pass (SHA-1 / SHA-256 in GCC vectors, AVX-512 where the CPU has it), in a Node
 * addon built at install from lib/cli/audit/native/ (scripts/build-native.mjs).
 *
 * {@link nativeEngine} returns `undefined` when the addon was not built (no compiler), fails to load,
 * fails its self-test against node:crypto, or `SESSION_LENS_NATIVE=0`: callers keep the WebAssembly
 * SIMD engine. The addon checks every slice itself; a bad argument throws, it never reads outside.
 */
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { KeyBatch } from './framework-simd.ts';

/** The hashes the engine runs. */
export type NativeHash = 'sha1' | 'sha256';

/** Digest bytes per hash. */
export const NATIVE_DIGEST_BYTES: Readonly<Record<NativeHash, number>> = { sha1: 20, sha256: 32 };

/**
 * Batch operations over candidate keys (slices of `keys.src`); `out` holds `keys.count` results back to back.
 *
 * @example
 * const engine = nativeEngine();
 * const out = Buffer.alloc(batch.count * 32);
 * engine?.pbkdf2('sha256', batch, Buffer.from('signed cookie'), 1000, 32, out); // candidate i's key: out[32i, 32i + 32)
 */
export interface NativeEngine {
  /** HMAC (RFC 2104) of `message` under every key; a key longer than the block is hashed first. */
  hmac(hash: NativeHash, keys: KeyBatch, message: Uint8Array, out: Uint8Array): void;
  /** Indices of the keys whose HMAC of `message` starts with `tag` (1 to digest-length bytes). */
  hmacFind(hash: NativeHash, keys: KeyBatch, message: Uint8Array, tag: Uint8Array): number[];
  /** PBKDF2-HMAC (RFC 8018 §5.2) of every key as the password: `dkLen` bytes each. */
  pbkdf2(hash: NativeHash, keys: KeyBatch, salt: Uint8Array, iterations: number, dkLen: number, out: Uint8Array): void;
  /** H(prefix ‖ key) of every key (Django's salted_hmac key: H(salt + "signer" + secret)). */
  hashPrefixed(hash: NativeHash, prefix: Uint8Array, keys: KeyBatch, out: Uint8Array): void;
  /**
   * Indices of the keys (16, 24 or 32 bytes; others never match) under which AES-GCM opens `ciphertext`
   * with `tag` over `aad`: OpenSSL's, inside Node, without a Decipher object or a thrown error per key.
   * Absent when the addon was built without Node's OpenSSL headers.
   */
  gcmFind?: (keys: KeyBatch, iv: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, tag: Uint8Array) => number[];
  /**
   * Indices of the keys under which an encrypted Plug cookie passes its tagless check: the content
   * key unwrapped by AES-GCM's keystream (12-byte IVs) turns the content's first cipher byte `first`
   * into `want` (framework-check.ts plugGcm). About 1 in 256 wrong keys pass; the tags are not checked.
   */
  plugFind?: (keys: KeyBatch, wrappedIv: Uint8Array, wrappedCiphertext: Uint8Array, contentIv: Uint8Array, first: number, want: number) => number[];
  /** The instruction set in use (`avx512f`, `avx2`, `base`); given one this CPU has, switches to it first (tests). */
  isa(use?: NativeIsa): NativeIsa;
}

/** The builds of the engine: 16 lanes in one AVX-512 register, two AVX2 registers, or four SSE2 / NEON ones. */
export type NativeIsa = 'avx512f' | 'avx2' | 'base';

type Slices = [src: Uint8Array, starts: Int32Array, lengths: Int32Array, count: number];

interface Addon {
  hmac(hash: number, ...args: [...Slices, message: Uint8Array, out: Uint8Array]): void;
  hmacFind(hash: number, ...args: [...Slices, message: Uint8Array, tag: Uint8Array]): number[];
  pbkdf2(hash: number, ...args: [...Slices, salt: Uint8Array, iterations: number, dkLen: number, out: Uint8Array]): void;
  hashPrefixed(hash: number, prefix: Uint8Array, ...args: [...Slices, out: Uint8Array]): void;
  isa(use?: string): NativeIsa;
  gcmFind?: (...args: [...Slices, iv: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array, tag: Uint8Array]) => number[];
  plugFind?: (...args: [...Slices, wrappedIv: Uint8Array, wrappedCiphertext: Uint8Array, contentIv: Uint8Array, first: number, want: number]) => number[];
}

const HASH_ID: Readonly<Record<NativeHash, number>> = { sha1: 0, sha256: 1 };

const ADDON = 'build/Release/session_lens_native.node';
/** Where the addon's folder is: beside this module (tsx, vitest), or from the CLI bundle (dist/cli/, dist/cli/chunks/) back to the package's lib/. */
const PLACES = ['./native/', '../../lib/cli/audit/native/', '../../../lib/cli/audit/native/'];

function hashId(hash: NativeHash): number {
  const id = HASH_ID[hash];
  if (id === undefined) throw new TypeError(`native engine: unsupported hash ${String(hash)}`);
  return id;
}

function slices(keys: KeyBatch): Slices {
  const i32 = (a: ArrayLike<number>) => (a instanceof Int32Array ? a : Int32Array.from(a));
  return [keys.src, i32(keys.starts), i32(keys.lengths), keys.count];
}

function wrap(addon: Addon): NativeEngine {
  return {
    hmac: (hash, keys, message, out) => addon.hmac(hashId(hash), ...slices(keys), message, out),
    hmacFind: (hash, keys, message, tag) => addon.hmacFind(hashId(hash), ...slices(keys), message, tag),
    pbkdf2: (hash, keys, salt, iterations, dkLen, out) => addon.pbkdf2(hashId(hash), ...slices(keys), salt, iterations, dkLen, out),
    hashPrefixed: (hash, prefix, keys, out) => addon.hashPrefixed(hashId(hash), prefix, ...slices(keys), out),
    isa: (use) => (use === undefined ? addon.isa() : addon.isa(use)),
    ...(addon.gcmFind ? { gcmFind: (keys, iv, ciphertext, aad, tag) => addon.gcmFind!(...slices(keys), iv, ciphertext, aad, tag) } : {}),
    ...(addon.plugFind ? { plugFind: (keys, wiv, wct, civ, first, want) => addon.plugFind!(...slices(keys), wiv, wct, civ, first, want) } : {}),
  };
}

/** One HMAC per hash against node:crypto, a key over the block among them: a miscompiled addon is not used. */
function selfTest(engine: NativeEngine): boolean {
  const keys = [Buffer.from('secret'), Buffer.alloc(100, 7)];
  const batch: KeyBatch = { src: Buffer.concat(keys), starts: [0, 6], lengths: [6, 100], count: 2 };
  const message = Buffer.from('session-lens self-test');
  return (['sha1', 'sha256'] as const).every((hash) => {
    const n = NATIVE_DIGEST_BYTES[hash];
    const out = Buffer.alloc(2 * n);
    engine.hmac(hash, batch, message, out);
    return keys.every((k, i) => createHmac(hash, k).update(message).digest().equals(out.subarray(i * n, (i + 1) * n)));
  });
}

/**
 * Why the engine is or is not in use: `loaded`, `disabled` (SESSION_LENS_NATIVE=0, or
 * SESSION_LENS_AUDIT_ENGINE asks for another engine: then no family uses it), `missing` (not built), `failed`.
 */
export type NativeStatus = 'loaded' | 'disabled' | 'missing' | 'failed';

let state: { engine?: NativeEngine; status: NativeStatus } | undefined;

function load(): { engine?: NativeEngine; status: NativeStatus } {
  const asked = process.env.SESSION_LENS_AUDIT_ENGINE;
  if (process.env.SESSION_LENS_NATIVE === '0' || (asked !== undefined && asked !== 'addon')) return { status: 'disabled' };
  const requireAddon = createRequire(import.meta.url);
  for (const place of PLACES) {
    const file = fileURLToPath(new URL(place + ADDON, import.meta.url));
    if (!existsSync(file)) continue;
    try {
      const engine = wrap(requireAddon(file) as Addon);
      return selfTest(engine) ? { engine, status: 'loaded' } : { status: 'failed' };
    } catch {
      return { status: 'failed' };
    }
  }
  return { status: 'missing' };
}

/**
 * The native engine, loaded once per thread, or `undefined` (see {@link nativeStatus} for why).
 *
 * @example nativeEngine()?.hmacFind('sha256', batch, message, mac) // [3] when candidate 3 signs it
 */
export function nativeEngine(): NativeEngine | undefined {
  return (state ??= load()).engine;
}

/** Whether {@link nativeEngine} loaded, and if not why. */
export function nativeStatus(): NativeStatus {
  return (state ??= load()).status;
}
