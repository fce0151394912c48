/**
 * The values a decoded session holds.
 *
 * JSON maps onto plain JavaScript: `null`, booleans, numbers, strings, arrays and objects, with one
 * change: an integer outside ±(2^53 − 1) is a `bigint`, so a large user id comes back exact.
 * Pickle adds what JSON cannot say; those become {@link PyObject}s so nothing is dropped:
 *
 * | Python                         | SessionValue                                                   |
 * | ------------------------------ | -------------------------------------------------------------- |
 * | None, bool, int, str           | null, boolean, number \| bigint, string                        |
 * | float with a fraction          | number (`1.5`, `1.5e-7`)                                       |
 * | float that is whole, or -0.0   | `PyObject('float', { value: '1.0' \| '-0.0' \| '1e+16' })`      |
 * | list                           | array                                                          |
 * | tuple                          | `PyObject('tuple', { items: […] })`: `(3.0,)` is not `3`        |
 * | dict with str keys             | plain object in Python's insertion order (see {@link sessionKeys}); a `__proto__` key is an ordinary own property |
 * | dict with other keys           | `PyObject('dict', { entries: [[k, v], …] })`                   |
 * | bytes / bytearray              | `PyObject('bytes' \| 'bytearray', { value: "b'…'", bytes })`   |
 * | float nan / inf                | `PyObject('float', { value: 'nan' \| 'inf' \| '-inf' })`        |
 * | set / frozenset                | `PyObject('set' \| 'frozenset', { items: […] })`               |
 * | datetime, date, time           | `PyObject('datetime.datetime', { value: ISO 8601 text, … })`   |
 * | Decimal, UUID, timedelta, …    | `PyObject(qualified name, { value: readable text, … })`        |
 * | any other class                | `PyObject('module.Class', { args, state })` — never imported   |
 * | a class itself / other calls   | `PyObject('class', { value })`, `PyObject('call', { args })`   |
 * | a container holding itself     | `PyObject('recursion', { value: '[...]' })`                    |
 */
export type SessionValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | SessionValue[]
  | SessionObject
  | PyObject;

/** A dict with string keys. */
export interface SessionObject {
  [key: string]: SessionValue;
}

/** What a {@link PyObject} carries besides its type name. Every field is optional. */
export interface PyObjectFields {
  /** A readable rendering (ISO 8601 for datetimes, digits for Decimal, `b'…'` for bytes). */
  value?: string;
  /** Constructor arguments as the pickle gave them (REDUCE / NEWOBJ). */
  args?: SessionValue[];
  /** State set by BUILD (`__setstate__` / `__dict__`). */
  state?: SessionValue;
  /** Members of a set or frozenset; list items appended to an object. */
  items?: SessionValue[];
  /** Key/value pairs of a dict whose keys are not all strings; or set-items on an object. */
  entries?: [SessionValue, SessionValue][];
  /** Raw bytes, for bytes and bytearray. */
  bytes?: Uint8Array;
}

/**
 * A Python value that JSON cannot express, kept typed rather than dropped. Nothing is ever
 * imported or executed to build one: `type` is just the `module.qualname` the pickle named.
 *
 * @example
 * new PyObject('datetime.datetime', { value: '2024-05-01T12:00:00+00:00' })
 */
export class PyObject {
  constructor(
    /** `module.qualname`, e.g. `datetime.datetime`, or a builtin: `bytes`, `set`, `frozenset`, `dict`. */
    readonly type: string,
    readonly fields: PyObjectFields = {},
  ) {}

  /** JSON form: `{ "$py": type, value?, args?, state?, items?, entries? }` (bytes as their `value`). */
  toJSON(): Record<string, unknown> {
    const { bytes: _bytes, ...rest } = this.fields;
    return { $py: this.type, ...rest };
  }
}

/** True for a plain session object (a dict with string keys). */
export function isSessionObject(v: SessionValue | undefined): v is SessionObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof PyObject);
}

/**
 * Python's `repr()` of a bytes object, e.g. `b'\x00ab'`, `b"it's"`.
 * @example pyBytesRepr(new Uint8Array([0, 97])) // "b'\\x00a'"
 */
export function pyBytesRepr(bytes: Uint8Array, prefix = 'b'): string {
  const hasSingle = bytes.includes(0x27);
  const quote = hasSingle && !bytes.includes(0x22) ? '"' : "'";
  let out = prefix + quote;
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === quote.charCodeAt(0)) out += `\\${quote}`;
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return out + quote;
}

/**
 * Where a plain object keeps Python's key order when JavaScript's differs: an object whose keys
 * look like array indices (`"1"`, `"20"`) lists those first, in numeric order, whatever order the
 * dict had. Set (non-enumerable) only on such objects; {@link sessionKeys} reads it.
 */
export const KEY_ORDER: unique symbol = Symbol('session-lens.key-order');

const INDEX_KEY_RE = /^(?:0|[1-9]\d{0,9})$/;

/**
 * Records `keys` (Python's insertion order) on `obj` when JavaScript would enumerate them in
 * another order. Returns `obj`.
 * @example keepKeyOrder(o, ['b', '1']) // Object.keys(o) is ['1', 'b']; sessionKeys(o) is ['b', '1']
 */
export function keepKeyOrder<T extends SessionObject>(obj: T, keys: readonly string[]): T {
  if (!keys.some((k) => INDEX_KEY_RE.test(k))) return obj;
  const js = Object.keys(obj);
  if (js.length === keys.length && js.every((k, i) => k === keys[i])) return obj;
  Object.defineProperty(obj, KEY_ORDER, { value: [...keys], enumerable: false, writable: true, configurable: true });
  return obj;
}

/**
 * A session object's keys in Python's insertion order (integer-like keys included).
 * @example sessionKeys(parseJson('{"b":1,"2":2}')) // ['b', '2']
 */
export function sessionKeys(obj: SessionObject): string[] {
  const order = (obj as { [KEY_ORDER]?: string[] })[KEY_ORDER];
  const own = Object.keys(obj);
  if (!order) return own;
  const present = new Set(own);
  const out = order.filter((k) => present.has(k));
  if (out.length === own.length) return out;
  const listed = new Set(out);
  return [...out, ...own.filter((k) => !listed.has(k))];
}

/**
 * Python's `repr(float)` (and `json.dumps`): shortest round-trip digits, exponent form outside
 * 1e-4 ≤ |x| < 1e16, a whole number keeps `.0`.
 * @example pyFloatRepr(1) // '1.0'; pyFloatRepr(1e16) // '1e+16'; pyFloatRepr(1.5e-7) // '1.5e-07'
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expText] = x.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${e}`;
  }
  let s: string;
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    s = `${int}.${frac || '0'}`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return (neg ? '-' : '') + s;
}

/**
 * A Python float as a {@link SessionValue}: a number when JavaScript's number cannot be mistaken
 * for an int (it has a fraction), else `PyObject('float', { value })` with Python's repr.
 * @example pyFloat(1.5) // 1.5; pyFloat(3) // PyObject('float', { value: '3.0' })
 */
export function pyFloat(x: number): number | PyObject {
  if (Number.isFinite(x) && !Number.isInteger(x)) return x;
  if (Number.isNaN(x)) return new PyObject('float', { value: 'nan' });
  if (!Number.isFinite(x)) return new PyObject('float', { value: x > 0 ? 'inf' : '-inf' });
  return new PyObject('float', { value: pyFloatRepr(x) });
}

/**
 * A number from an int or float session value (`1`, `2n`, `1.5`, a whole `PyObject` float).
 * @example toNumber(pyFloat(3)) // 3
 */
export function toNumber(v: SessionValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof PyObject && v.type === 'float' && v.fields.value !== undefined) {
    const n = Number(v.fields.value.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN'));
    return Number.isNaN(n) && v.fields.value !== 'nan' ? undefined : n;
  }
  return undefined;
}

/**
 * A Python tuple: `PyObject('tuple', { items })`, so a tuple never reads as a list.
 * @example pyTuple([pyFloat(3)]) // (3.0,)
 */
export function pyTuple(items: SessionValue[]): PyObject {
  return new PyObject('tuple', { items });
}
