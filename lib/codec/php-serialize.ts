/**
 * A safe reader for PHP's `serialize()` format (Yii2 cookies, Laravel's `encrypt()` payloads): it
 * reads the text as data and never instantiates a class, calls `__wakeup`/`__unserialize` or
 * `unserialize()`.
 *
 * `serialize(['_identity', '[42,"key",2592000]'])` is
 *
 *     a:2:{i:0;s:9:"_identity";i:1;s:19:"[42,"key",2592000]";}
 *
 * Grammar from php-src ext/standard/var_unserializer.re: `N;`, `b:0;`, `i:-5;`, `d:1.5;` (also
 * `INF`, `-INF`, `NAN`), `s:LEN:"bytes";` (LEN in bytes), `S:LEN:"escaped";`,
 * `a:N:{key;value…}`, `O:LEN:"Class":N:{name;value…}`, `C:LEN:"Class":LEN:{data}`,
 * `E:LEN:"Enum:Case";`, `r:N;` / `R:N;` (a reference to the Nth value, counted from 1).
 *
 * How values come out — what PHP's `json_encode` would print, with objects kept typed:
 *
 * | PHP                                   | SessionValue                                             |
 * | ------------------------------------- | -------------------------------------------------------- |
 * | null, bool, int, float, string        | null, boolean, number \| bigint, number, string          |
 * | string that is not UTF-8              | `{ $py: 'php:bytes', value: hex }`                       |
 * | array with keys 0…n−1 in order        | array                                                    |
 * | other array                           | object (integer keys as their digits)                    |
 * | object                                | `{ $py: 'php:Class', state: { prop: v } }` (`\0*\0p` → `*p`, `\0Class\0p` → `Class::p`) |
 * | custom-serialized object, enum case   | `{ $py: 'php:Class', value: data }`                      |
 *
 * Safety: lengths and counts are checked against the bytes left, nesting against `maxDepth`,
 * values (references counted per copy) against `maxItems`; a reference to a value still being
 * read becomes `{ $py: 'recursion' }`.
 */
import { ByteReader, exactInteger, hex, sizeOf } from './byte-reader.ts';
import { setKey } from './json.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { keepKeyOrder, PyObject, pyFloat, type SessionObject, type SessionValue } from './value.ts';

const PENDING = Symbol('pending');
const INT_RE = /^[+-]?\d{1,20}$/;
const FLOAT_RE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|INF|-INF|NAN)$/;

/** True when `text` looks like the start of a serialized PHP value. */
export const PHP_SERIALIZED_RE = /^(?:N;|b:[01];|i:-?\d|d:|s:\d+:"|a:\d+:\{|O:\d+:"|C:\d+:"|E:\d+:")/;

class PhpReader extends ByteReader {
  private slots: (SessionValue | typeof PENDING)[] = [];

  private expect(c: number): void {
    const got = this.byte();
    if (got !== c) {
      this.pos--;
      this.fail(`expected "${String.fromCharCode(c)}", found "${String.fromCharCode(got)}"`);
    }
  }

  /** Text up to (not including) `end`, consumed with it. */
  private until(end: number, max = 64): string {
    let s = '';
    for (;;) {
      const b = this.byte();
      if (b === end) return s;
      if (s.length >= max) this.fail('a number is too long');
      s += String.fromCharCode(b);
    }
  }

  private int(end: number): number {
    const t = this.until(end);
    if (!/^\d{1,15}$/.test(t)) this.fail(`bad length "${t.slice(0, 20)}"`);
    return Number(t);
  }

  /** `LEN:"bytes"` */
  private quoted(): Uint8Array {
    const n = this.count(this.int(0x3a));
    this.expect(0x22);
    const b = this.take(n);
    this.expect(0x22);
    return b;
  }

  private text(bytes: Uint8Array): SessionValue {
    const s = ByteReader.utf8(bytes);
    return s ?? new PyObject('php:bytes', { value: hex(bytes) });
  }

  protected value0(): SessionValue {
    const t = this.byte();
    if (t === 0x4e /* N */) {
      this.expect(0x3b);
      return this.keep(null);
    }
    if (t === 0x72 /* r */ || t === 0x52 /* R */) {
      this.expect(0x3a);
      const i = this.int(0x3b);
      const v = this.slots[i - 1];
      if (v === undefined) this.fail(`reference ${i} to nothing`);
      if (v === PENDING) return new PyObject('recursion', { value: '...' });
      this.addItems(sizeOf(v));
      if (t === 0x72) this.slots.push(v);
      return v;
    }
    this.expect(0x3a);
    switch (t) {
      case 0x62 /* b */: {
        const v = this.until(0x3b);
        if (v !== '0' && v !== '1') this.fail(`bad boolean "${v}"`);
        return this.keep(v === '1');
      }
      case 0x69 /* i */: {
        const v = this.until(0x3b);
        if (!INT_RE.test(v)) this.fail(`bad integer "${v.slice(0, 24)}"`);
        return this.keep(exactInteger(BigInt(v)));
      }
      case 0x64 /* d */: {
        const v = this.until(0x3b, 400);
        if (!FLOAT_RE.test(v)) this.fail(`bad float "${v.slice(0, 24)}"`);
        const n = v === 'INF' ? Infinity : v === '-INF' ? -Infinity : v === 'NAN' ? NaN : Number(v);
        return this.keep(pyFloat(n));
      }
      case 0x73 /* s */: {
        const b = this.quoted();
        this.expect(0x3b);
        return this.keep(this.text(b));
      }
      case 0x53 /* S: escaped string, \xx for bytes */: {
        const n = this.count(this.int(0x3a));
        this.expect(0x22);
        const out: number[] = [];
        while (out.length < n) {
          const b = this.byte();
          if (b === 0x5c) out.push(parseInt(String.fromCharCode(this.byte(), this.byte()), 16) || 0);
          else out.push(b);
        }
        this.expect(0x22);
        this.expect(0x3b);
        return this.keep(this.text(Uint8Array.from(out)));
      }
      case 0x61 /* a */: {
        const slot = this.reserve();
        const n = this.count(this.int(0x3a), 4);
        this.expect(0x7b);
        const pairs: [string | number, SessionValue][] = [];
        for (let i = 0; i < n; i++) pairs.push([this.key(), this.value()]);
        this.expect(0x7d);
        return this.fill(slot, arrayValue(pairs));
      }
      case 0x4f /* O */: {
        const slot = this.reserve();
        const cls = ByteReader.utf8(this.quoted()) ?? '?';
        this.expect(0x3a);
        const n = this.count(this.int(0x3a), 4);
        this.expect(0x7b);
        const state: SessionObject = {};
        const names: string[] = [];
        for (let i = 0; i < n; i++) {
          const k = propertyName(String(this.key()));
          names.push(k);
          setKey(state, k, this.value());
        }
        this.expect(0x7d);
        return this.fill(slot, new PyObject(`php:${cls}`, { state: keepKeyOrder(state, names) }));
      }
      case 0x43 /* C */: {
        const slot = this.reserve();
        const cls = ByteReader.utf8(this.quoted()) ?? '?';
        this.expect(0x3a);
        const n = this.count(this.int(0x3a));
        this.expect(0x7b);
        const data = this.take(n);
        this.expect(0x7d);
        return this.fill(slot, new PyObject(`php:${cls}`, { value: ByteReader.utf8(data) ?? hex(data) }));
      }
      case 0x45 /* E */: {
        const name = ByteReader.utf8(this.quoted()) ?? '?';
        this.expect(0x3b);
        const [cls, kase] = name.split(':');
        return this.keep(new PyObject(`php:${cls}`, { value: kase ?? name }));
      }
      default:
        this.pos -= 2;
        return this.fail(`unknown type "${String.fromCharCode(t)}"`);
    }
  }

  /** An array key: `i:N;` or `s:LEN:"…";`. Keys are not values: they take no reference slot. */
  private key(): string | number {
    const t = this.byte();
    this.expect(0x3a);
    if (t === 0x69) {
      const v = this.until(0x3b);
      if (!INT_RE.test(v)) this.fail(`bad integer key "${v.slice(0, 24)}"`);
      return Number(v);
    }
    if (t === 0x73) {
      const b = this.quoted();
      this.expect(0x3b);
      return ByteReader.utf8(b) ?? hex(b);
    }
    this.pos -= 2;
    return this.fail('an array key must be an integer or a string');
  }

  private keep(v: SessionValue): SessionValue {
    this.slots.push(v);
    return v;
  }

  private reserve(): number {
    this.slots.push(PENDING);
    return this.slots.length - 1;
  }

  private fill(slot: number, v: SessionValue): SessionValue {
    this.slots[slot] = v;
    return v;
  }
}

/** `\0*\0name` (protected) → `*name`; `\0Class\0name` (private) → `Class::name`. */
function propertyName(k: string): string {
  if (!k.startsWith('\0')) return k;
  const end = k.indexOf('\0', 1);
  if (end < 0) return k;
  const owner = k.slice(1, end);
  return owner === '*' ? `*${k.slice(end + 1)}` : `${owner}::${k.slice(end + 1)}`;
}

function arrayValue(pairs: [string | number, SessionValue][]): SessionValue {
  if (pairs.every(([k], i) => k === i)) return pairs.map(([, v]) => v);
  const out: SessionObject = {};
  for (const [k, v] of pairs) setKey(out, String(k), v);
  return keepKeyOrder(out, pairs.map(([k]) => String(k)));
}

/**
 * Reads a PHP `serialize()` string as data. Throws {@link MalformedInputError} for anything else,
 * {@link LimitExceededError} past a limit.
 *
 * @example
 * phpUnserialize(new TextEncoder().encode('a:1:{s:1:"a";i:1;}')) // { a: 1 }
 */
export function phpUnserialize(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const r = new PhpReader(bytes, resolveLimits(limits), 'PHP serialize');
  const v = r.value();
  if (r.left !== 0) r.fail(`${r.left} bytes after the value`);
  return v;
}
