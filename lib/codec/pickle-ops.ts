/**
 * The pickle opcodes, each one step of the machine (pickle-machine.ts): names, opcode characters
 * and arguments as in CPython's Lib/pickletools.py, semantics as Lib/pickle.py `_Unpickler` —
 * except that nothing is ever imported or called: REDUCE, NEWOBJ, INST and OBJ only record the call.
 */
import { decodeLong, HIGHEST_PROTOCOL, latin1Text, MAX_INT_BYTES, type Machine, type OpTable, type Step } from './pickle-machine.ts';
import { floatNode, PBytes, PDict, PGlobal, PInstance, PList, PSet, PTuple, typeName } from './pickle-nodes.ts';
import type { PNode } from './pickle-nodes.ts';

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
export const OPS: OpTable = (() => {
  const table: (readonly [string, Step] | undefined)[] = new Array<undefined>(256).fill(undefined);
  for (const [name, ch, step] of OP_LIST) table[ch.charCodeAt(0)] = [name, step];
  return table;
})();
