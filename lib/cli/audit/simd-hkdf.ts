/**
 * NextAuth / Auth.js session tokens (`dir` JWE, lib/codec/frameworks/nextauth.ts) for a whole batch
 * of candidates. Per candidate and key salt, hkdf-t1.ts derives (on the native engine when it
 * loaded, else on the WebAssembly SIMD engine, eight per pass):
 *
 *   PRK = HMAC-SHA256(salt, candidate)        HKDF-Extract (RFC 5869 §2.2): the salt's pads once,
 *                                              the candidate is the message
 *   T1  = HMAC-SHA256(PRK, info ‖ 0x01)       HKDF-Expand's first block (§2.3)
 *
 * then the cheap check: A256GCM (NextAuth v4, 32-byte key = T1): the first keystream byte,
 * AES-256(T1, IV ‖ 00000002) (aes-block.ts, no node:crypto object per candidate), must turn the
 * first cipher text byte into `{`, and the 1 in 256 that pass are confirmed by node:crypto's
 * AES-GCM tag; A256CBC-HS512 (Auth.js v5, 64-byte key): its MAC key is the key's first 32 bytes,
 * T1 again, and HMAC-SHA512 over aad ‖ iv ‖ ciphertext ‖ AL (RFC 7518 §5.2.2.1) must give the tag.
 * The match is the one framework-check.ts would give: the first key salt that opens the cookie.
 */
import type { FrameworkAuditSpec } from '../../codec/index.ts';
import { Aes256 } from './aes-block.ts';
import { cbcHs512Mac, frameworkChecker, gcmOpen, type FrameworkMatch } from './framework-check.ts';
import type { KeyBatch, RawHmacMatch } from './framework-simd.ts';
import { NativeT1, WasmT1, type T1Engine } from './hkdf-t1.ts';
import { defaultNative, type NativeChoice } from './simd-pbkdf2.ts';

type Gcm = Extract<FrameworkAuditSpec['check'], { kind: 'gcm' }>;
type CbcHs512 = Extract<FrameworkAuditSpec['check'], { kind: 'cbc-hs512' }>;

/** One cookie: its key salts (their slots in the T1 engine) and its cheap check of T1 (word k at `words[at + k * step]`). */
interface Cookie {
  index: number;
  spec: FrameworkAuditSpec;
  params: { slot: number; note: string }[];
  /** True when T1 opens the cookie (the GCM tag or the CBC-HS512 MAC verified). */
  opens: (words: Int32Array, at: number, step: number) => boolean;
}

/** A spec taken here: HKDF-SHA256, then AES-256-GCM with a 96-bit IV and a known first byte, or A256CBC-HS512. */
function takes(spec: FrameworkAuditSpec): boolean {
  if (spec.alternatives?.length || spec.derive.kind !== 'hkdf') return false;
  const c = spec.check;
  if (c.kind === 'gcm') return spec.derive.length === 32 && c.iv.length === 12 && c.plaintextStart !== undefined;
  return c.kind === 'cbc-hs512' && spec.derive.length === 64;
}

/** The 32 bytes of T1 from its words. */
function keyBytes(words: Int32Array, at: number, step: number, into: Buffer): Buffer {
  for (let k = 0; k < 8; k++) into.writeInt32BE(words[at + k * step]!, k * 4);
  return into;
}

/** A256GCM: AES-256 of the first counter block, then node:crypto's tag check for the 1 in 256 that pass. */
function gcmOpens(c: Gcm): Cookie['opens'] {
  const aes = new Aes256();
  const iv = Buffer.from(c.iv);
  const [c0, c1, c2] = [iv.readInt32BE(0), iv.readInt32BE(4), iv.readInt32BE(8)];
  const want = c.ciphertext[0]! ^ c.plaintextStart!;
  const key = Buffer.alloc(32);
  return (words, at, step) => {
    if (aes.encrypt(words, at, step, c0, c1, c2, 2) >>> 24 !== want) return false;
    return gcmOpen(keyBytes(words, at, step, key), c.iv, c.ciphertext, c.tag, c.aad) !== undefined;
  };
}

/** A256CBC-HS512: framework-check.ts's MAC check under T1 (the MAC key is the derived key's first 32 bytes). */
function cbcOpens(c: CbcHs512): Cookie['opens'] {
  const mac = cbcHs512Mac(c);
  const key = Buffer.alloc(32);
  return (words, at, step) => mac(keyBytes(words, at, step, key));
}

/**
 * The NextAuth / Auth.js cookies among `specs`, checked a batch at a time.
 *
 * @example
 * const hkdf = HkdfFrameworks.from(specs);
 * hkdf?.covers(0); hkdf?.checkBatch(batch, (j) => false) // [{ index, framework, match }]
 */
export class HkdfFrameworks {
  private readonly cookies: Cookie[] = [];
  private readonly engine: T1Engine;
  /** Per slot: T1 of every candidate of the batch, eight words each. */
  private words: Int32Array[] = [];
  /** Candidates the engine does not take (longer than a SIMD lane) go through framework-check.ts. */
  private readonly slow = new Map<number, (candidate: Buffer) => FrameworkMatch | undefined>();

  private constructor(specs: readonly FrameworkAuditSpec[], native: NativeChoice) {
    const params: { salt: string; info: string }[] = [];
    specs.forEach((spec, index) => {
      if (!takes(spec) || spec.derive.kind !== 'hkdf') return;
      const slots = spec.derive.params.map((p) => ({ slot: params.push(p) - 1, note: `HKDF salt "${p.salt}"` }));
      const c = spec.check;
      this.cookies.push({ index, spec, params: slots, opens: c.kind === 'gcm' ? gcmOpens(c) : cbcOpens(c as CbcHs512) });
    });
    this.engine = native ? new NativeT1(native, params) : new WasmT1(params);
  }

  /** The checker of the specs it can take, or `undefined` when it takes none; `native`: see {@link NativeChoice}. */
  static from(specs: readonly FrameworkAuditSpec[], native: NativeChoice = defaultNative()): HkdfFrameworks | undefined {
    return specs.some(takes) ? new HkdfFrameworks(specs, native) : undefined;
  }

  /** Whether the spec at `i` is checked here (and not by framework-check.ts). */
  covers(i: number): boolean {
    return this.cookies.some((c) => c.index === i);
  }

  /** Every (candidate, cookie) pair where the candidate opens the cookie; `skip(j)` leaves cookie j out. */
  checkBatch(batch: KeyBatch, skip: (framework: number) => boolean): RawHmacMatch[] {
    const out: RawHmacMatch[] = [];
    const live = this.cookies.filter((c) => !skip(c.index));
    if (!live.length) return out;
    const { src, starts, lengths, count } = batch;
    if (!this.words.length || this.words[0]!.length < count * 8) this.words = this.cookies.flatMap((c) => c.params.map(() => new Int32Array(count * 8)));
    this.engine.derive(batch, this.words);
    for (const cookie of live) {
      for (let i = 0; i < count; i++) {
        if (lengths[i]! > this.engine.maxLength) {
          this.checkSlow(cookie, Buffer.from(src.buffer, src.byteOffset + starts[i]!, lengths[i]!), i, out);
          continue;
        }
        for (const p of cookie.params) {
          if (!cookie.opens(this.words[p.slot]!, i * 8, 1)) continue;
          out.push({ index: i, framework: cookie.index, match: { format: cookie.spec.format, setting: cookie.spec.setting, note: p.note } });
          break;
        }
      }
    }
    return out;
  }

  private checkSlow(c: Cookie, candidate: Buffer, index: number, out: RawHmacMatch[]): void {
    let check = this.slow.get(c.index);
    if (!check) this.slow.set(c.index, (check = frameworkChecker(c.spec)));
    const match = check(candidate);
    if (match) out.push({ index, framework: c.index, match });
  }
}

/** What derives NextAuth / Auth.js keys, said in the benchmark's row: the native engine when it loaded. */
export function hkdfEngineName(native: NativeChoice = defaultNative()): string {
  return native ? `native, 16 per pass (${native.isa()})` : 'WebAssembly SIMD, 8 per pass';
}
