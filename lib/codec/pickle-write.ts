/**
 * A pickle writer for the values a JSON-like session holds, so that a session edited in Session Lens
 * can go back into a cache the way Django's cache backends store it (`pickle.dumps(session_dict)`).
 *
 * Protocol 4 without framing or memo (both optional for `pickle.loads`):
 *
 * ```
 * pickleDumps({ a: 1 })
 * // \x80\x04  }  (  \x8c\x01a  K\x01  u  .
 * //  PROTO 4  EMPTY_DICT MARK SHORT_BINUNICODE 'a' BININT1 1 SETITEMS STOP
 * ```
 *
 * Only what it can write exactly: None, bool, int (any size), float (`PyObject('float')` too), str,
 * list, tuple, dict (str keys, or a `PyObject('dict')` of writable keys). Anything else — a datetime,
 * bytes, a set, a class instance read from a pickle — is refused with a {@link MalformedInputError}
 * naming the type, rather than written as something Django would read back differently.
 * Opcodes: CPython Lib/pickle.py (3.8+).
 */
import { MalformedInputError } from './errors.ts';
import { PyObject, sessionKeys, type SessionValue } from './value.ts';

const OP = {
  PROTO: 0x80,
  STOP: 0x2e,
  NONE: 0x4e,
  NEWTRUE: 0x88,
  NEWFALSE: 0x89,
  BININT1: 0x4b,
  BININT2: 0x4d,
  BININT: 0x4a,
  LONG1: 0x8a,
  LONG4: 0x8b,
  BINFLOAT: 0x47,
  SHORT_BINUNICODE: 0x8c,
  BINUNICODE: 0x58,
  EMPTY_DICT: 0x7d,
  EMPTY_LIST: 0x5d,
  EMPTY_TUPLE: 0x29,
  MARK: 0x28,
  SETITEMS: 0x75,
  APPENDS: 0x65,
  TUPLE: 0x74,
} as const;

/** Python batches SETITEMS / APPENDS by this many items (pickle.py `_BATCHSIZE`). */
const BATCH = 1000;

/** A lone UTF-16 surrogate: Python pickles it with `surrogatepass`, TextEncoder would replace it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

class Out {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(...bs: number[]): void {
    this.room(bs.length);
    for (const b of bs) this.buf[this.length++] = b;
  }

  bytes(bs: Uint8Array): void {
    this.room(bs.length);
    this.buf.set(bs, this.length);
    this.length += bs.length;
  }

  uint32(n: number): void {
    this.byte(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const encoder = new TextEncoder();

/** Python's `encode_long`: little-endian two's complement, as few bytes as hold the sign. */
function longBytes(n: bigint): Uint8Array {
  if (n === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let v = n;
  for (;;) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
    const last = out[out.length - 1]!;
    if ((v === 0n && last < 0x80) || (v === -1n && last >= 0x80)) break;
  }
  return Uint8Array.from(out);
}

function writeInt(out: Out, n: bigint): void {
  if (n >= 0n && n <= 0xffn) return out.byte(OP.BININT1, Number(n));
  if (n >= 0n && n <= 0xffffn) return out.byte(OP.BININT2, Number(n) & 0xff, Number(n) >> 8);
  if (n >= -0x80000000n && n <= 0x7fffffffn) {
    out.byte(OP.BININT);
    return out.uint32(Number(BigInt.asUintN(32, n)));
  }
  const b = longBytes(n);
  if (b.length < 256) out.byte(OP.LONG1, b.length);
  else {
    out.byte(OP.LONG4);
    out.uint32(b.length);
  }
  out.bytes(b);
}

function writeFloat(out: Out, x: number): void {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, x, false);
  out.byte(OP.BINFLOAT);
  out.bytes(b);
}

/** The number a `PyObject('float')` stands for (`'1.0'`, `'-0.0'`, `'1e+16'`, `'nan'`, `'inf'`). */
function floatValue(text: string): number {
  const t = text.trim().toLowerCase();
  if (t === 'nan') return Number.NaN;
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf') return Number.NEGATIVE_INFINITY;
  const x = Number(t);
  if (Number.isNaN(x)) throw new MalformedInputError(`Float "${text.slice(0, 40)}" is not a number`);
  return x;
}

function writeString(out: Out, s: string): void {
  if (LONE_SURROGATE.test(s)) throw new MalformedInputError('Cannot pickle a string holding a lone surrogate exactly');
  const b = encoder.encode(s);
  if (b.length < 256) out.byte(OP.SHORT_BINUNICODE, b.length);
  else {
    out.byte(OP.BINUNICODE);
    out.uint32(b.length);
  }
  out.bytes(b);
}

function writeItems(out: Out, items: readonly SessionValue[], depth: number): void {
  for (let i = 0; i < items.length; i += BATCH) {
    out.byte(OP.MARK);
    for (const v of items.slice(i, i + BATCH)) writeValue(out, v, depth);
    out.byte(OP.APPENDS);
  }
}

function writeEntries(out: Out, entries: readonly (readonly [SessionValue, SessionValue])[], depth: number): void {
  out.byte(OP.EMPTY_DICT);
  for (let i = 0; i < entries.length; i += BATCH) {
    out.byte(OP.MARK);
    for (const [k, v] of entries.slice(i, i + BATCH)) {
      writeValue(out, k, depth);
      writeValue(out, v, depth);
    }
    out.byte(OP.SETITEMS);
  }
}

function writePy(out: Out, v: PyObject, depth: number): void {
  if (v.type === 'float' && typeof v.fields.value === 'string') return writeFloat(out, floatValue(v.fields.value));
  if (v.type === 'tuple' && Array.isArray(v.fields.items)) {
    const items = v.fields.items as SessionValue[];
    if (items.length === 0) return out.byte(OP.EMPTY_TUPLE);
    out.byte(OP.MARK);
    for (const x of items) writeValue(out, x, depth);
    return out.byte(OP.TUPLE);
  }
  if (v.type === 'dict' && Array.isArray(v.fields.entries)) {
    const entries = v.fields.entries as [SessionValue, SessionValue][];
    for (const [k] of entries) {
      if (typeof k === 'object' && k !== null && !(k instanceof PyObject && (k.type === 'tuple' || k.type === 'float'))) {
        throw new MalformedInputError('Cannot pickle a dict key that is a container');
      }
    }
    return writeEntries(out, entries, depth);
  }
  throw new MalformedInputError(`Cannot pickle a Python ${v.type} exactly`);
}

function writeValue(out: Out, v: SessionValue, depth: number): void {
  if (depth > 200) throw new MalformedInputError('Value nests deeper than 200 levels');
  if (v === null) return out.byte(OP.NONE);
  switch (typeof v) {
    case 'boolean':
      return out.byte(v ? OP.NEWTRUE : OP.NEWFALSE);
    case 'bigint':
      return writeInt(out, v);
    case 'number':
      return Number.isSafeInteger(v) && !Object.is(v, -0) ? writeInt(out, BigInt(v)) : writeFloat(out, v);
    case 'string':
      return writeString(out, v);
  }
  if (Array.isArray(v)) {
    out.byte(OP.EMPTY_LIST);
    return writeItems(out, v, depth + 1);
  }
  if (v instanceof PyObject) return writePy(out, v, depth + 1);
  return writeEntries(
    out,
    sessionKeys(v).map((k) => [k, v[k]!] as const),
    depth + 1,
  );
}

/**
 * `pickle.dumps(value, protocol=4)` for JSON-like session values; throws a {@link MalformedInputError}
 * for a value it cannot write exactly.
 *
 * @example
 * pickleDumps({ _auth_user_id: '1' }) // Uint8Array [0x80, 0x04, 0x7d, 0x28, 0x8c, 0x0d, …, 0x75, 0x2e]
 */
export function pickleDumps(value: SessionValue): Uint8Array {
  const out = new Out();
  out.byte(OP.PROTO, 4);
  writeValue(out, value, 0);
  out.byte(OP.STOP);
  return out.result();
}
