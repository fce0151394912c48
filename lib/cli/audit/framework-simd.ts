/**
 * Other frameworks' cookies whose MAC is HMAC-SHA256 keyed with the configured key itself —
 * Tornado's v2 secure cookie, Yii2's hashData, gorilla/securecookie, Laravel's `mac` (checked
 * before any decryption, as Laravel's Encrypter does), and iron-session's and signed Phoenix's
 * HMAC-SHA256 under a PBKDF2-derived key (simd-pbkdf2.ts; derived and checked on the native engine
 * when it loaded, native-engine.ts) — through the WebAssembly SIMD engine
 * (wasm-simd.ts): eight candidates per pass, each candidate's pad states computed once for every
 * such cookie; the raw-key ones' HMACs on the native engine too when it loaded (native-crackers.ts).
 * The other families go through framework-check.ts one candidate at a time.
 */
import { createHash } from 'node:crypto';
import type { FrameworkAuditSpec } from '../../codec/index.ts';
import { frameworkChecker, pbkdf2CacheId, type FrameworkMatch } from './framework-check.ts';
import { appKeyBytes, decodeAppKey, isBase64Key } from './app-key.ts';
import { NativeRawHmacCracker } from './native-crackers.ts';
import { NATIVE_DIGEST_BYTES, type NativeEngine, type NativeHash } from './native-engine.ts';
import { defaultNative, NativePbkdf2, pbkdf2Deriver, type NativeChoice, type Pbkdf2Deriver } from './simd-pbkdf2.ts';
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

type RawDerive = 'raw' | 'laravel' | 'pbkdf2';

/** A raw-key HMAC-SHA256 cracker: WebAssembly SIMD (wasm-simd.ts) or native (native-crackers.ts). */
type RawHmacCracker = Pick<SimdRawHmacCracker, 'checkKeys'>;

/** The derivation a spec's key goes through, when the SIMD engine can check it. */
function rawDerive(spec: FrameworkAuditSpec): RawDerive | undefined {
  if (spec.alternatives?.length) return undefined;
  if (spec.check.kind !== 'hmac' || spec.check.hash !== 'sha256') return undefined;
  if (spec.derive.kind === 'pbkdf2') return spec.derive.length <= RAW_KEY_BYTES ? 'pbkdf2' : undefined;
  return spec.derive.kind === 'raw' || spec.derive.kind === 'laravel' ? spec.derive.kind : undefined;
}

/**
 * A PBKDF2-keyed cookie: its derivations (one per digest, every salt), and its check: on the native
 * engine when it derived the keys (`find`: HMAC-SHA1/-SHA256 by `hmacFind`, AES-GCM by `gcmFind`),
 * else its MAC by its own SIMD cracker.
 */
interface Pbkdf2Group {
  index: number;
  derivations: { digest: string; simd: Pbkdf2Deriver; salts: string[] }[];
  cracker?: SimdRawHmacCracker;
  find?: (keys: KeyBatch) => number[];
}

const NO_AAD = new Uint8Array(0);

/** The native check of a PBKDF2-keyed cookie's derived keys, when the native engine can do all of it (what framework-check.ts would). */
function nativeFind(spec: FrameworkAuditSpec, native: NativeEngine): ((keys: KeyBatch) => number[]) | undefined {
  const { derive, check } = spec;
  if (spec.alternatives?.length || derive.kind !== 'pbkdf2') return undefined;
  if (check.kind === 'hmac' && (check.hash === 'sha1' || check.hash === 'sha256') && check.mac.length === NATIVE_DIGEST_BYTES[check.hash]) {
    return (keys) => native.hmacFind(check.hash as NativeHash, keys, check.message, check.mac);
  }
  const gcmFind = native.gcmFind;
  if (check.kind === 'gcm' && gcmFind && [16, 24, 32].includes(derive.length) && check.tag.length >= 4 && check.tag.length <= 16) {
    return (keys) => gcmFind(keys, check.iv, check.ciphertext, check.aad ?? NO_AAD, check.tag);
  }
  return undefined;
}

/** The Erlang external term format's version byte (erts external.h VERSION_MAGIC), as in framework-check.ts. */
const TERM_VERSION = 131;

/**
 * An encrypted Plug cookie on the native engine: its keys derived for the whole batch, the tagless
 * check (`plugFind`) for every candidate, then framework-check.ts for the ~1 in 256 that pass, with
 * the keys already derived (the signing salts are among the same PBKDF2's salts).
 */
interface PlugGroup {
  index: number;
  digest: string;
  deriver: NativePbkdf2;
  salts: string[];
  iterations: number;
  find: (keys: KeyBatch) => number[];
  checker: ReturnType<typeof frameworkChecker>;
}

/** The native tagless check of an encrypted Plug cookie, when the engine has one and the cookie fits it. */
function plugGroup(index: number, spec: FrameworkAuditSpec, native: NativeEngine): PlugGroup | undefined {
  const { derive, check } = spec;
  const plugFind = native.plugFind;
  if (!plugFind || spec.alternatives?.length || derive.kind !== 'pbkdf2' || check.kind !== 'plug-gcm' || derive.digests.length !== 1) return undefined;
  if (check.wrapped.iv.length !== 12 || check.content.iv.length !== 12 || !check.content.ciphertext.length || ![16, 24, 32].includes(check.wrapped.ciphertext.length)) return undefined;
  const digest = derive.digests[0]!;
  return {
    index,
    digest,
    deriver: new NativePbkdf2(native, digest, derive.salts, derive.iterations, derive.length),
    salts: derive.salts,
    iterations: derive.iterations,
    find: (keys) => plugFind(keys, check.wrapped.iv, check.wrapped.ciphertext, check.content.iv, check.content.ciphertext[0]!, TERM_VERSION),
    checker: frameworkChecker(spec),
  };
}

/** One way a cookie with alternatives (Rack / Rails signed) may open: which candidates it finds, and what it says. */
interface VariantStep {
  find: (batch: KeyBatch) => number[];
  match: FrameworkMatch;
}

/**
 * A cookie with alternatives, every one an HMAC-SHA1/-SHA256 under the raw candidate or a PBKDF2 of
 * it, as native steps in framework-check.ts's order (variant, digest, salt): a candidate's first
 * step that finds it is its match, as frameworkChecker's would be.
 */
function variantSteps(spec: FrameworkAuditSpec, native: NativeEngine): VariantStep[] | undefined {
  const steps: VariantStep[] = [];
  for (const v of [spec, ...(spec.alternatives ?? [])]) {
    const { check, derive } = v;
    if (check.kind !== 'hmac' || (check.hash !== 'sha1' && check.hash !== 'sha256') || check.mac.length !== NATIVE_DIGEST_BYTES[check.hash]) return undefined;
    const hash = check.hash;
    const match = (note: string): FrameworkMatch => ({ format: v.format, setting: v.setting, note });
    if (derive.kind === 'raw') steps.push({ find: (b) => native.hmacFind(hash, b, check.message, check.mac), match: match('') });
    else if (derive.kind !== 'pbkdf2') return undefined;
    else {
      for (const digest of derive.digests) {
        const deriver = new NativePbkdf2(native, digest, derive.salts, derive.iterations, derive.length);
        derive.salts.forEach((salt, s) => {
          const find = (b: KeyBatch) => native.hmacFind(hash, evenBatch(deriver.deriveFlat(b, s), b.count, derive.length), check.message, check.mac);
          steps.push({ find, match: match(`PBKDF2-${digest.toUpperCase()} salt "${salt}"`) });
        });
      }
    }
  }
  return steps;
}

/** `count` keys of `length` bytes back to back in `src`, as a batch. */
function evenBatch(src: Buffer, count: number, length: number): KeyBatch {
  const starts = new Int32Array(count);
  for (let i = 0; i < count; i++) starts[i] = i * length;
  return { src, starts, lengths: new Int32Array(count).fill(length), count };
}

/**
 * The raw-key HMAC-SHA256 cookies among `specs`, checked eight candidates at a time.
 *
 * @example
 * const simd = RawHmacFrameworks.from(specs);
 * simd?.covers(0); simd?.checkBatch(batch, (j) => false) // [{ index, framework, match }]
 */
export class RawHmacFrameworks {
  private readonly groups: { derive: 'raw' | 'laravel'; indices: number[]; cracker: RawHmacCracker }[] = [];
  private readonly pbkdf2: Pbkdf2Group[] = [];
  private readonly plug: PlugGroup[] = [];
  private readonly variants: { index: number; steps: VariantStep[] }[] = [];
  private readonly covered = new Set<number>();
  private readonly specs: readonly FrameworkAuditSpec[];
  private derived = Buffer.alloc(0);
  private dStarts = new Int32Array(0);
  private dLengths = new Int32Array(0);

  private constructor(specs: readonly FrameworkAuditSpec[], native: NativeChoice) {
    this.specs = specs;
    specs.forEach((spec, index) => {
      const plug = native ? plugGroup(index, spec, native) : undefined;
      if (plug) {
        this.plug.push(plug);
        this.covered.add(index);
        return;
      }
      const steps = native && spec.alternatives?.length ? variantSteps(spec, native) : undefined;
      if (steps) {
        this.variants.push({ index, steps });
        this.covered.add(index);
        return;
      }
      const find = native ? nativeFind(spec, native) : undefined;
      const d = spec.derive;
      if (d.kind !== 'pbkdf2' || (!find && (rawDerive(spec) !== 'pbkdf2' || spec.check.kind !== 'hmac'))) return;
      const derivations = d.digests.map((digest) => ({ digest, simd: pbkdf2Deriver(digest, d.salts, d.iterations, d.length, native), salts: d.salts }));
      const check = spec.check as Extract<FrameworkAuditSpec['check'], { kind: 'hmac' }>;
      this.pbkdf2.push(find ? { index, derivations, find } : { index, derivations, cracker: new SimdRawHmacCracker([{ message: check.message, mac: check.mac }]) });
      this.covered.add(index);
    });
    for (const derive of ['raw', 'laravel'] as const) {
      const indices = specs.flatMap((s, i) => (rawDerive(s) === derive ? [i] : []));
      if (!indices.length) continue;
      const targets = indices.map((i) => {
        const c = specs[i]!.check as Extract<FrameworkAuditSpec['check'], { kind: 'hmac' }>;
        return { message: c.message, mac: c.mac };
      });
      this.groups.push({ derive, indices, cracker: native ? new NativeRawHmacCracker(native, targets) : new SimdRawHmacCracker(targets) });
      for (const i of indices) this.covered.add(i);
    }
  }

  /**
   * The checker of the specs it can take, or `undefined` when it takes none; `native`: see
   * {@link NativeChoice} (the raw-key and Laravel cookies' HMACs run there too, same answers).
   */
  static from(specs: readonly FrameworkAuditSpec[], native: NativeChoice = defaultNative()): RawHmacFrameworks | undefined {
    const r = new RawHmacFrameworks(specs, native);
    return r.covered.size ? r : undefined;
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
    for (const g of this.pbkdf2) {
      if (skip(g.index)) continue;
      const spec = this.specs[g.index]!;
      for (const d of g.derivations) {
        this.pbkdf2Matches(g, d.simd, batch).forEach((indices, s) => {
          const note = `PBKDF2-${d.digest.toUpperCase()} salt "${d.salts[s]}"`;
          for (const index of indices) out.push({ index, framework: g.index, match: { format: spec.format, setting: spec.setting, note } });
        });
      }
    }
    for (const p of this.plug) if (!skip(p.index)) out.push(...plugMatches(p, batch));
    for (const v of this.variants) {
      if (skip(v.index)) continue;
      const seen = new Set<number>();
      for (const step of v.steps) {
        for (const index of step.find(batch)) {
          if (seen.has(index)) continue;
          seen.add(index);
          out.push({ index, framework: v.index, match: step.match });
        }
      }
    }
    return out;
  }

  /** Per salt, the candidates whose derived key opens the cookie. */
  private pbkdf2Matches(g: Pbkdf2Group, simd: Pbkdf2Deriver, batch: KeyBatch): number[][] {
    if (g.find && simd instanceof NativePbkdf2) {
      const find = g.find;
      return simd.salts.map((_, s) => find(evenBatch(simd.deriveFlat(batch, s), batch.count, simd.length)));
    }
    return simd.derive(batch).map((keys) => {
      const packed = this.pack(keys);
      return g.cracker!.checkKeys(packed.src, packed.starts, packed.lengths, packed.count).map((m) => m.index);
    });
  }

  /** Derived keys (at most 64 bytes each) as one batch. */
  private pack(keys: readonly Buffer[]): KeyBatch {
    this.reserve(keys.length);
    keys.forEach((k, i) => {
      k.copy(this.derived, i * RAW_KEY_BYTES, 0, Math.min(k.length, RAW_KEY_BYTES));
      this.dStarts[i] = i * RAW_KEY_BYTES;
      this.dLengths[i] = Math.min(k.length, RAW_KEY_BYTES);
    });
    return { src: this.derived, starts: this.dStarts, lengths: this.dLengths, count: keys.length };
  }

  private reserve(count: number): void {
    if (this.dStarts.length < count) {
      this.dStarts = new Int32Array(count);
      this.dLengths = new Int32Array(count);
    }
    if (this.derived.length < count * RAW_KEY_BYTES) this.derived = Buffer.alloc(count * RAW_KEY_BYTES);
  }

  /**
   * The HMAC keys of a batch: the candidate's bytes (Laravel: a `base64:` APP_KEY decoded), a key
   * longer than the SHA-256 block hashed first (RFC 2104 §2). Keys that need neither are the batch itself.
   */
  private deriveKeys(batch: KeyBatch, derive: 'raw' | 'laravel'): KeyBatch {
    const { src, starts, lengths, count } = batch;
    let plain = true;
    for (let i = 0; i < count && plain; i++) {
      if (lengths[i]! > RAW_KEY_BYTES || (derive === 'laravel' && isBase64Key(src, starts[i]!, lengths[i]!))) plain = false;
    }
    if (plain) return batch;
    this.reserve(count);
    const whole = Buffer.from(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < count; i++) {
      const at = i * RAW_KEY_BYTES;
      const start = starts[i]!;
      const n = lengths[i]!;
      let written = -1;
      let key: Buffer | undefined;
      if (derive === 'laravel' && isBase64Key(src, start, n)) {
        written = decodeAppKey(src, start, n, this.derived, at, RAW_KEY_BYTES);
        if (written < 0) key = appKeyBytes(src, start, n);
      } else key = whole.subarray(start, start + n);
      if (key) {
        if (key.length > RAW_KEY_BYTES) key = createHash('sha256').update(key).digest();
        written = key.copy(this.derived, at);
      }
      this.dStarts[i] = at;
      this.dLengths[i] = written;
    }
    return { src: this.derived, starts: this.dStarts, lengths: this.dLengths, count };
  }
}

/** An encrypted Plug cookie's matches in a batch: the tagless check natively, then framework-check.ts with the derived keys in the cache. */
function plugMatches(p: PlugGroup, batch: KeyBatch): RawHmacMatch[] {
  const length = p.deriver.length;
  const flats = p.salts.map((_, s) => p.deriver.deriveFlat(batch, s));
  const pass = new Set<number>();
  for (const flat of flats) for (const i of p.find(evenBatch(flat, batch.count, length))) pass.add(i);
  const out: RawHmacMatch[] = [];
  for (const i of [...pass].sort((a, b) => a - b)) {
    const cache = new Map(p.salts.map((salt, s) => [pbkdf2CacheId(p.digest, p.iterations, length, salt), flats[s]!.subarray(i * length, (i + 1) * length)]));
    const candidate = Buffer.from(batch.src.buffer, batch.src.byteOffset + batch.starts[i]!, batch.lengths[i]!);
    const match = p.checker(candidate, cache);
    if (match) out.push({ index: i, framework: p.index, match });
  }
  return out;
}
