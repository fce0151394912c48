/**
 * The one exact-JSON writer: session values and the plain objects holding them, written with nothing
 * lost (ints as digits however big, floats as Python prints them, dict keys in Python's order,
 * `PyObject`s as `{"$py": type, …}`). `parseExactJson` in `json.ts` reads it back.
 */
import { KEY_ORDER, PyObject, pyFloat, pyFloatRepr, sessionKeys, type PyObjectFields, type SessionObject, type SessionValue } from './value.ts';

/**
 * What the exact-JSON writer takes: session values, and plain objects and arrays holding them
 * (an `undefined` field is left out, as `JSON.stringify` does; a `Date` is its ISO 8601 text).
 */
export type ExactJson = SessionValue | undefined | readonly ExactJson[] | { readonly [key: string]: ExactJson };

/** A finite float's repr is a JSON number already (`1.0`, `-0.0`, `1e+16`, `1.5e-07`). */
const FINITE_FLOAT_RE = /^-?\d+(?:\.\d+)?(?:e[+-]\d+)?$/;

/** The `{"$py": …}` form of a PyObject, fields in a fixed order. */
function pyFields(v: PyObject): [string, ExactJson][] {
  const f: PyObjectFields = v.fields;
  const out: [string, ExactJson][] = [['$py', v.type]];
  if (f.value !== undefined) out.push(['value', f.value]);
  if (f.args !== undefined) out.push(['args', f.args]);
  if (f.state !== undefined) out.push(['state', f.state]);
  if (f.items !== undefined) out.push(['items', f.items]);
  if (f.entries !== undefined) out.push(['entries', f.entries]);
  return out;
}

function members(v: ExactJson & object): [string, ExactJson][] {
  if (v instanceof PyObject) return pyFields(v);
  const obj = v as SessionObject;
  const keys = sessionKeys(obj);
  // a dict that itself has a "$py" key is written as entries, so a reader never mistakes it
  if (Object.hasOwn(obj, '$py')) return pyFields(new PyObject('dict', { entries: keys.map((k) => [k, obj[k]!]) }));
  return keys.map((k) => [k, obj[k]]);
}

function write(v: ExactJson, indent: string, depth: number): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : String(v);
      return Number.isFinite(v) ? pyFloatRepr(v) : write(pyFloat(v), indent, depth);
    case 'string':
      return JSON.stringify(v);
    case 'object':
      if (v instanceof Date) return JSON.stringify(v.toISOString());
  }
  if (v instanceof PyObject && v.type === 'float' && v.fields.value !== undefined && FINITE_FLOAT_RE.test(v.fields.value)) return v.fields.value;
  const nl = indent ? `\n${indent.repeat(depth + 1)}` : '';
  const close = indent ? `\n${indent.repeat(depth)}` : '';
  const sep = indent ? ': ' : ':';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[${(v as readonly ExactJson[]).map((x) => nl + write(x, indent, depth + 1)).join(',')}${close}]`;
  }
  const fields = members(v as ExactJson & object).filter(([, x]) => x !== undefined);
  if (fields.length === 0) return '{}';
  return `{${fields.map(([k, x]) => `${nl}${JSON.stringify(k)}${sep}${write(x, indent, depth + 1)}`).join(',')}${close}}`;
}

/**
 * The one exact-JSON writer (CLI `--json`, the companion API, the extension's messages): session
 * values and the plain objects holding them, with nothing lost — ints as digits however big,
 * floats as Python prints them (`1.0`, `-0.0`, `1e+16`, `1.5e-07`), dict keys in Python's order,
 * `PyObject`s (tuples, sets, datetimes …) as `{"$py": type, …}`, NaN/±inf as
 * `{"$py":"float","value":"nan"}`. {@link parseExactJson} reads it back.
 * @example stringifyJson({ id: 12345678901234567890n, f: pyFloat(1) }) // '{"id":12345678901234567890,"f":1.0}'
 */
export function stringifyJson(value: ExactJson | object, indent?: number): string {
  if (value !== undefined && isPlainJson(value, 0)) return JSON.stringify(value, null, indent || undefined);
  if (!indent) return writeCompact(value as ExactJson, 0);
  return write(value as ExactJson, ' '.repeat(indent), 0);
}

/**
 * The writer without the fast paths: what {@link stringifyJson} must always give. For tests.
 * @example stringifyJsonReference({ a: 1n }) // '{"a":1}'
 */
export function stringifyJsonReference(value: ExactJson | object, indent?: number): string {
  return write(value as ExactJson, indent ? ' '.repeat(indent) : '', 0);
}

/**
 * {@link write} without indentation, in one pass of string appends: no arrays of members, and a
 * plain object's keys read as they are enumerated (no `KEY_ORDER`, no `$py`: their order is
 * `sessionKeys`' order). Anything else is handed to {@link write}. Past {@link PLAIN_MAX_DEPTH},
 * too, so the depth at which the engine's stack runs out stays the writer's.
 */
function writeCompact(v: ExactJson, depth: number): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : String(v);
      // between 1e-4 and 1e16 JavaScript and Python both print the shortest round-trip digits
      if (Math.abs(v) >= 1e-4 && Math.abs(v) < 1e16) return String(v);
      return write(v, '', depth);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'object':
      break;
    default:
      return write(v, '', depth);
  }
  if (depth > PLAIN_MAX_DEPTH) return write(v, '', depth);
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Array.prototype) {
    const a = v as readonly ExactJson[];
    if (a.length === 0) return '[]';
    let out = '[';
    // a hole writes nothing, as the writer's map and join do
    for (let i = 0; i < a.length; i++) out += (i ? ',' : '') + (i in a ? writeCompact(a[i], depth + 1) : '');
    return `${out}]`;
  }
  if (proto === PyObject.prototype) {
    const f = (v as PyObject).fields.value;
    if ((v as PyObject).type === 'float' && f !== undefined && FINITE_FLOAT_RE.test(f)) return f;
    return write(v, '', depth);
  }
  if ((proto !== Object.prototype && proto !== null) || Object.hasOwn(v, '$py')) return write(v, '', depth);
  const o = v as { readonly [key: string]: ExactJson };
  let out = '';
  if (Object.hasOwn(o, KEY_ORDER)) {
    for (const k of sessionKeys(o as SessionObject)) out = member(out, k, o[k], depth);
  } else {
    for (const k in o) if (Object.hasOwn(o, k)) out = member(out, k, o[k], depth);
  }
  return out ? `${out}}` : '{}';
}

/** `out` with the member `k: x` appended (opening the object at the first); nothing for `undefined`. */
function member(out: string, k: string, x: ExactJson, depth: number): string {
  return x === undefined ? out : `${out}${out ? ',' : '{'}${JSON.stringify(k)}:${writeCompact(x, depth + 1)}`;
}

/** Past this depth the fast path's check gives up (the writer below handles any depth it can). */
const PLAIN_MAX_DEPTH = 64;

/**
 * Whether the engine's `JSON.stringify` writes `v` exactly as {@link write} does, so the writer can
 * hand it over: strings, booleans, null, integers other than -0, floats whose Python repr and
 * JavaScript text agree (non-integers of magnitude ≥ 1e-4: both print the shortest round-trip
 * digits in fixed notation), valid `Date`s, and plain arrays (no holes, no `undefined`) and plain objects
 * holding only those — no `bigint`, `PyObject`, `$py` key, or Python key order ({@link KEY_ORDER})
 * that JavaScript would enumerate differently. One walk without allocation.
 */
function isPlainJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      if (Number.isInteger(v)) return !Object.is(v, -0);
      return Number.isFinite(v) && Math.abs(v) >= 1e-4;
    case 'object':
      break;
    default:
      return false;
  }
  if (v === null) return true;
  if (depth > PLAIN_MAX_DEPTH) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto === Array.prototype) {
    const a = v as readonly unknown[];
    for (let i = 0; i < a.length; i++) {
      const x = a[i];
      if (x === undefined || !isPlainJson(x, depth + 1)) return false;
    }
    return true;
  }
  // an invalid Date: JSON.stringify writes null where the writer throws, as it always has
  if (proto === Date.prototype) return !Object.hasOwn(v, 'toJSON') && !Number.isNaN((v as Date).getTime());
  if (proto !== Object.prototype && proto !== null) return false;
  if (Object.hasOwn(v, '$py') || Object.hasOwn(v, KEY_ORDER)) return false;
  const o = v as Record<string, unknown>;
  for (const k in o) {
    if (!Object.hasOwn(o, k)) return false;
    const x = o[k];
    if (x !== undefined && !isPlainJson(x, depth + 1)) return false;
  }
  return true;
}
