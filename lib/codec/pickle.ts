/**
 * A safe reader for Python pickles (protocols 0–5): it interprets the opcodes as data and never
 * imports or calls anything.
 *
 * Django's cache session engines store the session dict pickled. `pickle.dumps({'_auth_user_id':
 * '1', 'n': 2**64}, protocol=4)` is
 *
 *     80 04                       PROTO 4
 *     95 28 00 00 00 00 00 00 00  FRAME 40            (8-byte little-endian length)
 *     7d                          EMPTY_DICT
 *     94                          MEMOIZE             (memo[0] = the dict)
 *     28                          MARK
 *     8c 0d "_auth_user_id" 94    SHORT_BINUNICODE, MEMOIZE
 *     8c 01 "1" 94                SHORT_BINUNICODE, MEMOIZE
 *     8c 01 "n" 94                SHORT_BINUNICODE, MEMOIZE
 *     8a 09 00…00 01              LONG1 (9 bytes, two's complement little-endian) 2**64
 *     75                          SETITEMS            (pairs since MARK into the dict)
 *     2e                          STOP
 *
 * → `{ _auth_user_id: '1', n: 18446744073709551616n }`. The opcodes and their arguments are
 * those of CPython's Lib/pickletools.py; the semantics follow Lib/pickle.py `_Unpickler`.
 *
 * How other Python types come out (datetime, Decimal, UUID, set, bytes …) is in pickle-known.ts;
 * shared references and cycles in pickle-tree.ts; the graph nodes in pickle-nodes.ts.
 *
 * Why our own reader and not an npm package (evaluated 2026-11): `pickleparser` 0.2.1 (MIT, no
 * dependencies, ~25 kB, runs in browsers; two releases on one day in Dec 2024, none since) reads
 * protocols 0–5 but throws plain `Error`s, has no limit on memo size, nesting, item count or
 * shared-reference expansion, decodes text with a non-fatal TextDecoder (silently replacing bad
 * UTF-8), pushes `undefined` for a missing memo key, and builds cyclic JS objects that a JSON
 * renderer cannot print. Wrapping it would leave every safety property to us anyway, so this
 * module is a small table-driven machine with our typed errors and `Limits` instead.
 *
 * Safety: every declared length (including the 64-bit ones of BINUNICODE8, BINBYTES8, BYTEARRAY8
 * and FRAME) is checked against the bytes left before anything is allocated; MARK nesting is
 * capped at `maxDepth`, memo entries at `maxPickleMemo`, values (shared references counted per
 * copy) at `maxItems` and the text they add up to at `maxDecompressedSize`; integers at Python's
 * own 4300-digit text limit (2048 bytes for LONG4). PERSID/BINPERSID, EXT1/2/4 and
 * NEXT_BUFFER/READONLY_BUFFER need state that is not in the data and raise
 * {@link UnsupportedPickleError}.
 */
import { LimitExceededError, MalformedInputError, SessionLensError, UnsupportedPickleError } from './errors.ts';
import { resolveLimits } from './limits.ts';
import type { Limits } from './limits.ts';
import type { SessionValue } from './value.ts';
import { floatNode, PBytes, PDict, PGlobal, PInstance, PList, PSet, PTuple, typeName } from './pickle-nodes.ts';
import type { PNode } from './pickle-nodes.ts';
import { toTree } from './pickle-tree.ts';

/** Highest protocol CPython writes (3.8+). */
const HIGHEST_PROTOCOL = 5;
/** CPython 3.11+ `sys.int_info.default_max_str_digits`: `int(text)` refuses longer decimal text. */
const MAX_INT_DIGITS = 4300;
/** Largest binary integer (LONG1/LONG4, hex text) accepted, in bytes: a little above 4300 digits. */
const MAX_INT_BYTES = 2048;

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Python 2 → 3 renames applied to protocol 0–2 pickles (CPython Lib/_compat_pickle.py, a subset). */
const IMPORT_MAPPING: Readonly<Record<string, string>> = {
  __builtin__: 'builtins',
  copy_reg: 'copyreg',
  exceptions: 'builtins',
  UserDict: 'collections',
  UserList: 'collections',
  UserString: 'collections',
  Queue: 'queue',
  cPickle: 'pickle',
};
const NAME_MAPPING: Readonly<Record<string, string>> = {
  '__builtin__.unicode': 'builtins.str',
  '__builtin__.basestring': 'builtins.str',
  '__builtin__.long': 'builtins.int',
  '__builtin__.xrange': 'builtins.range',
  '__builtin__.unichr': 'builtins.chr',
  '__builtin__.reduce': 'functools.reduce',
  '__builtin__.intern': 'sys.intern',
  'UserDict.IterableUserDict': 'collections.UserDict',
};

const own = (o: Readonly<Record<string, string>>, k: string): string | undefined => (Object.hasOwn(o, k) ? o[k] : undefined);

function latin1Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}

/**
 * UTF-8 with Python's `surrogatepass`: CPython pickles a lone surrogate (`'\ud800'`) as the
 * 3-byte form ED A0 80, which a strict decoder rejects. Returns `undefined` for anything else
 * that is not UTF-8 (overlong forms, bytes past U+10FFFF, truncated sequences).
 */
function utf8SurrogatePass(b: Uint8Array): string | undefined {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < b.length; ) {
    const c = b[i] ?? 0;
    let n: number;
    let cp: number;
    if (c < 0x80) [n, cp] = [1, c];
    else if (c >= 0xc2 && c <= 0xdf) [n, cp] = [2, c & 0x1f];
    else if (c >= 0xe0 && c <= 0xef) [n, cp] = [3, c & 0x0f];
    else if (c >= 0xf0 && c <= 0xf4) [n, cp] = [4, c & 0x07];
    else return undefined;
    if (i + n > b.length) return undefined;
    for (let k = 1; k < n; k++) {
      const d = b[i + k] ?? 0;
      if ((d & 0xc0) !== 0x80) return undefined;
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) return undefined;
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    if (units.length >= 8192) out += String.fromCharCode(...units.splice(0));
    i += n;
  }
  return out + String.fromCharCode(...units);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** An int as a number when it is safe, else a bigint (lib/codec/value.ts). */
function toInt(n: bigint): number | bigint {
  return n >= -9007199254740991n && n <= 9007199254740991n ? Number(n) : n;
}

/** Python's `decode_long`: little-endian two's complement. */
function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  const hex: string[] = [];
  for (let i = bytes.length - 1; i >= 0; i--) hex.push(HEX[bytes[i] ?? 0] ?? '00');
  let n = BigInt(`0x${hex.join('')}`);
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return toInt(n);
}

type Step = (m: Machine) => void;

/** The pickle virtual machine: a stack, a stack of MARKed stacks, and the memo. */
class Machine {
  private pos = 0;
  /** Offset and name of the opcode being run, for error messages. */
  private opPos = 0;
  private opName = '';
  stack: PNode[] = [];
  private readonly metastack: PNode[][] = [];
  /** The memo: dense indices (MEMOIZE, Python's BINPUT counter) in an array, others in a Map. */
  private readonly memo: PNode[] = [];
  private readonly sparseMemo = new Map<number, PNode>();
  private made = 0;
  proto = 0;
  result: PNode | undefined = undefined;
  done = false;

  private readonly data: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly limits: Limits,
  ) {
    this.data = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): PNode {
    const { bytes } = this;
    while (!this.done) {
      if (this.pos >= bytes.length) {
        this.opPos = this.pos;
        this.opName = 'end of input';
        throw this.malformed('pickle data was truncated (no STOP opcode)');
      }
      const code = bytes[this.pos] ?? 0;
      const op = OPS[code];
      this.opPos = this.pos++;
      if (!op) {
        this.opName = `0x${HEX[code]}`;
        throw new MalformedInputError(`Malformed pickle at offset ${this.opPos}: unknown opcode 0x${HEX[code]}`);
      }
      this.opName = op[0];
      op[1](this);
    }
    return this.result ?? null;
  }

  // --- errors -----------------------------------------------------------------------------

  malformed(detail: string): MalformedInputError {
    return new MalformedInputError(`Malformed pickle at offset ${this.opPos} (${this.opName}): ${detail}`);
  }

  unsupported(why: string): UnsupportedPickleError {
    return new UnsupportedPickleError(`Unsupported pickle opcode ${this.opName} at offset ${this.opPos}: ${why}`);
  }

  limit(detail: string): LimitExceededError {
    return new LimitExceededError(`Pickle limit exceeded at offset ${this.opPos} (${this.opName}): ${detail}`);
  }

  // --- reading arguments ------------------------------------------------------------------

  remaining(): number {
    return this.bytes.length - this.pos;
  }

  take(n: number | bigint): Uint8Array {
    const at = this.skip(n);
    return this.bytes.subarray(at, this.pos);
  }

  /** Checks that `n` bytes are left, moves past them and returns where they start. */
  private skip(n: number | bigint): number {
    const left = this.bytes.length - this.pos;
    if (n > left) {
      throw this.malformed(`declared length ${n} exceeds the ${left} bytes left (truncated?)`);
    }
    const at = this.pos;
    this.pos += Number(n);
    return at;
  }

  u8(): number {
    return this.bytes[this.skip(1)] ?? 0;
  }

  u16(): number {
    return this.data.getUint16(this.skip(2), true);
  }

  u32(): number {
    return this.data.getUint32(this.skip(4), true);
  }

  i32(): number {
    return this.data.getInt32(this.skip(4), true);
  }

  u64(): bigint {
    return this.data.getBigUint64(this.skip(8), true);
  }

  f64(): number {
    return this.data.getFloat64(this.skip(8), false);
  }

  /** Text of `n` bytes: ASCII directly (the common case, and much cheaper than TextDecoder). */
  text(n: number | bigint): string {
    const at = this.skip(n);
    const end = this.pos;
    const { bytes } = this;
    if (end - at <= 64) {
      let ascii = true;
      for (let i = at; i < end; i++) {
        if ((bytes[i] ?? 0) >= 0x80) {
          ascii = false;
          break;
        }
      }
      if (ascii) return String.fromCharCode.apply(null, bytes.subarray(at, end) as unknown as number[]);
    }
    return this.utf8(bytes.subarray(at, end));
  }

  /** The bytes up to the next `\n` (which is consumed). */
  line(): Uint8Array {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw this.malformed('pickle data was truncated (no end of line)');
    const out = this.bytes.subarray(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  /** A text line: ASCII for numbers. */
  asciiLine(): string {
    return latin1Text(this.line());
  }

  utf8(bytes: Uint8Array): string {
    try {
      return UTF8.decode(bytes);
    } catch {
      const s = utf8SurrogatePass(bytes);
      if (s === undefined) throw this.malformed(`invalid UTF-8 in ${bytes.length}-byte string`);
      return s;
    }
  }

  /** A decimal (or 0x/0o/0b) integer, like Python's `int(text, 0)`. */
  parseInt(text: string): number | bigint {
    const m = /^\s*([+-]?)(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*)\s*$/.exec(text);
    if (!m) throw this.malformed(`invalid integer ${JSON.stringify(text.slice(0, 40))}`);
    const sign = m[1] ?? '';
    const body = (m[2] ?? '').replaceAll('_', '');
    const radix = /^0[xX]/.test(body) ? 16 : /^0[oO]/.test(body) ? 8 : /^0[bB]/.test(body) ? 2 : 10;
    const digits = radix === 10 ? body.length : body.length - 2;
    if (radix === 10 && digits > MAX_INT_DIGITS) {
      throw this.limit(`integer of ${digits} digits exceeds Python's ${MAX_INT_DIGITS}-digit limit`);
    }
    if (digits * Math.log2(radix) > MAX_INT_BYTES * 8) {
      throw this.limit(`integer of ${digits} digits exceeds ${MAX_INT_BYTES} bytes`);
    }
    if (digits === 0) throw this.malformed(`invalid integer ${JSON.stringify(text.slice(0, 40))}`);
    const n = BigInt(body);
    return toInt(sign === '-' ? -n : n);
  }

  parseFloat(text: string): number {
    const t = text.trim().replaceAll('_', '').toLowerCase();
    const m = /^([+-]?)(inf|infinity|nan)$/.exec(t);
    if (m) return m[2] === 'nan' ? NaN : m[1] === '-' ? -Infinity : Infinity;
    // no nested quantifiers that can trade digits: linear even on a megabyte of digits
    if (!/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/.test(t)) {
      throw this.malformed(`invalid float ${JSON.stringify(text.slice(0, 40))}`);
    }
    return Number(t);
  }

  // --- the stacks and the memo ------------------------------------------------------------

  /** Pushes a value this opcode made (charged to `maxItems`). */
  push(v: PNode): void {
    if (++this.made > this.limits.maxItems) throw this.limit(`more than ${this.limits.maxItems} values (limits.maxItems)`);
    this.stack.push(v);
  }

  pop(): PNode {
    if (this.stack.length === 0) throw this.malformed('unpickling stack underflow');
    return this.stack.pop() ?? null;
  }

  top(): PNode {
    if (this.stack.length === 0) throw this.malformed('unpickling stack underflow');
    return this.stack[this.stack.length - 1] ?? null;
  }

  /** Replaces the top of the stack. */
  setTop(v: PNode): void {
    this.top();
    this.stack[this.stack.length - 1] = v;
  }

  mark(): void {
    if (this.metastack.length >= this.limits.maxDepth) {
      throw this.limit(`MARKs nest deeper than ${this.limits.maxDepth} (limits.maxDepth)`);
    }
    this.metastack.push(this.stack);
    this.stack = [];
  }

  /** The items pushed since the last MARK, which is removed. */
  popMark(): PNode[] {
    const items = this.stack;
    const outer = this.metastack.pop();
    if (!outer) throw this.malformed('could not find MARK');
    this.stack = outer;
    return items;
  }

  put(index: number): void {
    if (this.stack.length === 0) throw this.malformed('unpickling stack underflow (memo put with an empty stack)');
    const v = this.top();
    const { memo } = this;
    if (index < memo.length) {
      memo[index] = v;
      return;
    }
    if (!this.sparseMemo.has(index) && this.memoSize() >= this.limits.maxPickleMemo) {
      throw this.limit(`memo holds more than ${this.limits.maxPickleMemo} entries (limits.maxPickleMemo)`);
    }
    if (index === memo.length && !this.sparseMemo.has(index)) memo.push(v);
    else this.sparseMemo.set(index, v);
  }

  get(index: number): void {
    const v = index < this.memo.length ? this.memo[index] : this.sparseMemo.get(index);
    if (v === undefined) throw this.malformed(`memo value not found at index ${index}`);
    this.stack.push(v); // a reference, not a new value
  }

  /** `len(memo)`: MEMOIZE stores at this index. */
  memoSize(): number {
    return this.memo.length + this.sparseMemo.size;
  }

  memoIndex(text: string): number {
    const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n)) throw this.malformed(`invalid memo index ${JSON.stringify(text.slice(0, 40))}`);
    return n;
  }

  /** `module.qualname`, with Python 2 names mapped for protocols 0–2 like `Unpickler(fix_imports=True)`. */
  className(module: string, name: string): string {
    if (this.proto < 3) {
      const mapped = own(NAME_MAPPING, `${module}.${name}`);
      if (mapped) return mapped;
      module = own(IMPORT_MAPPING, module) ?? module;
    }
    return `${module}.${name}`;
  }

  /** The argument tuple of REDUCE / NEWOBJ. */
  tupleItems(node: PNode, what: string): PNode[] {
    if (!(node instanceof PTuple)) throw this.malformed(`${what} expects a tuple, got ${typeName(node)}`);
    return node.items;
  }

  classRef(node: PNode, what: string): string {
    if (!(node instanceof PGlobal)) throw this.malformed(`${what} expects a class, got ${typeName(node)}`);
    return node.name;
  }
}

// --- opcode steps -------------------------------------------------------------------------

const pushTuple =
  (n: number): Step =>
  (m) => {
    if (m.stack.length < n) throw m.malformed('unpickling stack underflow');
    m.push(new PTuple(m.stack.splice(m.stack.length - n, n)));
  };

const pushBytes = (kind: 'bytes' | 'bytearray' | 'str8', len: (m: Machine) => number | bigint): Step => (m) => {
  m.push(new PBytes(kind, Uint8Array.from(m.take(len(m)))));
};

const pushText = (len: (m: Machine) => number | bigint): Step => (m) => {
  m.push(m.text(len(m)));
};

const unsupported =
  (why: string): Step =>
  (m) => {
    throw m.unsupported(why);
  };

/** Python's `codecs.escape_decode`, for the protocol 0 STRING opcode (`S'…'`). */
function escapeDecode(m: Machine, s: Uint8Array): Uint8Array {
  const out: number[] = [];
  const simple: Readonly<Record<number, number>> = { 0x5c: 0x5c, 0x27: 0x27, 0x22: 0x22, 0x61: 7, 0x62: 8, 0x66: 12, 0x6e: 10, 0x72: 13, 0x74: 9, 0x76: 11 };
  const hex = (c: number | undefined): number =>
    c === undefined ? -1 : c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 87 : c >= 0x41 && c <= 0x46 ? c - 55 : -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i] ?? 0;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const e = s[++i];
    if (e === undefined) throw m.malformed('trailing \\ in STRING');
    if (e === 0x0a) continue;
    const mapped = simple[e];
    if (mapped !== undefined) out.push(mapped);
    else if (e >= 0x30 && e <= 0x37) {
      let v = e - 0x30;
      for (let k = 0; k < 2 && (s[i + 1] ?? 0) >= 0x30 && (s[i + 1] ?? 0) <= 0x37; k++) v = v * 8 + (s[++i] ?? 0) - 0x30;
      out.push(v & 0xff);
    } else if (e === 0x78) {
      const hi = hex(s[i + 1]);
      const lo = hex(s[i + 2]);
      if (hi < 0 || lo < 0) throw m.malformed(`invalid \\x escape at position ${i - 1} in STRING`);
      out.push(hi * 16 + lo);
      i += 2;
    } else out.push(0x5c, e);
  }
  return Uint8Array.from(out);
}

/** Python's `raw_unicode_escape` decoding, for the protocol 0 UNICODE opcode (`V…`). */
function rawUnicodeEscape(m: Machine, s: Uint8Array): string {
  const units: number[] = [];
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s[i] ?? 0;
    if (c !== 0x5c) {
      units.push(c);
      i++;
    } else {
      // \u-escapes count only after an odd number of backslashes (CPython unicodeobject.c)
      const start = i;
      while (s[i] === 0x5c) units.push(s[i++] ?? 0);
      const u = s[i];
      if ((i - start) % 2 === 1 && (u === 0x75 || u === 0x55)) {
        units.pop();
        const count = u === 0x75 ? 4 : 8;
        const digits = latin1Text(s.subarray(i + 1, i + 1 + count));
        if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== count) {
          throw m.malformed(`truncated \\${count === 4 ? 'uXXXX' : 'UXXXXXXXX'} escape in UNICODE`);
        }
        const cp = parseInt(digits, 16);
        if (cp > 0x10ffff) throw m.malformed('\\Uxxxxxxxx out of range in UNICODE');
        if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
        else units.push(cp);
        i += 1 + count;
      }
    }
    if (units.length >= 8192) out += String.fromCharCode(...units.splice(0));
  }
  return out + String.fromCharCode(...units);
}

/** REDUCE: `callable(*args)`, recorded, never called. */
function reduce(m: Machine, fn: PNode, args: PNode[]): PNode {
  if (!(fn instanceof PGlobal)) return new PInstance('call', [fn, ...args]);
  const [a, b, c] = args;
  switch (fn.name) {
    case 'builtins.getattr':
      // getattr(cls, 'name'): how protocols 0–3 pickle a classmethod (zoneinfo.ZoneInfo._unpickle)
      if (a instanceof PGlobal && typeof b === 'string' && args.length === 2) return new PGlobal(`${a.name}.${b}`);
      break;
    case 'copyreg._reconstructor':
      // copyreg._reconstructor(cls, base, state) = base.__new__(cls, state) — protocols 0–1 objects
      if (a instanceof PGlobal && b instanceof PGlobal && args.length === 3) {
        return new PInstance(a.name, b.name === 'builtins.object' || c === null ? [] : [c ?? null]);
      }
      break;
    case 'copyreg.__newobj__':
      if (a instanceof PGlobal) return new PInstance(a.name, args.slice(1));
      break;
    case 'copyreg.__newobj_ex__':
      if (a instanceof PGlobal && b instanceof PTuple && args.length === 3) return new PInstance(a.name, b.items, c ?? null);
      break;
  }
  return new PInstance(fn.name, args);
}

const OP_LIST: ReadonlyArray<readonly [string, string, Step]> = [
  // name, opcode character, step — in the order of CPython Lib/pickletools.py
  ['INT', 'I', (m) => {
    const line = m.asciiLine();
    m.push(line === '00' ? false : line === '01' ? true : m.parseInt(line));
  }],
  ['BININT', 'J', (m) => m.push(m.i32())],
  ['BININT1', 'K', (m) => m.push(m.u8())],
  ['BININT2', 'M', (m) => m.push(m.u16())],
  ['LONG', 'L', (m) => m.push(m.parseInt(m.asciiLine().replace(/L$/, '')))],
  ['LONG1', '\x8a', (m) => m.push(decodeLong(m.take(m.u8())))],
  ['LONG4', '\x8b', (m) => {
    const n = m.i32();
    if (n < 0) throw m.malformed('LONG pickle has negative byte count');
    const bytes = m.take(n);
    if (n > MAX_INT_BYTES) throw m.limit(`integer of ${n} bytes exceeds ${MAX_INT_BYTES} bytes`);
    m.push(decodeLong(bytes));
  }],
  ['STRING', 'S', (m) => {
    const line = m.line();
    const q = line[0];
    if (line.length < 2 || (q !== 0x27 && q !== 0x22) || line[line.length - 1] !== q) {
      throw m.malformed('the STRING opcode argument must be quoted');
    }
    m.push(new PBytes('str8', escapeDecode(m, line.subarray(1, -1))));
  }],
  ['BINSTRING', 'T', pushBytes('str8', (m) => {
    const n = m.i32();
    if (n < 0) throw m.malformed('BINSTRING pickle has negative byte count');
    return n;
  })],
  ['SHORT_BINSTRING', 'U', pushBytes('str8', (m) => m.u8())],
  ['BINBYTES', 'B', pushBytes('bytes', (m) => m.u32())],
  ['SHORT_BINBYTES', 'C', pushBytes('bytes', (m) => m.u8())],
  ['BINBYTES8', '\x8e', pushBytes('bytes', (m) => m.u64())],
  ['BYTEARRAY8', '\x96', pushBytes('bytearray', (m) => m.u64())],
  ['NEXT_BUFFER', '\x97', unsupported('out-of-band buffers (protocol 5) are not part of the data')],
  ['READONLY_BUFFER', '\x98', unsupported('out-of-band buffers (protocol 5) are not part of the data')],
  ['NONE', 'N', (m) => m.push(null)],
  ['NEWTRUE', '\x88', (m) => m.push(true)],
  ['NEWFALSE', '\x89', (m) => m.push(false)],
  ['UNICODE', 'V', (m) => m.push(rawUnicodeEscape(m, m.line()))],
  ['SHORT_BINUNICODE', '\x8c', pushText((m) => m.u8())],
  ['BINUNICODE', 'X', pushText((m) => m.u32())],
  ['BINUNICODE8', '\x8d', pushText((m) => m.u64())],
  ['FLOAT', 'F', (m) => m.push(floatNode(m.parseFloat(m.asciiLine())))],
  ['BINFLOAT', 'G', (m) => m.push(floatNode(m.f64()))],
  ['EMPTY_LIST', ']', (m) => m.push(new PList())],
  ['APPEND', 'a', (m) => {
    const v = m.pop();
    const target = m.top();
    if (target instanceof PList) target.items.push(v);
    else if (target instanceof PInstance) target.items.push(v);
    else throw m.malformed(`cannot APPEND to ${typeName(target)}`);
  }],
  ['APPENDS', 'e', (m) => {
    const items = m.popMark();
    const target = m.top();
    if (target instanceof PList || target instanceof PInstance) extend(target.items, items);
    else throw m.malformed(`cannot APPENDS to ${typeName(target)}`);
  }],
  ['LIST', 'l', (m) => {
    m.push(new PList(m.popMark()));
  }],
  ['EMPTY_TUPLE', ')', (m) => m.push(new PTuple([]))],
  ['TUPLE', 't', (m) => m.push(new PTuple(m.popMark()))],
  ['TUPLE1', '\x85', pushTuple(1)],
  ['TUPLE2', '\x86', pushTuple(2)],
  ['TUPLE3', '\x87', pushTuple(3)],
  ['EMPTY_DICT', '}', (m) => m.push(new PDict())],
  ['DICT', 'd', (m) => {
    const items = m.popMark();
    if (items.length % 2) throw m.malformed('odd number of items for DICT');
    const d = new PDict();
    for (let i = 0; i < items.length; i += 2) d.set(items[i] ?? null, items[i + 1] ?? null);
    m.push(d);
  }],
  ['SETITEM', 's', (m) => {
    const v = m.pop();
    const k = m.pop();
    setItems(m, [k, v]);
  }],
  ['SETITEMS', 'u', (m) => {
    const items = m.popMark();
    if (items.length % 2) throw m.malformed('odd number of items for SETITEMS');
    setItems(m, items);
  }],
  ['EMPTY_SET', '\x8f', (m) => m.push(new PSet('set', []))],
  ['ADDITEMS', '\x90', (m) => {
    const items = m.popMark();
    const target = m.top();
    if ((target instanceof PSet && target.kind === 'set') || target instanceof PInstance) extend(target.items, items);
    else throw m.malformed(`cannot ADDITEMS to ${typeName(target)}`);
  }],
  ['FROZENSET', '\x91', (m) => {
    m.push(new PSet('frozenset', m.popMark()));
  }],
  ['POP', '0', (m) => {
    if (m.stack.length > 0) m.stack.pop();
    else m.popMark(); // CPython load_pop: with an empty frame, POP discards the MARK
  }],
  ['DUP', '2', (m) => m.stack.push(m.top())],
  ['MARK', '(', (m) => m.mark()],
  ['POP_MARK', '1', (m) => void m.popMark()],
  ['GET', 'g', (m) => m.get(m.memoIndex(m.asciiLine()))],
  ['BINGET', 'h', (m) => m.get(m.u8())],
  ['LONG_BINGET', 'j', (m) => m.get(m.u32())],
  ['PUT', 'p', (m) => m.put(m.memoIndex(m.asciiLine()))],
  ['BINPUT', 'q', (m) => m.put(m.u8())],
  ['LONG_BINPUT', 'r', (m) => m.put(m.u32())],
  ['MEMOIZE', '\x94', (m) => m.put(m.memoSize())],
  ['EXT1', '\x82', unsupported('extension registry codes (copyreg.add_extension) are not portable')],
  ['EXT2', '\x83', unsupported('extension registry codes (copyreg.add_extension) are not portable')],
  ['EXT4', '\x84', unsupported('extension registry codes (copyreg.add_extension) are not portable')],
  ['GLOBAL', 'c', (m) => {
    const module = m.utf8(m.line());
    const name = m.utf8(m.line());
    m.push(new PGlobal(m.className(module, name)));
  }],
  ['STACK_GLOBAL', '\x93', (m) => {
    const name = m.pop();
    const module = m.pop();
    if (typeof name !== 'string' || typeof module !== 'string') throw m.malformed('STACK_GLOBAL requires str');
    m.push(new PGlobal(m.className(module, name)));
  }],
  ['REDUCE', 'R', (m) => {
    const args = m.tupleItems(m.pop(), 'REDUCE');
    m.setTop(reduce(m, m.top(), args));
  }],
  ['BUILD', 'b', (m) => {
    const state = m.pop();
    const target = m.top();
    if (!(target instanceof PInstance)) throw m.malformed(`cannot BUILD ${typeName(target)}`);
    target.state = state;
  }],
  ['INST', 'i', (m) => {
    const module = m.utf8(m.line());
    const name = m.utf8(m.line());
    m.push(new PInstance(m.className(module, name), m.popMark()));
  }],
  ['OBJ', 'o', (m) => {
    const [cls, ...args] = m.popMark();
    m.push(new PInstance(m.classRef(cls ?? null, 'OBJ'), args));
  }],
  ['NEWOBJ', '\x81', (m) => {
    const args = m.tupleItems(m.pop(), 'NEWOBJ');
    m.push(new PInstance(m.classRef(m.pop(), 'NEWOBJ'), args));
  }],
  ['NEWOBJ_EX', '\x92', (m) => {
    const kwargs = m.pop();
    const args = m.tupleItems(m.pop(), 'NEWOBJ_EX');
    if (!(kwargs instanceof PDict)) throw m.malformed(`NEWOBJ_EX expects a dict of keyword arguments, got ${typeName(kwargs)}`);
    m.push(new PInstance(m.classRef(m.pop(), 'NEWOBJ_EX'), args, kwargs));
  }],
  ['PROTO', '\x80', (m) => {
    const v = m.u8();
    if (v > HIGHEST_PROTOCOL) throw m.unsupported(`pickle protocol ${v} is newer than ${HIGHEST_PROTOCOL}`);
    m.proto = v;
  }],
  ['STOP', '.', (m) => {
    m.result = m.pop();
    m.done = true;
  }],
  ['FRAME', '\x95', (m) => {
    // framing only groups opcodes for buffered reads; the declared length must still fit
    const n = m.u64();
    const left = m.remaining();
    if (n > left) throw m.malformed(`declared length ${n} exceeds the ${left} bytes left (truncated?)`);
  }],
  ['PERSID', 'P', unsupported('persistent IDs need the application that wrote them (persistent_load)')],
  ['BINPERSID', 'Q', unsupported('persistent IDs need the application that wrote them (persistent_load)')],
];

/** `list.extend(items)` without spreading (a spread of 10^5 arguments overflows the call stack). */
function extend(list: PNode[], items: readonly PNode[]): void {
  for (const x of items) list.push(x);
}

function setItems(m: Machine, items: PNode[]): void {
  const target = m.top();
  let dict: PDict;
  if (target instanceof PDict) dict = target;
  else if (target instanceof PInstance) dict = target.dict ??= new PDict();
  else throw m.malformed(`cannot set items on ${typeName(target)}`);
  for (let i = 0; i < items.length; i += 2) dict.set(items[i] ?? null, items[i + 1] ?? null);
}

/** Opcode byte → [name, step]. */
const OPS: ReadonlyArray<readonly [string, Step] | undefined> = (() => {
  const table: (readonly [string, Step] | undefined)[] = new Array<undefined>(256).fill(undefined);
  for (const [name, ch, step] of OP_LIST) table[ch.charCodeAt(0)] = [name, step];
  return table;
})();

/**
 * Reads a Python pickle (protocols 0–5) into a {@link SessionValue}, without importing or running
 * anything: a class is only its name, and unknown classes come back as
 * `PyObject('module.Qualname', { args, state })`.
 *
 * @throws {MalformedInputError} `ERR_MALFORMED` — truncated or invalid pickle (the message names
 *   the offset and opcode).
 * @throws {UnsupportedPickleError} `ERR_PICKLE_UNSUPPORTED` — PERSID/BINPERSID, EXT1/2/4,
 *   NEXT_BUFFER/READONLY_BUFFER, or a protocol above 5.
 * @throws {LimitExceededError} `ERR_LIMIT_EXCEEDED` — input length, MARK/container nesting, memo
 *   size, value count (shared references included) or integer size over its limit.
 *
 * @example
 * // pickle.dumps({'_auth_user_id': '1'}, protocol=2)
 * const bytes = Uint8Array.from(atob('gAJ9cQBYDQAAAF9hdXRoX3VzZXJfaWRxAVgBAAAAMXECcy4='), (c) => c.charCodeAt(0));
 * unpickle(bytes); // → { _auth_user_id: '1' }
 */
export function unpickle(bytes: Uint8Array, limits?: Partial<Limits>): SessionValue {
  const resolved = resolveLimits(limits);
  if (!(bytes instanceof Uint8Array)) throw new MalformedInputError('Malformed pickle: input is not a Uint8Array');
  if (bytes.length > resolved.maxInputLength) {
    throw new LimitExceededError(`Pickle of ${bytes.length} bytes exceeds limits.maxInputLength (${resolved.maxInputLength})`);
  }
  if (bytes.length === 0) throw new MalformedInputError('Malformed pickle at offset 0: empty input');
  try {
    return toTree(new Machine(bytes, resolved).run(), resolved);
  } catch (e) {
    // A maxDepth set far above the default can still exhaust the JavaScript stack.
    if (e instanceof RangeError && !(e instanceof SessionLensError)) {
      throw new LimitExceededError('Pickle nests too deeply for the JavaScript stack', { cause: e });
    }
    throw e;
  }
}
