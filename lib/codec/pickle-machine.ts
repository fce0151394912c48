/**
 * The pickle virtual machine of pickle.ts: a stack, a stack of MARKed stacks and the memo, with
 * bounded readers for every argument kind. What each opcode does is in pickle-ops.ts (CPython
 * Lib/pickletools.py order); the machine only runs that table, so the two read apart.
 */
import { LimitExceededError, MalformedInputError, UnsupportedPickleError } from './errors.ts';
import type { Limits } from './limits.ts';
import { PGlobal, PTuple, typeName } from './pickle-nodes.ts';
import type { PNode } from './pickle-nodes.ts';

/** Highest protocol CPython writes (3.8+). */
export const HIGHEST_PROTOCOL = 5;
/** CPython 3.11+ `sys.int_info.default_max_str_digits`: `int(text)` refuses longer decimal text. */
const MAX_INT_DIGITS = 4300;
/** Largest binary integer (LONG1/LONG4, hex text) accepted, in bytes: a little above 4300 digits. */
export const MAX_INT_BYTES = 2048;

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

export function latin1Text(bytes: Uint8Array): string {
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
export function decodeLong(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  const hex: string[] = [];
  for (let i = bytes.length - 1; i >= 0; i--) hex.push(HEX[bytes[i] ?? 0] ?? '00');
  let n = BigInt(`0x${hex.join('')}`);
  if ((bytes[bytes.length - 1] ?? 0) & 0x80) n -= 1n << BigInt(bytes.length * 8);
  return toInt(n);
}

/** What one opcode does to the machine. */
export type Step = (m: Machine) => void;

/** Opcode byte → [name, step] (pickle-ops.ts). */
export type OpTable = ReadonlyArray<readonly [string, Step] | undefined>;

/** The pickle virtual machine: a stack, a stack of MARKed stacks, and the memo. */
export class Machine {
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
    private readonly ops: OpTable,
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
      const op = this.ops[code];
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
