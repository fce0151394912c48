/**
 * Turns the pickle machine's object graph into a finite {@link SessionValue} tree.
 *
 * Shared references are copied, so every copy is charged to `limits.maxItems`: a "billion laughs"
 * pickle (`a = ['lol']; b = [a] * 10; c = [b] * 10; …`, a few hundred bytes thanks to the memo)
 * stops with `ERR_LIMIT_EXCEEDED` long before it could fill memory. The text those copies add up
 * to (strings, bytes reprs, big integers, readable values) is charged to
 * `limits.maxDecompressedSize` too, so one shared 500 kB string cannot become a terabyte of JSON.
 * A reference back to an
 * ancestor (`l = []; l.append(l)`, Python shows `[[...]]`) becomes
 * `PyObject('recursion', { value: '[...]' })` — `{...}` for dicts and sets, `(...)` for tuples,
 * `...` for other objects. Dicts with only `str` keys become plain objects in which a key named
 * `__proto__` is an ordinary own property (as in parseJson), never the prototype.
 */
import { LimitExceededError } from './errors.ts';
import type { Limits } from './limits.ts';
import { keepKeyOrder, pyFloat, PyObject, pyTuple } from './value.ts';
import type { PyObjectFields, SessionObject, SessionValue } from './value.ts';
import { PBytes, PDict, PFloat, PGlobal, PInstance, PList, PSet, PTuple } from './pickle-nodes.ts';
import type { PNode } from './pickle-nodes.ts';
import { bytesValue, readKnown } from './pickle-known.ts';
import type { KnownContext } from './pickle-known.ts';

/** Python's `repr(float)` for the three floats JSON cannot hold. */
function scalar(n: null | boolean | number | bigint | string): SessionValue {
  if (typeof n === 'number' && !Number.isFinite(n)) {
    return new PyObject('float', { value: Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf' });
  }
  return n;
}

function recursionMarker(node: Branch): PyObject {
  const value =
    node instanceof PList ? '[...]' : node instanceof PTuple ? '(...)' : node instanceof PDict || node instanceof PSet ? '{...}' : '...';
  return new PyObject('recursion', { value });
}

/** A Python 2 `str`: text when it is ASCII or UTF-8, else bytes. */
function str8(bytes: Uint8Array): SessionValue {
  if (bytes.every((b) => b < 0x80)) {
    let text = '';
    for (let i = 0; i < bytes.length; i += 8192) text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    return text;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return bytesValue('bytes', bytes);
  }
}

/** Containers that can hold themselves; `visiting` marks the ones on the current path. */
type Branch = PList | PTuple | PDict | PSet | PInstance;

const U64 = 1n << 64n;
const U256 = 1n << 256n;

type TreeLimits = Pick<Limits, 'maxDepth' | 'maxItems' | 'maxDecompressedSize'>;

class Tree implements KnownContext {
  private items = 0;
  private depth = 0;
  private size = 0;

  constructor(private readonly limits: TreeLimits) {}

  /** Charges the text a value adds when printed (an upper bound for big integers). */
  private charge<T extends SessionValue>(v: T): T {
    if (typeof v === 'string') this.size += v.length;
    else if (typeof v === 'bigint') {
      const a = v < 0n ? -v : v;
      this.size += a < U64 ? 20 : a < U256 ? 78 : 5000; // LONG4 is capped at 2048 bytes: ≤ 4933 digits
    } else if (v instanceof PyObject) this.size += v.fields.value?.length ?? 0;
    if (this.size > this.limits.maxDecompressedSize) {
      throw new LimitExceededError(
        `Pickle expands to more than ${this.limits.maxDecompressedSize} characters of text (limits.maxDecompressedSize); shared references are copied`,
      );
    }
    return v;
  }

  /** One value, charged to the budget; a container on the current path becomes a marker. */
  value = (node: PNode): SessionValue => {
    if (++this.items > this.limits.maxItems) {
      throw new LimitExceededError(
        `Pickle expands to more than ${this.limits.maxItems} values (limits.maxItems); shared references are copied`,
      );
    }
    if (node === null || typeof node !== 'object') return this.charge(scalar(node));
    if (node instanceof PBytes) {
      node.cached ??= node.kind === 'str8' ? str8(node.bytes) : bytesValue(node.kind, node.bytes);
      return this.charge(node.cached);
    }
    if (node instanceof PGlobal) return this.charge(new PyObject('class', { value: node.name }));
    if (node instanceof PFloat) return this.charge(pyFloat(node.value));
    if (node.visiting) return recursionMarker(node);
    if (this.depth >= this.limits.maxDepth) {
      throw new LimitExceededError(`Pickle nests deeper than ${this.limits.maxDepth} levels (limits.maxDepth)`);
    }
    node.visiting = true;
    this.depth++;
    try {
      return this.branch(node);
    } finally {
      node.visiting = false;
      this.depth--;
    }
  };

  private all(nodes: readonly PNode[]): SessionValue[] {
    const out = new Array<SessionValue>(nodes.length);
    for (let i = 0; i < nodes.length; i++) out[i] = this.value(nodes[i] ?? null);
    return out;
  }

  private branch(node: Branch): SessionValue {
    if (node instanceof PList) return this.all(node.items);
    if (node instanceof PTuple) return pyTuple(this.all(node.items));
    if (node instanceof PDict) return this.dict(node.keys, node.values);
    if (node instanceof PSet) return new PyObject(node.kind, { items: this.all(node.items) });
    if (node.known !== undefined) return this.charge(node.known);
    const before = this.items;
    const known = readKnown(node, this);
    if (known === undefined) return this.generic(node);
    // a value read from the arguments alone (datetime, Decimal …) is reused for every copy; one
    // that copied children (set, OrderedDict) is read again, so that each copy is charged
    if (this.items === before) node.known = known;
    return this.charge(known);
  }

  private dict(keys: readonly PNode[], values: readonly PNode[]): SessionValue {
    const ks = this.all(keys);
    const vs = this.all(values);
    if (ks.every((k): k is string => typeof k === 'string')) {
      const out: SessionObject = {};
      for (let i = 0; i < ks.length; i++) {
        const k = ks[i] as string;
        const v = vs[i] ?? null;
        // like parseJson (json.ts): `__proto__` stays an ordinary own key, never the prototype
        if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
        else out[k] = v;
      }
      return keepKeyOrder(out, ks as string[]);
    }
    return new PyObject('dict', { entries: ks.map((k, i): [SessionValue, SessionValue] => [k, vs[i] ?? null]) });
  }

  private generic(inst: PInstance): PyObject {
    const fields: PyObjectFields = {};
    const args = this.all(inst.args);
    if (inst.kwargs instanceof PDict ? inst.kwargs.keys.length > 0 : inst.kwargs !== null) args.push(this.value(inst.kwargs));
    if (args.length > 0) fields.args = args;
    if (inst.state !== undefined) fields.state = this.value(inst.state);
    if (inst.items.length > 0) fields.items = this.all(inst.items);
    const d = inst.dict;
    if (d && d.keys.length > 0) {
      fields.entries = d.keys.map((k, i): [SessionValue, SessionValue] => [this.value(k), this.value(d.values[i] ?? null)]);
    }
    return new PyObject(inst.cls, fields);
  }
}

/**
 * Builds the tree. Throws {@link LimitExceededError} past `maxItems` values, `maxDepth` levels or
 * `maxDecompressedSize` characters of text.
 * @example
 * const l = new PList(); l.items.push(1, l);
 * toTree(l, DEFAULT_LIMITS) // [1, PyObject('recursion', { value: '[...]' })]
 */
export function toTree(root: PNode, limits: TreeLimits): SessionValue {
  return new Tree(limits).value(root);
}
