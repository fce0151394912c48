/**
 * JSON exactly as Django writes and reads it.
 *
 * Django's `JSONSerializer` is `json.dumps(obj, separators=(',', ':')).encode('latin-1')`, e.g.
 * `{"_auth_user_id":"1","n":12345678901234567890}`. Python integers are unbounded, so this parser
 * returns a `bigint` for any integer outside ±(2^53 − 1) instead of rounding it; a whole float
 * (`1.0`, `-0.0`, `1e16`) stays a float (`PyObject('float')`), and an object whose keys JavaScript
 * would reorder (`{"b":1,"2":2}`) keeps Python's order (value.ts `sessionKeys`). `NaN` and
 * `Infinity` (which Python writes) are accepted. Objects keep a `__proto__` key as an ordinary
 * key. Nesting depth and item count are bounded by {@link Limits}.
 *
 * The one exact-JSON API: `stringifyJson` writes session values (and plain objects holding them)
 * with nothing lost, `parseExactJson` reads that back; the CLI, the companion and the extension
 * all use these two. `stringifyPython` and `pythonJson` reproduce `json.dumps` byte for byte
 * (ASCII-only escapes, Python's float repr, key order, last-duplicate-wins) for signing.
 */
import { LimitExceededError, MalformedInputError } from './errors.ts';
import { resolveLimits, type Limits } from './limits.ts';
import { keepKeyOrder, PyObject, pyFloat, pyFloatRepr, sessionKeys, type PyObjectFields, type SessionObject, type SessionValue } from './value.ts';

export { pyFloatRepr };
export { stringifyJson, type ExactJson } from './json-write.ts';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Sets a key on a plain object, keeping `__proto__` an ordinary own property. */
export function setKey(obj: SessionObject, key: string, value: SessionValue): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Which JSON number grammar (RFC 8259 §6) a token matched. */
const NUMBER_RE = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class Parser {
  pos = 0;
  items = 0;
  constructor(
    readonly text: string,
    readonly limits: Limits,
    readonly ordered: boolean,
  ) {}

  fail(what: string): never {
    throw new MalformedInputError(`Invalid JSON: ${what} at position ${this.pos}`);
  }

  ws(): void {
    const t = this.text;
    let p = this.pos;
    while (p < t.length) {
      const c = t.charCodeAt(p);
      if (c === 32 || c === 10 || c === 13 || c === 9) p++;
      else break;
    }
    this.pos = p;
  }

  count(): void {
    if (++this.items > this.limits.maxItems) throw new LimitExceededError(`JSON has more than ${this.limits.maxItems} values`);
  }

  value(depth: number): unknown {
    this.ws();
    this.count();
    const t = this.text;
    const c = t[this.pos];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      case 'N':
        return this.literal('NaN', NaN);
      case 'I':
        return this.literal('Infinity', Infinity);
      default:
        if (c === '-' && t.startsWith('-Infinity', this.pos)) return this.literal('-Infinity', -Infinity);
        return this.number();
    }
  }

  literal<T>(word: string, v: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected token');
    this.pos += word.length;
    return v;
  }

  number(): number | bigint | PyObject | RawNumber {
    NUMBER_RE.lastIndex = this.pos;
    const m = NUMBER_RE.exec(this.text);
    if (!m) this.fail(this.pos >= this.text.length ? 'unexpected end' : 'unexpected token');
    const raw = m[0];
    this.pos += raw.length;
    if (this.ordered) return new RawNumber(raw, m[1] === undefined && m[2] === undefined);
    if (m[1] === undefined && m[2] === undefined) {
      if (raw.length < 16) return raw === '-0' ? 0 : Number(raw);
      const b = BigInt(raw);
      return b > MAX_SAFE || b < -MAX_SAFE ? b : Number(b);
    }
    // Python's float: `1.0`, `-0.0` and `1e16` stay floats (never the int 1, 0, 10**16)
    return pyFloat(Number(raw));
  }

  string(): string {
    const t = this.text;
    // Fast path: no escapes and no control characters before the closing quote.
    const close = t.indexOf('"', this.pos + 1);
    if (close > 0) {
      const raw = t.slice(this.pos + 1, close);
      // eslint-disable-next-line no-control-regex -- JSON forbids raw control characters in strings
      if (!/[\\\u0000-\u001f]/.test(raw)) {
        this.pos = close + 1;
        return raw;
      }
    }
    let p = this.pos + 1;
    let out = '';
    let start = p;
    for (;;) {
      if (p >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(p);
      if (c === 34) break;
      if (c < 0x20) {
        this.pos = p;
        this.fail('control character in string');
      }
      if (c === 92) {
        out += t.slice(start, p);
        const e = t[p + 1];
        switch (e) {
          case '"': out += '"'; break;
          case '\\': out += '\\'; break;
          case '/': out += '/'; break;
          case 'b': out += '\b'; break;
          case 'f': out += '\f'; break;
          case 'n': out += '\n'; break;
          case 'r': out += '\r'; break;
          case 't': out += '\t'; break;
          case 'u': {
            const hex = t.slice(p + 2, p + 6);
            if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
              this.pos = p;
              this.fail('invalid \\u escape');
            }
            out += String.fromCharCode(parseInt(hex, 16));
            p += 4;
            break;
          }
          default:
            this.pos = p;
            this.fail('invalid escape');
        }
        p += 2;
        start = p;
      } else p++;
    }
    out += t.slice(start, p);
    this.pos = p + 1;
    return out;
  }

  array(depth: number): unknown[] {
    if (depth > this.limits.maxDepth) throw new LimitExceededError(`JSON nests deeper than ${this.limits.maxDepth}`);
    this.pos++;
    const out: unknown[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth));
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or ']'");
      }
    }
  }

  object(depth: number): SessionObject | Map<string, unknown> {
    if (depth > this.limits.maxDepth) throw new LimitExceededError(`JSON nests deeper than ${this.limits.maxDepth}`);
    this.pos++;
    const out: SessionObject = {};
    const map = this.ordered ? new Map<string, unknown>() : undefined;
    const keys: string[] = [];
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return map ?? out;
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.text[this.pos++] !== ':') {
        this.pos--;
        this.fail("expected ':'");
      }
      const v = this.value(depth);
      if (map) map.set(key, v);
      else {
        if (!Object.hasOwn(out, key)) keys.push(key);
        setKey(out, key, v as SessionValue);
      }
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return map ?? keepKeyOrder(out, keys);
      if (c !== ',') {
        this.pos--;
        this.fail("expected ',' or '}'");
      }
    }
  }

  document(): unknown {
    const v = this.value(0);
    this.ws();
    if (this.pos !== this.text.length) this.fail('trailing data');
    return v;
  }
}

/** A number kept as its source text (ordered parsing for `pythonJson`). */
class RawNumber {
  constructor(
    readonly text: string,
    readonly integer: boolean,
  ) {}
}

/**
 * Parses JSON as Python's `json.loads` would, keeping big integers exact.
 * @example parseJson('{"id":12345678901234567890}') // { id: 12345678901234567890n }
 */
export function parseJson(text: string, limits?: Partial<Limits>): SessionValue {
  const l = resolveLimits(limits);
  if (text.length > l.maxInputLength) throw new LimitExceededError(`JSON is longer than ${l.maxInputLength} characters`);
  if (nativeIsExact(text, l)) {
    try {
      return JSON.parse(text) as SessionValue;
    } catch {
      // fall through: the parser below says what is wrong and where
    }
  }
  return new Parser(text, l, false).document() as SessionValue;
}

/**
 * What {@link parseJson} must always give: this parser alone, without the JSON.parse fast path. For tests.
 * @example parseJsonReference('{"a":1.0}') // { a: PyObject('float', { value: '1.0' }) }
 */
export function parseJsonReference(text: string, limits?: Partial<Limits>): SessionValue {
  return new Parser(text, resolveLimits(limits), false).document() as SessionValue;
}

/** Separate native searches: one alternation regex over the text is several times slower. */
const LONG_DIGITS = /\d{16}/;
/** A float of 16+ significant digits has 8+ before or after its point. */
const LONG_FLOAT = /\d{8}\.|\.\d{8}/;
/**
 * A float that JavaScript would read as an int (`1.0`, `2e3`), or a key JavaScript would reorder
 * (`"1":`) — or text inside a string that looks like one (`"\u00e9"`): the scan below tells them apart.
 */
const WHOLE_FLOAT = /\.0+(?!\d)|\d[eE]/;
const INDEX_KEY = /"\d+"\s*:/;

/** Occurrences of `ch` in `text`, counting no further than `stop` + 1. */
function count(text: string, ch: string, stop: number): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1 && n <= stop; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Whether the engine's own JSON.parse gives exactly what this parser would. Most payloads have
 * nothing suspicious at all: a few native searches say so. Otherwise one pass over the text,
 * outside strings: no integer of 16+ digits (it may exceed 2^53), no float that rounds to a whole
 * number (`1.0`, or 16+ digits such as `900000000000000.01`: Python's float, JavaScript's int), no
 * exponent, no `-0` (Python's int 0), no NaN/Infinity (Python's, not JSON's), no
 * all-digit key (JavaScript enumerates those first), and too few brackets to break the depth limit.
 * Invalid text may pass: JSON.parse then throws and the parser says what is wrong.
 */
function nativeIsExact(text: string, l: Limits): boolean {
  if (text.length > l.maxItems) return false;
  const maybeUnsafe = WHOLE_FLOAT.test(text) || INDEX_KEY.test(text) || text.includes('N') || text.includes('I') || text.includes('-0') || LONG_DIGITS.test(text) || LONG_FLOAT.test(text);
  if (!maybeUnsafe) return count(text, '{', l.maxDepth) + count(text, '[', l.maxDepth) <= l.maxDepth;
  return scanIsExact(text, l.maxDepth);
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** The one pass of {@link nativeIsExact}. */
function scanIsExact(text: string, maxDepth: number): boolean {
  const n = text.length;
  let open = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // to the closing quote: one not escaped by an odd run of backslashes
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return true;
        let b = j - 1;
        while (text.charCodeAt(b) === 92 /* \ */) b--;
        if ((j - 1 - b) % 2 === 0) break;
      }
      let d = i + 1;
      while (d < j && isDigit(text.charCodeAt(d))) d++;
      if (d === j && j > i + 1) {
        // an all-digit string: a key if ':' follows
        let k = j + 1;
        while (k < n && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 10 || text.charCodeAt(k) === 13 || text.charCodeAt(k) === 9)) k++;
        if (text.charCodeAt(k) === 58 /* : */) return false;
      }
      i = j;
    } else if (c === 45 /* - */ || isDigit(c)) {
      let j = c === 45 ? i + 1 : i;
      const intStart = j;
      while (j < n && isDigit(text.charCodeAt(j))) j++;
      const intDigits = j - intStart;
      if (intDigits >= 16) return false;
      const e = text.charCodeAt(j);
      if (e === 101 || e === 69) return false;
      if (e === 46 /* . */) {
        const fracStart = ++j;
        let whole = true;
        for (; j < n && isDigit(text.charCodeAt(j)); j++) if (text.charCodeAt(j) !== 48) whole = false;
        const x = text.charCodeAt(j);
        if (whole || x === 101 || x === 69) return false;
        // up to 15 significant digits a double keeps the decimal, so never rounds it to a whole number
        if (intDigits + (j - fracStart) > 15 && Number.isInteger(Number(text.slice(i, j)))) return false;
      } else if (c === 45 && intDigits === 1 && text.charCodeAt(intStart) === 48) return false;
      i = j - 1;
    } else if (c === 123 || c === 91) {
      if (++open > maxDepth) return false;
    } else if (c === 78 /* N */ || c === 73 /* I */) return false;
  }
  return true;
}

function revive(v: SessionValue): SessionValue {
  if (Array.isArray(v)) return v.map(revive);
  if (v === null || typeof v !== 'object' || v instanceof PyObject) return v;
  const py = v.$py;
  if (typeof py === 'string') {
    const fields: PyObjectFields = {};
    if (typeof v.value === 'string') fields.value = v.value;
    if (Array.isArray(v.args)) fields.args = v.args.map(revive);
    if (v.state !== undefined) fields.state = revive(v.state);
    if (Array.isArray(v.items)) fields.items = v.items.map(revive);
    if (Array.isArray(v.entries)) {
      fields.entries = v.entries
        .filter((e): e is SessionValue[] => Array.isArray(e) && e.length === 2)
        .map((e) => [revive(e[0]!), revive(e[1]!)]);
    }
    if (py === 'dict' && fields.entries?.every(([k]) => typeof k === 'string')) {
      const out: SessionObject = {};
      for (const [k, x] of fields.entries) setKey(out, k as string, x);
      return keepKeyOrder(out, fields.entries.map(([k]) => k as string));
    }
    return new PyObject(py, fields);
  }
  const keys = sessionKeys(v);
  const out: SessionObject = {};
  for (const k of keys) setKey(out, k, revive(v[k]!));
  return keepKeyOrder(out, keys);
}

/**
 * The one exact-JSON reader: what {@link stringifyJson} wrote, back as session values
 * (`{"$py": …}` objects become `PyObject`s again, a whole float such as `1.0` stays a float).
 * @example parseExactJson('{"t":{"$py":"tuple","items":[1.0]}}') // { t: PyObject('tuple', { items: [PyObject('float', { value: '1.0' })] }) }
 */
export function parseExactJson(text: string, limits?: Partial<Limits>): SessionValue {
  return revive(parseJson(text, limits));
}

/** Python's `json.dumps` string encoding with `ensure_ascii=True`. */
function pyString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) out += '\\"';
    else if (c === 92) out += '\\\\';
    else if (c >= 0x20 && c < 0x7f) out += s[i];
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/**
 * Serialises a value as Django's JSONSerializer does: `json.dumps(obj, separators=(',', ':'))`.
 * JavaScript numbers that are whole print as ints; a whole float is a `PyObject('float')` (what
 * {@link parseJson} makes of `1.0`) and prints as `1.0`; keys keep Python's order.
 * @example stringifyPython({ a: 'é', b: 1.5e16 }) // '{"a":"\\u00e9","b":1.5e+16}'
 */
export function stringifyPython(value: SessionValue): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isSafeInteger(value) ? String(value) : pyFloatRepr(value);
    case 'string':
      return pyString(value);
  }
  if (Array.isArray(value)) return `[${value.map(stringifyPython).join(',')}]`;
  if (value instanceof PyObject) {
    // json.dumps writes a float by its repr and a tuple as a list
    if (value.type === 'float' && value.fields.value !== undefined) return pyFloatRepr(Number(value.fields.value.replace(/^(-?)inf$/, '$1Infinity').replace(/^nan$/, 'NaN')));
    if (value.type === 'tuple' && value.fields.items) return stringifyPython(value.fields.items);
    throw new MalformedInputError(`Cannot serialise a Python ${value.type} as JSON`);
  }
  return `{${sessionKeys(value)
    .map((k) => `${pyString(k)}:${stringifyPython(value[k]!)}`)
    .join(',')}}`;
}

function emitOrdered(v: unknown): string {
  if (v instanceof RawNumber) {
    if (v.integer) return BigInt(v.text).toString();
    return pyFloatRepr(Number(v.text));
  }
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `${pyString(k)}:${emitOrdered(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map(emitOrdered).join(',')}]`;
  if (typeof v === 'number') return pyFloatRepr(v);
  if (typeof v === 'string') return pyString(v);
  return v === null ? 'null' : v ? 'true' : 'false';
}

/**
 * What `json.dumps(json.loads(text), separators=(',', ':'))` prints, byte for byte: key order and
 * duplicate keys handled as Python does, `1.0` stays a float, non-ASCII escaped.
 * @example pythonJson('{"a": 1.0, "b": "é"}') // '{"a":1.0,"b":"\\u00e9"}'
 */
export function pythonJson(text: string, limits?: Partial<Limits>): string {
  const l = resolveLimits(limits);
  if (text.length > l.maxInputLength) throw new LimitExceededError(`JSON is longer than ${l.maxInputLength} characters`);
  return emitOrdered(new Parser(text, l, true).document());
}
