/**
 * Other frameworks' cookies whose MAC is HMAC-SHA256 keyed with the configured key itself —
 * Tornado's v2 secure cookie, Yii2's hashData, gorilla/securecookie, Laravel's `mac` (checked
 * before any decryption, as Laravel's Encrypter does) — through the WebAssembly SIMD engine
 * (wasm-simd.ts): eight candidates per pass, each candidate's pad states computed once for every
 * such cookie. The other families go through framework-check.ts one candidate at a time.
 */
import { createHash } from 'node:crypto';
import type { FrameworkAuditSpec } from '../../codec/index.ts';
import type { FrameworkMatch } from './framework-check.ts';
import { RAW_KEY_BYTES, SimdRawHmacCracker } from './wasm-simd.ts';

/** Candidates as slices of one byte buffer. */
export interface KeyBatch {
  src: Uint8Array;
  starts: ArrayLike<number>;
  lengths: ArrayLike<number>;
  count: number;
}

/** A match: the candidate's index in the batch, the cookie's index in the specs. */
export interface RawHmacMatch {
  index: number;
  framework: number;
  match: FrameworkMatch;
}

type RawDerive = 'raw' | 'laravel';

/** The derivation a spec's key goes through, when the SIMD engine can check it. */
function rawDerive(spec: FrameworkAuditSpec): RawDerive | undefined {
  if (spec.alternatives?.length) return undefined;
  if (spec.check.kind !== 'hmac' || spec.check.hash !== 'sha256') return undefined;
  return spec.derive.kind === 'raw' || spec.derive.kind === 'laravel' ? spec.derive.kind : undefined;
}

const BASE64_PREFIX = Buffer.from('base64:');

/**
 * The raw-key HMAC-SHA256 cookies among `specs`, checked eight candidates at a time.
 *
 * @example
 * const simd = RawHmacFrameworks.from(specs);
 * simd?.covers(0); simd?.checkBatch(batch, (j) => false) // [{ index, framework, match }]
 */
export class RawHmacFrameworks {
  private readonly groups: { derive: RawDerive; indices: number[]; cracker: SimdRawHmacCracker }[] = [];
  private readonly covered = new Set<number>();
  private readonly specs: readonly FrameworkAuditSpec[];
  private derived = Buffer.alloc(0);
  private dStarts = new Int32Array(0);
  private dLengths = new Int32Array(0);

  private constructor(specs: readonly FrameworkAuditSpec[]) {
    this.specs = specs;
    for (const derive of ['raw', 'laravel'] as const) {
      const indices = specs.flatMap((s, i) => (rawDerive(s) === derive ? [i] : []));
      if (!indices.length) continue;
      const targets = indices.map((i) => {
        const c = specs[i]!.check as Extract<FrameworkAuditSpec['check'], { kind: 'hmac' }>;
        return { message: c.message, mac: c.mac };
      });
      this.groups.push({ derive, indices, cracker: new SimdRawHmacCracker(targets) });
      for (const i of indices) this.covered.add(i);
    }
  }

  /** The SIMD checker of the specs it can take, or `undefined` when it takes none. */
  static from(specs: readonly FrameworkAuditSpec[]): RawHmacFrameworks | undefined {
    const r = new RawHmacFrameworks(specs);
    return r.groups.length ? r : undefined;
  }

  /** Whether the spec at `i` is checked here (and not by framework-check.ts). */
  covers(i: number): boolean {
    return this.covered.has(i);
  }

  /** Every (candidate, cookie) pair where the candidate's HMAC matches; `skip(j)` leaves cookie j out. */
  checkBatch(batch: KeyBatch, skip: (framework: number) => boolean): RawHmacMatch[] {
    const out: RawHmacMatch[] = [];
    for (const g of this.groups) {
      const live = g.indices.map((i) => skip(i));
      if (live.every(Boolean)) continue;
      const keys = this.deriveKeys(batch, g.derive);
      const skipLocal = new Set(live.flatMap((s, l) => (s ? [l] : [])));
      for (const m of g.cracker.checkKeys(keys.src, keys.starts, keys.lengths, keys.count, skipLocal)) {
        const framework = g.indices[m.target]!;
        const spec = this.specs[framework]!;
        out.push({ index: m.index, framework, match: { format: spec.format, setting: spec.setting, note: '' } });
      }
    }
    return out;
  }

  /**
   * The HMAC keys of a batch: the candidate's bytes (Laravel: a `base64:` APP_KEY decoded), a key
   * longer than the SHA-256 block hashed first (RFC 2104 §2). Keys that need neither are the batch itself.
   */
  private deriveKeys(batch: KeyBatch, derive: RawDerive): KeyBatch {
    const { src, starts, lengths, count } = batch;
    let plain = true;
    for (let i = 0; i < count && plain; i++) {
      if (lengths[i]! > RAW_KEY_BYTES || (derive === 'laravel' && isBase64Key(src, starts[i]!, lengths[i]!))) plain = false;
    }
    if (plain) return batch;
    if (this.dStarts.length < count) {
      this.dStarts = new Int32Array(count);
      this.dLengths = new Int32Array(count);
    }
    if (this.derived.length < count * RAW_KEY_BYTES) this.derived = Buffer.alloc(count * RAW_KEY_BYTES);
    const whole = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < count; i++) {
      const at = i * RAW_KEY_BYTES;
      let key = whole.subarray(starts[i]!, starts[i]! + lengths[i]!);
      if (derive === 'laravel' && isBase64Key(src, starts[i]!, lengths[i]!)) key = Buffer.from(key.subarray(BASE64_PREFIX.length).toString('latin1'), 'base64');
      if (key.length > RAW_KEY_BYTES) key = createHash('sha256').update(key).digest();
      key.copy(this.derived, at);
      this.dStarts[i] = at;
      this.dLengths[i] = key.length;
    }
    return { src: this.derived, starts: this.dStarts, lengths: this.dLengths, count };
  }
}

function isBase64Key(src: Uint8Array, start: number, length: number): boolean {
  if (length < BASE64_PREFIX.length) return false;
  for (let k = 0; k < BASE64_PREFIX.length; k++) if (src[start + k] !== BASE64_PREFIX[k]) return false;
  return true;
}
