/**
 * NextAuth / Auth.js session tokens (`dir` JWE, lib/codec/frameworks/nextauth.ts) on the
 * WebAssembly SIMD engine, eight candidates per pass. Per candidate and key salt:
 *
 *   PRK = HMAC-SHA256(salt, candidate)        HKDF-Extract (RFC 5869 §2.2): the salt's pad states
 *                                              are computed once, the candidate is the message
 *   T1  = HMAC-SHA256(PRK, info ‖ 0x01)       HKDF-Expand's first block (§2.3): the info block's
 *                                              schedule is expanded once
 *
 * then the cheap check: A256GCM (NextAuth v4, 32-byte key = T1): the first keystream byte,
 * AES-256(T1, IV ‖ 00000002) (aes-block.ts, no node:crypto object per candidate), must turn the
 * first cipher text byte into `{`, and the 1 in 256 that pass are confirmed by node:crypto's
 * AES-GCM tag; A256CBC-HS512 (Auth.js v5, 64-byte key): its MAC key is the key's first 32 bytes,
 * T1 again, and HMAC-SHA512 over aad ‖ iv ‖ ciphertext ‖ AL (RFC 7518 §5.2.2.1) must give the tag.
 * The match is the one framework-check.ts would give: the first key salt that opens the cookie.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import type { FrameworkAuditSpec } from '../../codec/index.ts';
import { Aes256 } from './aes-block.ts';
import { cbcHs512Mac, frameworkChecker, type FrameworkMatch } from './framework-check.ts';
import type { KeyBatch, RawHmacMatch } from './framework-simd.ts';
import { MAX_CANDIDATE_BYTES } from './fast-hmac.ts';
import { RAW_KEY_BYTES, SimdHeap, type SimdValue } from './wasm-simd.ts';

type Gcm = Extract<FrameworkAuditSpec['check'], { kind: 'gcm' }>;
type CbcHs512 = Extract<FrameworkAuditSpec['check'], { kind: 'cbc-hs512' }>;

/** A key salt: its HMAC pad states (splatted across four lanes) and its info block, prepared in the heap. */
interface Param {
  ipad: number;
  opad: number;
  info: SimdValue;
  note: string;
}

/** One cookie: its key salts and its cheap check of T1 (the lane's words at `mem[at + k * 4]`). */
interface Cookie {
  index: number;
  spec: FrameworkAuditSpec;
  params: Param[];
  /** True when T1 opens the cookie (the GCM tag or the CBC-HS512 MAC verified). */
  opens: (mem: Int32Array, at: number) => boolean;
}

/** A spec taken here: HKDF-SHA256, then AES-256-GCM with a 96-bit IV and a known first byte, or A256CBC-HS512. */
function takes(spec: FrameworkAuditSpec): boolean {
  if (spec.alternatives?.length || spec.derive.kind !== 'hkdf') return false;
  const c = spec.check;
  if (c.kind === 'gcm') return spec.derive.length === 32 && c.iv.length === 12 && c.plaintextStart !== undefined;
  return c.kind === 'cbc-hs512' && spec.derive.length === 64;
}

/** The 32 bytes of T1 from a lane's words. */
function keyBytes(mem: Int32Array, at: number, into: Buffer): Buffer {
  for (let k = 0; k < 8; k++) into.writeInt32BE(mem[at + k * 4]!, k * 4);
  return into;
}

/** A256GCM: AES-256 of the first counter block, then node:crypto's tag check for the 1 in 256 that pass. */
function gcmOpens(c: Gcm): Cookie['opens'] {
  const aes = new Aes256();
  const iv = Buffer.from(c.iv);
  const [c0, c1, c2] = [iv.readInt32BE(0), iv.readInt32BE(4), iv.readInt32BE(8)];
  const want = c.ciphertext[0]! ^ c.plaintextStart!;
  const key = Buffer.alloc(32);
  return (mem, at) => {
    if (aes.encrypt(mem, at, 4, c0, c1, c2, 2) >>> 24 !== want) return false;
    try {
      const d = createDecipheriv('aes-256-gcm', keyBytes(mem, at, key), c.iv);
      if (c.aad) d.setAAD(c.aad);
      d.setAuthTag(c.tag);
      d.update(c.ciphertext);
      d.final();
      return true;
    } catch {
      return false;
    }
  };
}

/** A256CBC-HS512: framework-check.ts's MAC check under T1 (the MAC key is the derived key's first 32 bytes). */
function cbcOpens(c: CbcHs512): Cookie['opens'] {
  const mac = cbcHs512Mac(c);
  const key = Buffer.alloc(32);
  return (mem, at) => mac(keyBytes(mem, at, key));
}

/**
 * The NextAuth / Auth.js cookies among `specs`, checked eight candidates at a time.
 *
 * @example
 * const hkdf = HkdfFrameworks.from(specs);
 * hkdf?.covers(0); hkdf?.checkBatch(batch, (j) => false) // [{ index, framework, match }]
 */
export class HkdfFrameworks {
  private readonly heap: SimdHeap;
  private readonly mem: Int32Array;
  private readonly cookies: Cookie[] = [];
  private readonly stride = Math.ceil((MAX_CANDIDATE_BYTES + 9) / 64) * 64;
  private readonly lanes: number;
  private readonly prk: number;
  private readonly out: number;
  /** Candidates too long for a lane go through framework-check.ts. */
  private readonly slow = new Map<number, (candidate: Buffer) => FrameworkMatch | undefined>();

  private constructor(specs: readonly FrameworkAuditSpec[]) {
    const taken = specs.flatMap((spec, index) => (takes(spec) && spec.derive.kind === 'hkdf' ? [{ spec, index, params: spec.derive.params }] : []));
    const infos = taken.flatMap((t) => t.params.map((p) => Buffer.concat([Buffer.from(p.info), Uint8Array.of(1)])));
    this.heap = new SimdHeap(512 + 8 * this.stride + infos.length * 256, infos);
    this.mem = new Int32Array(this.heap.u8.buffer);
    this.prk = this.heap.take(256);
    this.out = this.heap.take(256);
    this.lanes = this.heap.take(8 * this.stride);
    for (const t of taken) {
      const params = t.params.map((p) => ({ ...this.padStates(Buffer.from(p.salt)), info: this.heap.value(Buffer.concat([Buffer.from(p.info), Uint8Array.of(1)]), new Uint8Array(0)), note: `HKDF salt "${p.salt}"` }));
      const c = t.spec.check;
      this.cookies.push({ index: t.index, spec: t.spec, params, opens: c.kind === 'gcm' ? gcmOpens(c) : cbcOpens(c as CbcHs512) });
    }
  }

  /** The SIMD checker of the specs it can take, or `undefined` when it takes none. */
  static from(specs: readonly FrameworkAuditSpec[]): HkdfFrameworks | undefined {
    return specs.some(takes) ? new HkdfFrameworks(specs) : undefined;
  }

  /** Whether the spec at `i` is checked here (and not by framework-check.ts). */
  covers(i: number): boolean {
    return this.cookies.some((c) => c.index === i);
  }

  /**
   * HMAC-SHA256's ipad and opad states for a salt as the key (RFC 2104 §2: a key longer than the
   * block is hashed first), one compression of the pad block from the IV each, by the module's
   * `derive8` over eight copies of the block: each state comes out splatted across the lanes.
   */
  private padStates(salt: Buffer): { ipad: number; opad: number } {
    const { u8, x } = this.heap;
    const key = Buffer.alloc(64);
    if (salt.length > RAW_KEY_BYTES) createHash('sha256').update(salt).digest().copy(key);
    else salt.copy(key);
    const states = { ipad: this.heap.take(128), opad: this.heap.take(128) };
    for (const [pad, at] of [
      [0x36, states.ipad],
      [0x5c, states.opad],
    ] as const) {
      for (let l = 0; l < 8; l++) for (let i = 0; i < 64; i++) u8[this.lanes + l * 64 + i] = key[i]! ^ pad;
      x.derive8(at, this.prk, this.lanes, 64, 1);
    }
    return states;
  }

  /** Every (candidate, cookie) pair where the candidate opens the cookie; `skip(j)` leaves cookie j out. */
  checkBatch(batch: KeyBatch, skip: (framework: number) => boolean): RawHmacMatch[] {
    const out: RawHmacMatch[] = [];
    const live = this.cookies.filter((c) => !skip(c.index));
    if (!live.length) return out;
    const { src, starts, lengths, count } = batch;
    const groups = new Map<number, number[]>();
    for (let i = 0; i < count; i++) {
      const n = lengths[i]!;
      if (n > MAX_CANDIDATE_BYTES) {
        this.checkSlow(live, Buffer.from(src.buffer, src.byteOffset + starts[i]!, n), i, out);
        continue;
      }
      const blocks = (n + 9 + 63) >>> 6;
      let g = groups.get(blocks);
      if (!g) groups.set(blocks, (g = []));
      g.push(i);
    }
    const { u8, x } = this.heap;
    const mem = this.mem;
    const prkB = this.prk + 128;
    for (const [blocks, idx] of groups) {
      for (let k = 0; k < idx.length; k += 8) {
        const used = Math.min(8, idx.length - k);
        for (let l = 0; l < 8; l++) {
          // Unused lanes repeat the group's first candidate; their answers are ignored.
          const i = idx[k + (l < used ? l : 0)]!;
          const n = lengths[i]!;
          const at = this.lanes + l * this.stride;
          const end = at + blocks * 64;
          const from = starts[i]!;
          if (n <= 64) for (let b = 0; b < n; b++) u8[at + b] = src[from + b]!;
          else u8.set(src.subarray(from, from + n), at);
          u8[at + n] = 0x80;
          u8.fill(0, at + n + 1, end - 4);
          // The message follows the 64-byte key block: (64 + n) bytes, in bits.
          const bits = (64 + n) * 8;
          u8[end - 4] = bits >>> 24;
          u8[end - 3] = (bits >>> 16) & 0xff;
          u8[end - 2] = (bits >>> 8) & 0xff;
          u8[end - 1] = bits & 0xff;
        }
        for (const cookie of live) {
          let found = 0;
          for (const p of cookie.params) {
            x.hmacMsg8(this.prk, prkB, p.ipad, p.opad, this.lanes, this.stride, blocks);
            x.pads8(this.prk, prkB);
            x.macOut8(p.info.schedule, p.info.blocks, this.out);
            for (let l = 0; l < used; l++) {
              if (found & (1 << l)) continue;
              // T1's word w of lane l: group l >> 2, lane l & 3 of v128 w.
              if (cookie.opens(mem, (this.out + (l >> 2) * 128 + (l & 3) * 4) >> 2)) {
                found |= 1 << l;
                out.push({ index: idx[k + l]!, framework: cookie.index, match: { format: cookie.spec.format, setting: cookie.spec.setting, note: p.note } });
              }
            }
            if (found === (1 << used) - 1) break;
          }
        }
      }
    }
    return out;
  }

  private checkSlow(live: readonly Cookie[], candidate: Buffer, index: number, out: RawHmacMatch[]): void {
    for (const c of live) {
      let check = this.slow.get(c.index);
      if (!check) this.slow.set(c.index, (check = frameworkChecker(c.spec)));
      const match = check(candidate);
      if (match) out.push({ index, framework: c.index, match });
    }
  }
}
