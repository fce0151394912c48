/**
 * The object graph the pickle machine builds before it becomes a {@link SessionValue} tree.
 *
 * Pickle is a little stack language whose memo (`PUT`/`GET`) lets one object appear in several
 * places, or inside itself: `l = []; l.append(l)` pickles (protocol 2) as
 *
 *     \x80\x02 ] q\x00 h\x00 a .      PROTO 2, EMPTY_LIST, BINPUT 0, BINGET 0, APPEND, STOP
 *
 * and `APPEND`, `SETITEM`, `BUILD` … mutate a container *after* it was memoised. So the machine
 * works on these mutable nodes, shares them by reference exactly as Python would, and only once
 * `STOP` is reached does pickle-tree.ts turn the graph into a finite tree (with a node budget).
 * Scalars (None, bool, int, float, str) are plain JavaScript values; everything else is a node.
 * Nothing here imports or calls anything: a class is only ever its `module.qualname`.
 */
import type { SessionValue } from './value.ts';

/** A value on the pickle stack: a scalar or a reference to a mutable node. */
export type PNode = null | boolean | number | bigint | string | PRef;

/** Every node kind. */
export type PRef = PList | PTuple | PDict | PSet | PBytes | PGlobal | PInstance | PFloat;

/**
 * A Python float that JavaScript would take for an int (`1.0`, `-0.0`, `1e16`) or that JSON
 * cannot hold (nan, ±inf). Floats with a fraction stay plain numbers.
 */
export class PFloat {
  readonly kind = 'float';
  constructor(readonly value: number) {}
}

/** The stack form of a float read by FLOAT / BINFLOAT. */
export function floatNode(x: number): number | PFloat {
  return Number.isFinite(x) && !Number.isInteger(x) ? x : new PFloat(x);
}

/** A Python `list`. */
export class PList {
  readonly kind = 'list';
  /** Set while pickle-tree.ts is inside this node (cycle detection). */
  visiting = false;
  constructor(readonly items: PNode[] = []) {}
}

/** A Python `tuple` (immutable once built). */
export class PTuple {
  readonly kind = 'tuple';
  visiting = false;
  constructor(readonly items: PNode[]) {}
}

/**
 * Identity of a hashable scalar key, so `d[1] = …` twice keeps one entry like Python does
 * (`1`, `1.0` and `True` are one key in Python, and so here). Containers get no identity.
 */
function keyId(k: PNode): string | undefined {
  switch (typeof k) {
    case 'string':
      return `s${k}`;
    case 'boolean':
      return k ? 'i1' : 'i0';
    case 'bigint':
      return `i${k}`;
    case 'number':
      return Number.isInteger(k) ? `i${k}` : `f${k}`;
    default:
      if (k instanceof PFloat) return Number.isInteger(k.value) ? `i${k.value}` : `f${k.value}`;
      return k === null ? 'N' : undefined;
  }
}

/** A Python `dict`, in insertion order. */
export class PDict {
  readonly kind = 'dict';
  visiting = false;
  readonly keys: PNode[] = [];
  readonly values: PNode[] = [];
  private readonly index = new Map<string, number>();

  /** `d[key] = value`: an existing equal key keeps its place and its original key object. */
  set(key: PNode, value: PNode): void {
    const id = keyId(key);
    const at = id === undefined ? undefined : this.index.get(id);
    if (at !== undefined) {
      this.values[at] = value;
      return;
    }
    if (id !== undefined) this.index.set(id, this.keys.length);
    this.keys.push(key);
    this.values.push(value);
  }

  /** `d.get(key)` for a string key. */
  get(key: string): PNode | undefined {
    const at = this.index.get(`s${key}`);
    return at === undefined ? undefined : this.values[at];
  }
}

/** A Python `set` or `frozenset` (protocol 4 `EMPTY_SET` / `FROZENSET`). */
export class PSet {
  visiting = false;
  constructor(
    readonly kind: 'set' | 'frozenset',
    readonly items: PNode[],
  ) {}
}

/**
 * Raw bytes: Python 3 `bytes` / `bytearray`, or `str8` — a Python 2 `str` (STRING, BINSTRING,
 * SHORT_BINSTRING), whose bytes are text to most readers but a byte string to `datetime`.
 */
export class PBytes {
  /** Its value, made once however often the memo shares it (the repr is O(n)). */
  cached: SessionValue | undefined = undefined;
  constructor(
    readonly kind: 'bytes' | 'bytearray' | 'str8',
    readonly bytes: Uint8Array,
  ) {}
}

/** A class or function reference from GLOBAL / STACK_GLOBAL / INST. Never imported. */
export class PGlobal {
  readonly kind = 'global';
  constructor(
    /** `module.qualname`, after Python 2 → 3 renames (`__builtin__` → `builtins` …). */
    readonly name: string,
  ) {}
}

/**
 * What REDUCE / NEWOBJ / NEWOBJ_EX / INST / OBJ made: a call of `cls` that never happened.
 * BUILD sets `state`; APPEND(S) fill `items`; SETITEM(S) fill `dict`; ADDITEMS fill `items`.
 */
export class PInstance {
  readonly kind = 'instance';
  visiting = false;
  /** A known class's value once read, when it holds no copied children. */
  known: SessionValue | undefined = undefined;
  /** BUILD's argument; `undefined` when there was no BUILD. */
  state: PNode | undefined = undefined;
  readonly items: PNode[] = [];
  dict: PDict | undefined = undefined;
  constructor(
    /** `module.qualname` of the callable, or `call` when the callable was not a class reference. */
    readonly cls: string,
    readonly args: PNode[],
    /** NEWOBJ_EX / `copyreg.__newobj_ex__` keyword arguments. */
    readonly kwargs: PNode = null,
  ) {}
}

/**
 * A short Python-like name of a node's type, for error messages.
 * @example typeName(new PDict()) // 'dict'
 */
export function typeName(n: PNode | undefined): string {
  if (n === undefined) return 'nothing';
  if (n === null) return 'None';
  switch (typeof n) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(n) ? 'int' : 'float';
    case 'bigint':
      return 'int';
    case 'string':
      return 'str';
    default:
      if (n instanceof PInstance) return n.cls.length > 80 ? `${n.cls.slice(0, 80)}…` : n.cls;
      return n instanceof PGlobal ? 'class' : n.kind;
  }
}
