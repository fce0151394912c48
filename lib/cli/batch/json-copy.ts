/**
 * Django's JSON payload bytes → the `"data"` of a `decode --json` line, copied instead of parsed
 * and written again, for the batch decoder (./fast-decode.ts). Django writes
 * `json.dumps(obj, separators=(',', ':'))`: compact, ASCII (`"Gr\u00fc\u00df"`), keys in insertion
 * order. The exact-JSON writer (lib/codec/json-write.ts) prints what lib/codec/json.ts parsed
 * from it: the same text, except that escapes become the characters (`"Grüß"`), `\/` is `/`, and
 * floats are printed as Python does. {@link copyJson} makes that text in one pass over the bytes,
 * and gives up (returns -1, the caller then takes the general path) on anything else: whitespace,
 * invalid JSON, `-0`, NaN/Infinity, a lone surrogate, a duplicate key, a `$py` or `__proto__` key,
 * a key with an escape, nesting past 64, non-ASCII bytes that are not UTF-8 (latin-1).
 */
import { isUtf8 } from 'node:buffer';
import { pyFloat, pyFloatRepr, stringifyJson } from '../../codec/index.ts';

/** Deeper than this: the general path (the exact writer's own fast path stops at 64 too). */
const MAX_DEPTH = 64;
/** More keys in one object than this: the general path (duplicates are found by comparing all). */
const MAX_KEYS = 64;

const HEX = '0123456789abcdef';

/** Where {@link copyJson} writes: a byte buffer that grows. */
export class ByteSink {
  buf: Buffer;
  len = 0;
  constructor(size = 1 << 16) {
    this.buf = Buffer.allocUnsafe(size);
  }

  /** Room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  /** Appends `text` as UTF-8. */
  text(text: string): void {
    this.ensure(text.length * 3);
    this.len += this.buf.write(text, this.len, 'utf8');
  }

  /** Appends bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** The bytes written so far (a copy: the sink is reused), and an empty sink. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/** The scanner's state: module-level so the hot loop reads plain variables. */
const EMPTY = Buffer.alloc(0);
let b: Buffer = EMPTY;
let i = 0;
/** Where the bytes not yet copied start: they are copied as they are, in one piece, when a token is rewritten or at the end. */
let run = 0;
let target: ByteSink = new ByteSink(0);
let nonAscii = false;
/** Start offsets and lengths (in `b`) of the keys of the objects being read, innermost last. */
const keyStart = new Int32Array(MAX_DEPTH * MAX_KEYS);
const keyLen = new Int32Array(MAX_DEPTH * MAX_KEYS);

/** Byte classes inside a string: 0 copied as is, 1 the end (`"`), 2 an escape, 3 invalid (a control character), 4 non-ASCII. */
const IN_STRING = new Uint8Array(256);
IN_STRING.fill(3, 0, 0x20);
IN_STRING[0x22] = 1;
IN_STRING[0x5c] = 2;
IN_STRING.fill(4, 0x80, 0x100);

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();

function fail(): never {
  throw GIVE_UP;
}

/**
 * Appends the `--json` text of the JSON value `bytes` holds to `sink`. Returns 0 (ASCII), 1 (the
 * bytes held non-ASCII UTF-8 text), or -1 and `sink` as it was: take the general path.
 * @example copyJson(Buffer.from('{"a":"\\u00e9"}'), sink) // 0; sink holds {"a":"é"}
 */
export function copyJson(bytes: Buffer, sink: ByteSink): -1 | 0 | 1 {
  const mark = sink.len;
  b = bytes;
  i = 0;
  run = 0;
  target = sink;
  nonAscii = false;
  try {
    value(0);
    if (i !== b.length) fail();
    if (nonAscii && !isUtf8(b)) fail();
    flush(i);
  } catch (e) {
    if (e !== GIVE_UP) throw e;
    sink.len = mark;
    return -1;
  } finally {
    b = EMPTY;
  }
  return nonAscii ? 1 : 0;
}

/** Copies the bytes from {@link run} to `end` as they are. */
function flush(end: number): void {
  const n = end - run;
  if (n <= 0) return;
  target.ensure(n);
  const out = target.buf;
  const o = target.len;
  // a short run (between escapes) costs less in a loop than in a call
  if (n < 32) for (let k = 0; k < n; k++) out[o + k] = b[run + k]!;
  else b.copy(out, o, run, end);
  target.len = o + n;
}

/** Writes `text` (ASCII) for the bytes from `start` to {@link i}. */
function rewrite(start: number, text: string): void {
  flush(start);
  target.ensure(text.length);
  target.len += target.buf.write(text, target.len, 'latin1');
  run = i;
}

function value(depth: number): void {
  const c = b[i];
  if (c === 0x22) string(false);
  else if (c === 0x7b) object(depth + 1);
  else if (c === 0x5b) array(depth + 1);
  else if (c === 0x74) literal(0x74, 0x72, 0x75, 0x65, -1); // true
  else if (c === 0x66) literal(0x66, 0x61, 0x6c, 0x73, 0x65); // false
  else if (c === 0x6e) literal(0x6e, 0x75, 0x6c, 0x6c, -1); // null
  else number();
}

function literal(c0: number, c1: number, c2: number, c3: number, c4: number): void {
  if (b[i] !== c0 || b[i + 1] !== c1 || b[i + 2] !== c2 || b[i + 3] !== c3) fail();
  i += 4;
  if (c4 >= 0) {
    if (b[i] !== c4) fail();
    i++;
  }
}

/** The end of the digits of `b` from `j`. */
function digits(j: number): number {
  const bytes = b;
  const end = bytes.length;
  let c = 0;
  while (j < end && (c = bytes[j]!) >= 0x30 && c <= 0x39) j++;
  return j;
}

/** RFC 8259 §6; an int is copied, a float written as the exact writer writes what json.ts reads. */
function number(): void {
  const start = i;
  let j = i;
  if (b[j] === 0x2d) j++;
  const first = j;
  if (b[j] === 0x30) j++;
  else if ((j = digits(j)) === first) fail();
  let float = false;
  if (b[j] === 0x2e) {
    float = true;
    const frac = ++j;
    if ((j = digits(j)) === frac) fail();
  }
  if (b[j] === 0x65 || b[j] === 0x45) {
    float = true;
    j++;
    if (b[j] === 0x2b || b[j] === 0x2d) j++;
    const exp = j;
    if ((j = digits(j)) === exp) fail();
  }
  i = j;
  if (float) {
    const text = b.toString('latin1', start, j);
    const x = Number(text);
    // what json-write.ts writes for json.ts's float: one that is not whole and ≥ 1e-4 (so < 2^53)
    // as JavaScript prints it; any other finite one by Python's repr (a whole one is a
    // PyObject whose value is the repr); NaN and ±inf as `{"$py":"float",…}`. Most are already
    // written so (Django's json.dumps writes the repr).
    let want: string;
    if (!Number.isFinite(x)) want = stringifyJson(pyFloat(x));
    else if (!Number.isInteger(x) && Math.abs(x) >= 1e-4) want = String(x);
    else want = pyFloatRepr(x);
    if (want !== text) rewrite(start, want);
  }
  // json.ts reads "-0" as the int 0
  else if (b[start] === 0x2d && b[start + 1] === 0x30) fail();
}

/** A string, its escapes written as `JSON.stringify` writes the characters; a key may have none. */
function string(key: boolean): void {
  const bytes = b;
  const end = bytes.length;
  let j = i + 1;
  for (;;) {
    // the plain run, in locals (the hot loop)
    let k = 0;
    while (j < end && (k = IN_STRING[bytes[j]!]!) === 0) j++;
    if (j >= end) fail();
    if (k === 1) break;
    if (k === 4) {
      nonAscii = true;
      j++;
      continue;
    }
    if (k === 3 || key) fail();
    i = j;
    escape();
    j = i;
  }
  i = j + 1;
}

function hex4(at: number): number {
  let n = 0;
  for (let k = at; k < at + 4; k++) {
    const c = b[k];
    const d = c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) fail();
    n = (n << 4) | d;
  }
  return n;
}

/** An escape at {@link i}: `\uXXXX` (and `\/`) rewritten as `JSON.stringify` writes the character, the rest kept. */
function escape(): void {
  const start = i;
  const e = b[i + 1];
  if (e === 0x75 /* u */) {
    let cp = hex4(i + 2);
    i += 6;
    if (cp >= 0xdc00 && cp <= 0xdfff) fail(); // a lone low surrogate: JSON.stringify escapes it
    if (cp >= 0xd800 && cp <= 0xdbff) {
      if (b[i] !== 0x5c || b[i + 1] !== 0x75) fail();
      const lo = hex4(i + 2);
      if (lo < 0xdc00 || lo > 0xdfff) fail();
      i += 6;
      cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
    }
    flush(start);
    char(cp);
    run = i;
    return;
  }
  i += 2;
  // \" \\ \b \f \n \r \t are written as they are; \/ is /
  if (e === 0x2f) rewrite(start, '/');
  else if (!(e === 0x22 || e === 0x5c || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74)) fail();
}

/** Code point `cp` as `JSON.stringify` writes it inside a string, in UTF-8. */
function char(cp: number): void {
  target.ensure(6);
  const out = target.buf;
  let o = target.len;
  if (cp < 0x20) {
    const short = cp === 8 ? 0x62 : cp === 9 ? 0x74 : cp === 10 ? 0x6e : cp === 12 ? 0x66 : cp === 13 ? 0x72 : 0;
    out[o++] = 0x5c;
    if (short) out[o++] = short;
    else {
      out[o++] = 0x75;
      out[o++] = 0x30;
      out[o++] = 0x30;
      out[o++] = HEX.charCodeAt(cp >> 4);
      out[o++] = HEX.charCodeAt(cp & 15);
    }
  } else if (cp === 0x22 || cp === 0x5c) {
    out[o++] = 0x5c;
    out[o++] = cp;
  } else if (cp < 0x80) out[o++] = cp;
  else if (cp < 0x800) {
    out[o++] = 0xc0 | (cp >> 6);
    out[o++] = 0x80 | (cp & 63);
  } else if (cp < 0x10000) {
    out[o++] = 0xe0 | (cp >> 12);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  } else {
    out[o++] = 0xf0 | (cp >> 18);
    out[o++] = 0x80 | ((cp >> 12) & 63);
    out[o++] = 0x80 | ((cp >> 6) & 63);
    out[o++] = 0x80 | (cp & 63);
  }
  target.len = o;
}

function array(depth: number): void {
  if (depth > MAX_DEPTH) fail();
  i++;
  if (b[i] === 0x5d) {
    i++;
    return;
  }
  for (;;) {
    value(depth);
    const c = b[i++];
    if (c === 0x5d) return;
    if (c !== 0x2c) fail();
  }
}

/** Whether key `n` of the object at `base` has the bytes of an earlier key, or is `$py` or `__proto__`. */
function badKey(base: number, n: number): boolean {
  const s = keyStart[base + n]!;
  const len = keyLen[base + n]!;
  if (len === 3 && b[s] === 0x24 && b[s + 1] === 0x70 && b[s + 2] === 0x79) return true;
  if (len === 9 && b.toString('latin1', s, s + 9) === '__proto__') return true;
  for (let k = 0; k < n; k++) {
    if (keyLen[base + k] !== len) continue;
    const t = keyStart[base + k]!;
    let same = true;
    for (let j = 0; j < len && same; j++) same = b[s + j] === b[t + j];
    if (same) return true;
  }
  return false;
}

function object(depth: number): void {
  if (depth > MAX_DEPTH) fail();
  i++;
  if (b[i] === 0x7d) {
    i++;
    return;
  }
  const base = (depth - 1) * MAX_KEYS;
  for (let n = 0; ; n++) {
    if (b[i] !== 0x22 || n >= MAX_KEYS) fail();
    keyStart[base + n] = i + 1;
    string(true);
    keyLen[base + n] = i - 1 - keyStart[base + n]!;
    if (badKey(base, n)) fail();
    if (b[i++] !== 0x3a) fail();
    value(depth);
    const c = b[i++];
    if (c === 0x7d) return;
    if (c !== 0x2c) fail();
  }
}
