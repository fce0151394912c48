/**
 * Turns the pickle machine's object graph into a finite {@link SessionValue} tree.
 *
 * Shared references are copied, so every copy is charged to `limits.maxItems`: a "billion laughs"
 * pickle (`a = ['lol']; b = [a] * 10; c = [b] * 10; …`, a few hundred bytes thanks to the memo)
 * stops with `ERR_LIMIT_EXCEEDED` long before it could fill memory. A reference back to an
 * ancestor (`l = []; l.append(l)`, Python shows `[[...]]`) becomes
 * `PyObject('recursion', { value: '[...]' })` — `{...}` for dicts and sets, `(...)` for tuples,
 * `...` for other objects. Dicts with only `str` keys become null-prototype objects, so a key
 * named `__proto__` is an ordinary key.
 */
import { LimitExceededError } from './errors.ts';
import type { Limits } from './limits.ts';
import { PyObject } from './value.ts';
import type { PyObjectFields, SessionObject, SessionValue } from './value.ts';
import { PBytes, PDict, PGlobal, PInstance, PList, PSet, PTuple } from './pickle-nodes.ts';
import type { PNode, PRef } from './pickle-nodes.ts';
import { bytesValue, readKnown } from './pickle-known.ts';

/** Python's `repr(float)` for the three floats JSON cannot hold. */
function scalar(n: null | boolean | number | bigint | string): SessionValue {
  if (typeof n === 'number' && !Number.isFinite(n)) {
    return new PyObject('float', { value: Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf' });
  }
  return n;
}

function recursionMarker(node: PRef): PyObject {
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

/**
 * Builds the tree. Throws {@link LimitExceededError} past `maxItems` values or `maxDepth` levels.
 */
export function toTree(root: PNode, limits: Pick<Limits, 'maxDepth' | 'maxItems'>): SessionValue {
  const onPath = new Set<PRef>();
  let items = 0;
  let depth = 0;

  const value = (node: PNode): SessionValue => {
    if (++items > limits.maxItems) {
      throw new LimitExceededError(
        `Pickle expands to more than ${limits.maxItems} values (limits.maxItems); shared references are copied`,
      );
    }
    if (node === null || typeof node !== 'object') return scalar(node);
    if (onPath.has(node)) return recursionMarker(node);
    if (depth >= limits.maxDepth) {
      throw new LimitExceededError(`Pickle nests deeper than ${limits.maxDepth} levels (limits.maxDepth)`);
    }
    onPath.add(node);
    depth++;
    try {
      return container(node);
    } finally {
      onPath.delete(node);
      depth--;
    }
  };

  const dict = (keys: readonly PNode[], values: readonly PNode[]): SessionValue => {
    const ks = keys.map(value);
    const vs = values.map(value);
    if (ks.every((k): k is string => typeof k === 'string')) {
      const out: SessionObject = Object.create(null) as SessionObject;
      ks.forEach((k, i) => {
        out[k] = vs[i] ?? null;
      });
      return out;
    }
    return new PyObject('dict', { entries: ks.map((k, i): [SessionValue, SessionValue] => [k, vs[i] ?? null]) });
  };

  const generic = (inst: PInstance): PyObject => {
    const fields: PyObjectFields = {};
    const args = inst.args.map(value);
    if (inst.kwargs instanceof PDict ? inst.kwargs.keys.length > 0 : inst.kwargs !== null) args.push(value(inst.kwargs));
    if (args.length > 0) fields.args = args;
    if (inst.state !== undefined) fields.state = value(inst.state);
    if (inst.items.length > 0) fields.items = inst.items.map(value);
    const d = inst.dict;
    if (d && d.keys.length > 0) {
      fields.entries = d.keys.map((k, i): [SessionValue, SessionValue] => [value(k), value(d.values[i] ?? null)]);
    }
    return new PyObject(inst.cls, fields);
  };

  const container = (node: PRef): SessionValue => {
    if (node instanceof PList || node instanceof PTuple) return node.items.map(value);
    if (node instanceof PDict) return dict(node.keys, node.values);
    if (node instanceof PSet) return new PyObject(node.kind, { items: node.items.map(value) });
    if (node instanceof PBytes) return node.kind === 'str8' ? str8(node.bytes) : bytesValue(node.kind, node.bytes);
    if (node instanceof PGlobal) return new PyObject('class', { value: node.name });
    return readKnown(node, { value }) ?? generic(node);
  };

  return value(root);
}
