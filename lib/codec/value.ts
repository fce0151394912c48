/**
 * The values a decoded session holds.
 *
 * JSON maps onto plain JavaScript: `null`, booleans, numbers, strings, arrays and objects, with one
 * change: an integer outside ±(2^53 − 1) is a `bigint`, so a large user id comes back exact.
 * Pickle adds what JSON cannot say; those become {@link PyObject}s so nothing is dropped:
 *
 * | Python                         | SessionValue                                                   |
 * | ------------------------------ | -------------------------------------------------------------- |
 * | None, bool, int, float, str    | null, boolean, number \| bigint, number, string                |
 * | list, tuple                    | array (a tuple is an array too)                                |
 * | dict with str keys             | plain object; a `__proto__` key is an ordinary own property    |
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
