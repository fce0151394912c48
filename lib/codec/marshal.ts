/**
 * A safe reader for Ruby's Marshal format 4.8 (Rack::Session::Cookie, Rails ≤ 5 cookies with the
 * `:marshal` serializer): it reads the bytes as data and never loads, instantiates or calls a class.
 *
 * `Marshal.dump({"user_id" => 42, "name" => "Grüß"})` is
 *
 *     04 08                         version 4.8
 *     7b 07                         {  hash of 2 pairs (a "long": 7 − 5 = 2)
 *     49 22 0c "user_id" 06 3a 06 45 54   I " string of 7 bytes, 1 ivar, :E => true (UTF-8)
 *     69 2f                         i  fixnum 42 (0x2f − 5)
 *     49 22 0b "name" …             …
 *
 * Type bytes and their layout follow Ruby's marshal.c (`r_object0`) and doc/marshal.rdoc. How values
 * come out (the same form tests/fixtures/frameworks/make_ruby.rb writes with Ruby's own objects):
 *
 * | Ruby                              | SessionValue                                                  |
 * | --------------------------------- | ------------------------------------------------------------- |
 * | nil, true, false, Integer, Float  | null, boolean, number \| bigint, number                       |
 * | String (UTF-8 / US-ASCII)         | string                                                        |
 * | String (binary, not ASCII)        | `{ $py: 'ruby:bytes', value: hex }`                           |
 * | Symbol                            | `{ $py: 'ruby:Symbol', value: 'name' }`                       |
 * | Array                             | array                                                         |
 * | Hash with String keys             | object (a subclass such as HashWithIndifferentAccess too)     |
 * | other Hash                        | `{ $py: 'ruby:Hash', entries: [[k, v], …] }`                  |
 * | Object, Struct                    | `{ $py: 'ruby:Class::Name', state: { '@ivar': v, … } }`       |
 * | Time                              | `{ $py: 'ruby:Time', value: ISO 8601 }`                       |
 * | other `_dump` / `marshal_dump`    | `{ $py: 'ruby:Class', value: hex }` / `{ …, state: v }`       |
 * | Class / Module, Regexp            | `{ $py: 'ruby:class', value: 'Name' }`, `{ $py: 'ruby:Regexp', value: source }` |
 * | an object containing itself       | `{ $py: 'recursion', value: '...' }`                          |
 *
 * Safety: declared lengths and counts are checked against the bytes left, nesting against
 * `maxDepth`, values (object links counted per copy) against `maxItems`, bignums at 2048 bytes.
 */
import { ByteReader, exactInteger, hex, sizeOf } from './byte-reader.ts';
import { setKey } from './json.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { keepKeyOrder, PyObject, pyFloat, type SessionObject, type SessionValue } from './value.ts';

const MAX_BIGNUM_BYTES = 2048;
const PENDING = Symbol('pending');

/** The first two bytes of every Marshal 4.8 dump. */
export const MARSHAL_MAGIC = [0x04, 0x08] as const;

/** True when `bytes` starts like a Marshal 4.8 dump. */
export function isMarshal(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === MARSHAL_MAGIC[0] && bytes[1] === MARSHAL_MAGIC[1];
}

class MarshalReader extends ByteReader {
  private symbols: string[] = [];
  private objects: (SessionValue | typeof PENDING)[] = [];

  /** Marshal's packed integer (`r_long`). */
  long(): number {
    const c = (this.byte() << 24) >> 24;
    if (c === 0) return 0;
    if (c > 4) return c - 5;
    if (c < -4) return c + 5;
    const n = Math.abs(c);
    let v = 0;
    for (let i = 0; i < n; i++) v += this.byte() * 2 ** (8 * i);
    return c > 0 ? v : v - 2 ** (8 * n);
  }

  symbol(): string {
    const t = this.byte();
    if (t === 0x3a /* : */) return this.symbolBody();
    if (t === 0x3b /* ; */) {
      const i = this.long();
      const s = this.symbols[i];
      if (s === undefined) this.fail(`symbol link ${i} to nothing`);
      return s;
    }
    if (t === 0x49 /* I: symbol with encoding ivars */) {
      const s = this.symbol();
      this.ivars();
      return s;
    }
    return this.fail(`expected a symbol, found type 0x${t.toString(16)}`);
  }

  private symbolBody(): string {
    const bytes = this.take(this.count(this.long()));
    const s = ByteReader.utf8(bytes) ?? hex(bytes);
    this.symbols.push(s);
    return s;
  }

  /** Instance variables as `[name, value]` pairs. */
  ivars(): [string, SessionValue][] {
    const n = this.count(this.long(), 2);
    const out: [string, SessionValue][] = [];
    for (let i = 0; i < n; i++) out.push([this.symbol(), this.value()]);
    return out;
  }

  private register(): number {
    this.objects.push(PENDING);
    return this.objects.length - 1;
  }

  private done<T extends SessionValue>(slot: number, v: T): T {
    this.objects[slot] = v;
    return v;
  }

  private string(bytes: Uint8Array, encoding: 'utf8' | 'ascii' | 'binary' | string): SessionValue {
    const text = ByteReader.utf8(bytes);
    if (text !== undefined && (encoding !== 'binary' || !bytes.some((b) => b > 0x7f))) return text;
    return new PyObject('ruby:bytes', { value: hex(bytes) });
  }

  protected value0(): SessionValue {
    const t = this.byte();
    switch (t) {
      case 0x30 /* 0 */:
        return null;
      case 0x54 /* T */:
        return true;
      case 0x46 /* F */:
        return false;
      case 0x69 /* i */:
        return this.long();
      case 0x3a /* : */:
        return new PyObject('ruby:Symbol', { value: this.symbolBody() });
      case 0x3b /* ; */: {
        this.pos--;
        return new PyObject('ruby:Symbol', { value: this.symbol() });
      }
      case 0x40 /* @ object link */: {
        const i = this.long();
        const v = this.objects[i];
        if (v === undefined) this.fail(`object link ${i} to nothing`);
        if (v === PENDING) return new PyObject('recursion', { value: '...' });
        this.addItems(sizeOf(v));
        return v;
      }
      case 0x49 /* I: a value with instance variables (a String's encoding) */:
        return this.withIvars();
      case 0x22 /* " */: {
        const slot = this.register();
        return this.done(slot, this.string(this.take(this.count(this.long())), 'binary'));
      }
      case 0x66 /* f */: {
        const slot = this.register();
        const text = ByteReader.utf8(this.take(this.count(this.long()))) ?? '';
        const v = text === 'inf' ? Infinity : text === '-inf' ? -Infinity : text === 'nan' ? NaN : Number(text);
        if (Number.isNaN(v) && text !== 'nan') this.fail(`bad float "${text.slice(0, 40)}"`);
        return this.done(slot, pyFloat(v));
      }
      case 0x6c /* l bignum */: {
        const slot = this.register();
        const sign = this.byte();
        const n = this.long() * 2;
        if (n > MAX_BIGNUM_BYTES) this.fail(`a ${n}-byte bignum is over the limit of ${MAX_BIGNUM_BYTES}`);
        const bytes = this.take(this.count(n));
        let v = 0n;
        for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
        return this.done(slot, exactInteger(sign === 0x2d /* - */ ? -v : v));
      }
      case 0x5b /* [ */: {
        const slot = this.register();
        const n = this.count(this.long());
        const out: SessionValue[] = [];
        for (let i = 0; i < n; i++) out.push(this.value());
        return this.done(slot, out);
      }
      case 0x7b /* { */:
      case 0x7d /* } hash with a default */: {
        const slot = this.register();
        const n = this.count(this.long(), 2);
        const pairs: [SessionValue, SessionValue][] = [];
        for (let i = 0; i < n; i++) pairs.push([this.value(), this.value()]);
        if (t === 0x7d) this.value(); // the default value: not part of the data
        return this.done(slot, hashValue(pairs));
      }
      case 0x6f /* o object */: {
        const slot = this.register();
        const name = this.symbol();
        return this.done(slot, new PyObject(`ruby:${name}`, { state: ivarObject(this.ivars()) }));
      }
      case 0x53 /* S struct */: {
        const slot = this.register();
        const name = this.symbol();
        return this.done(slot, new PyObject(`ruby:${name}`, { state: ivarObject(this.ivars()) }));
      }
      case 0x75 /* u _dump */: {
        const name = this.symbol();
        const bytes = this.take(this.count(this.long()));
        const slot = this.register();
        return this.done(slot, name === 'Time' ? timeValue(bytes) : new PyObject(`ruby:${name}`, { value: hex(bytes) }));
      }
      case 0x55 /* U marshal_dump */: {
        const slot = this.register();
        const name = this.symbol();
        return this.done(slot, new PyObject(`ruby:${name}`, { state: this.value() }));
      }
      case 0x65 /* e extended by a module */:
        this.symbol();
        return this.value();
      case 0x43 /* C user subclass of String/Array/Hash/Regexp */:
        this.symbol();
        return this.value();
      case 0x63 /* c class */:
      case 0x6d /* m module */:
      case 0x4d /* M old module */: {
        const slot = this.register();
        const name = ByteReader.utf8(this.take(this.count(this.long()))) ?? '?';
        return this.done(slot, new PyObject(t === 0x63 ? 'ruby:class' : 'ruby:module', { value: name }));
      }
      case 0x2f /* / regexp */: {
        const slot = this.register();
        const source = ByteReader.utf8(this.take(this.count(this.long()))) ?? '';
        this.byte(); // options
        return this.done(slot, new PyObject('ruby:Regexp', { value: source }));
      }
      case 0x64 /* d data */: {
        const slot = this.register();
        const name = this.symbol();
        return this.done(slot, new PyObject(`ruby:${name}`, { state: this.value() }));
      }
      default:
        return this.fail(`unknown type byte 0x${t.toString(16)}`);
    }
  }

  /** `I`: the wrapped value, then its instance variables (`:E` true = UTF-8, false = US-ASCII, `:encoding`). */
  private withIvars(): SessionValue {
    const t = this.peek();
    if (t === 0x22 /* " */) {
      this.pos++;
      const slot = this.register();
      const bytes = this.take(this.count(this.long()));
      let encoding = 'binary';
      for (const [name, v] of this.ivars()) {
        if (name === 'E') encoding = v === true ? 'utf8' : 'ascii';
        else if (name === 'encoding' && typeof v === 'string') encoding = v;
      }
      return this.done(slot, this.string(bytes, encoding));
    }
    const v = this.value();
    const extra = this.ivars().filter(([name]) => name !== 'E' && name !== 'encoding');
    if (extra.length === 0 || !(v instanceof PyObject)) return v;
    if (v.type === 'ruby:Time') return v;
    return new PyObject(v.type, { ...v.fields, state: { ...(v.fields.state as SessionObject | undefined), ...ivarObject(extra) } });
  }
}

function ivarObject(pairs: [string, SessionValue][]): SessionObject {
  const out: SessionObject = {};
  for (const [k, v] of pairs) setKey(out, k, v);
  return keepKeyOrder(out, pairs.map(([k]) => k));
}

function hashValue(pairs: [SessionValue, SessionValue][]): SessionValue {
  if (pairs.every(([k]) => typeof k === 'string')) {
    const out: SessionObject = {};
    for (const [k, v] of pairs) setKey(out, k as string, v);
    return keepKeyOrder(out, pairs.map(([k]) => k as string));
  }
  return new PyObject('ruby:Hash', { entries: pairs });
}

/** `Time#_dump`: two little-endian 32-bit words holding the UTC date and time (marshal.c time_mdump). */
function timeValue(bytes: Uint8Array): PyObject {
  if (bytes.length < 8) return new PyObject('ruby:Time', { value: hex(bytes) });
  const word = (o: number) => (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
  const p = word(0);
  const s = word(4);
  if (!(p & 0x80000000)) return new PyObject('ruby:Time', { value: new Date(p * 1000).toISOString() });
  const year = ((p >>> 14) & 0xffff) + 1900;
  const d = new Date(Date.UTC(year, (p >>> 10) & 0xf, (p >>> 5) & 0x1f, p & 0x1f, (s >>> 26) & 0x3f, (s >>> 20) & 0x3f));
  const usec = s & 0xfffff;
  return new PyObject('ruby:Time', { value: d.toISOString().replace(/\.\d{3}Z$/, `.${String(usec).padStart(6, '0')}Z`) });
}

/**
 * Reads a Ruby Marshal 4.8 dump as data. Throws {@link MalformedInputError} for bytes that are not
 * one, {@link LimitExceededError} past a limit.
 *
 * @example
 * unmarshal(bytes) // { session_id: '4b2e…', user_id: 42 }
 */
export function unmarshal(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const r = new MarshalReader(bytes, resolveLimits(limits), 'Ruby Marshal');
  if (!isMarshal(bytes)) r.fail('not Marshal 4.8 (no 04 08 header)');
  r.pos = 2;
  const v = r.value();
  if (r.left !== 0) r.fail(`${r.left} bytes after the value`);
  return v;
}
