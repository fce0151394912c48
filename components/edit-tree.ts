/**
 * The session editor's model: a decoded session as an editable tree of JSON nodes, and back to the
 * codec's exact JSON text. Numbers stay text from end to end, so `12345678901234567890` and `1.0`
 * reach the background exactly as typed; Python objects the editor cannot show as JSON types
 * (datetimes, sets …) stay their exact `{"$py": …}` JSON, editable as text.
 */
import { PyObject, isSessionObject, sessionKeys, stringifyJson, type SessionValue } from '../lib/codec/index.ts';

/** The JSON types the editor offers. */
export const NODE_KINDS = ['string', 'number', 'boolean', 'null', 'object', 'array', 'json'] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** One editable value. `json` is any exact-JSON text (a Python object). */
export type EditNode =
  | { kind: 'string'; text: string }
  | { kind: 'number'; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'object'; entries: EditEntry[] }
  | { kind: 'array'; items: EditEntry[] }
  | { kind: 'json'; text: string };

/** A child: its key (objects; ignored in arrays), a stable id for rendering, its node. */
export interface EditEntry {
  id: number;
  key: string;
  node: EditNode;
}

let nextId = 1;
/** A fresh id for a new entry. */
export const newEntryId = (): number => nextId++;

/**
 * A decoded value as an editable tree.
 *
 * @example
 * toEditNode({ _auth_user_id: '1', big: 2n ** 64n }) // { kind: 'object', entries: [ … { key: 'big', node: { kind: 'number', text: '18446744073709551616' } } ] }
 */
export function toEditNode(v: SessionValue): EditNode {
  if (v === null) return { kind: 'null' };
  switch (typeof v) {
    case 'string':
      return { kind: 'string', text: v };
    case 'boolean':
      return { kind: 'boolean', value: v };
    case 'number':
    case 'bigint':
      return { kind: 'number', text: stringifyJson(v) };
  }
  if (Array.isArray(v)) return { kind: 'array', items: v.map((x) => ({ id: newEntryId(), key: '', node: toEditNode(x) })) };
  if (v instanceof PyObject) return v.type === 'float' ? { kind: 'number', text: stringifyJson(v) } : { kind: 'json', text: stringifyJson(v) };
  if (isSessionObject(v)) return { kind: 'object', entries: sessionKeys(v).map((k) => ({ id: newEntryId(), key: k, node: toEditNode(v[k]!) })) };
  return { kind: 'json', text: stringifyJson(v) };
}

/**
 * The default node of a kind, keeping what can be kept of the old one (a number's text as a string …).
 *
 * @example
 * changeKind({ kind: 'number', text: '1' }, 'string') // { kind: 'string', text: '1' }
 */
export function changeKind(old: EditNode, kind: NodeKind): EditNode {
  const text = old.kind === 'string' || old.kind === 'number' || old.kind === 'json' ? old.text : '';
  switch (kind) {
    case 'string':
      return { kind, text };
    case 'number':
      return { kind, text: NUMBER_RE.test(text) ? text : '0' };
    case 'boolean':
      return { kind, value: old.kind === 'boolean' ? old.value : false };
    case 'null':
      return { kind };
    case 'object':
      return { kind, entries: [] };
    case 'array':
      return { kind, items: [] };
    case 'json':
      return { kind, text: old.kind === 'json' ? old.text : 'null' };
  }
}

/** RFC 8259 §6's number grammar. */
const NUMBER_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Where in the tree a problem is, and what it is. */
export class EditProblem {
  constructor(
    readonly path: string,
    readonly message: string,
  ) {}
}

/**
 * The exact JSON text of a tree, or the first problem (a bad number, a duplicate or empty key).
 *
 * @example
 * toExactJson({ kind: 'object', entries: [{ id: 1, key: 'n', node: { kind: 'number', text: '12345678901234567890' } }] }) // '{"n":12345678901234567890}'
 */
export function toExactJson(node: EditNode, path = 'session'): string | EditProblem {
  switch (node.kind) {
    case 'string':
      return JSON.stringify(node.text);
    case 'number':
      return NUMBER_RE.test(node.text.trim()) ? node.text.trim() : new EditProblem(path, `"${node.text.slice(0, 40)}" is not a JSON number`);
    case 'boolean':
      return node.value ? 'true' : 'false';
    case 'null':
      return 'null';
    case 'json':
      return jsonProblem(node.text, path) ?? node.text;
    case 'array': {
      const parts: string[] = [];
      for (const [i, e] of node.items.entries()) {
        const t = toExactJson(e.node, `${path}[${i}]`);
        if (t instanceof EditProblem) return t;
        parts.push(t);
      }
      return `[${parts.join(',')}]`;
    }
    case 'object': {
      const parts: string[] = [];
      const seen = new Set<string>();
      for (const e of node.entries) {
        const where = `${path}.${e.key}`;
        if (e.key === '') return new EditProblem(path, 'A key is empty');
        if (seen.has(e.key)) return new EditProblem(where, `Key "${e.key.slice(0, 40)}" appears twice`);
        seen.add(e.key);
        const t = toExactJson(e.node, where);
        if (t instanceof EditProblem) return t;
        parts.push(`${JSON.stringify(e.key)}:${t}`);
      }
      return `{${parts.join(',')}}`;
    }
  }
}

function jsonProblem(text: string, path: string): EditProblem | null {
  try {
    JSON.parse(text);
    return null;
  } catch {
    return new EditProblem(path, 'Not valid JSON');
  }
}
