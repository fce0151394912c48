/**
 * The bounds-checked cursor the binary session readers (Ruby Marshal, PHP serialize, Erlang terms)
 * share: every read checks the bytes left, declared counts are checked against them before
 * anything is allocated, and values, nesting and shared-reference copies are counted against
 * {@link Limits}. Nothing here knows any format.
 */
import { LimitExceededError, MalformedInputError } from './errors.ts';
import type { Limits } from './limits.ts';
import type { SessionValue } from './value.ts';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** A cursor over untrusted bytes, with the budget of one payload; a format reader supplies `value0`. */
export abstract class ByteReader {
  pos = 0;
  private items = 0;
  private depth = 0;

  constructor(
    readonly bytes: Uint8Array,
    readonly limits: Limits,
    /** Names the format in error messages, e.g. `Ruby Marshal`. */
    readonly what: string,
  ) {}

  /** One value, counted against the item budget and the nesting depth. */
  value(): SessionValue {
    this.addItems();
    this.enter();
    try {
      return this.value0();
    } finally {
      this.leave();
    }
  }

  /** Reads one value of the format at the cursor. */
  protected abstract value0(): SessionValue;

  get left(): number {
    return this.bytes.length - this.pos;
  }

  fail(message: string): never {
    throw new MalformedInputError(`${this.what}: ${message} at byte ${this.pos}`);
  }

  byte(): number {
    if (this.pos >= this.bytes.length) this.fail('unexpected end of data');
    return this.bytes[this.pos++]!;
  }

  peek(): number | undefined {
    return this.bytes[this.pos];
  }

  take(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.left) this.fail(`a length of ${n} runs past the end (${this.left} bytes left)`);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Unsigned big-endian integer of `n` ≤ 4 bytes. */
  uintBE(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + this.byte();
    return v;
  }

  /** A declared element count: each element needs at least `minBytes` bytes, so a count beyond what is left is malformed. */
  count(n: number, minBytes = 1): number {
    if (!Number.isSafeInteger(n) || n < 0) this.fail(`bad count ${n}`);
    if (n * minBytes > this.left) this.fail(`a count of ${n} is more than the ${this.left} bytes left can hold`);
    return n;
  }

  /** Counts `n` more values against `maxItems` (shared-reference copies count per copy). */
  addItems(n = 1): void {
    this.items += n;
    if (this.items > this.limits.maxItems) throw new LimitExceededError(`${this.what}: more than ${this.limits.maxItems} values`);
  }

  enter(): void {
    if (++this.depth > this.limits.maxDepth) throw new LimitExceededError(`${this.what}: nested deeper than ${this.limits.maxDepth}`);
  }

  leave(): void {
    this.depth--;
  }

  /** UTF-8 text, or `undefined` when the bytes are not valid UTF-8. */
  static utf8(bytes: Uint8Array): string | undefined {
    try {
      return UTF8.decode(bytes);
    } catch {
      return undefined;
    }
  }
}

/** Lower-case hex of bytes. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/** An integer as a number when exact, else a bigint (how session values carry big integers). */
export function exactInteger(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Counts the values inside a decoded value (for charging shared-reference copies). */
export function sizeOf(v: SessionValue): number {
  if (Array.isArray(v)) return v.reduce<number>((n, x) => n + sizeOf(x), 1);
  if (v !== null && typeof v === 'object' && v.constructor === Object) {
    let n = 1;
    for (const x of Object.values(v)) n += sizeOf(x as SessionValue);
    return n;
  }
  return 1;
}
