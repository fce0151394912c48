import { useState } from 'preact/hooks';
import type { JSX } from 'preact';
import { PyObject, sessionKeys, type SessionValue } from '../lib/codec/index.ts';
import { escapeLine, escapeText } from './escape.ts';

/** Children shown per container before a "show more" button (keeps huge sessions cheap). */
const PAGE = 200;
/** Containers deeper than this start collapsed. */
const OPEN_DEPTH = 3;

/** Session keys Django gives a meaning to, explained on hover. */
const KNOWN_KEYS: Record<string, string> = {
  _auth_user_id: 'The logged-in user id',
  _auth_user_backend: 'The authentication backend that logged the user in',
  _auth_user_hash: 'HMAC of the password hash: changes when the password does',
  _session_expiry: 'Per-session expiry (seconds or a date)',
};

export interface DecodedTreeProps {
  value: SessionValue;
  /** Label of the root node. */
  label?: string;
}

/**
 * A decoded session as a collapsible tree (`<details>`/`<summary>`, so it works with the keyboard).
 * Every key and value is rendered as text — HTML in session data shows as its characters.
 */
export function DecodedTree({ value, label = 'session' }: DecodedTreeProps): JSX.Element {
  return (
    <div class="tree" role="group" aria-label={`Decoded ${label}`} data-testid="decoded-tree">
      <TreeNode name={label} value={value} depth={0} />
    </div>
  );
}

interface NodeProps {
  name: string;
  value: SessionValue;
  depth: number;
}

function TreeNode({ name, value, depth }: NodeProps): JSX.Element {
  const children = childrenOf(value);
  const title = KNOWN_KEYS[name];
  if (children === null) {
    return (
      <div class="tree-leaf" title={title}>
        <span class="tree-key">{escapeLine(name)}</span>
        <span class="tree-sep">: </span>
        <Scalar value={value} />
      </div>
    );
  }
  return (
    <details class="tree-branch" open={depth < OPEN_DEPTH}>
      <summary title={title}>
        <span class="tree-key">{escapeLine(name)}</span>
        <span class="tree-sep">: </span>
        <span class="tree-type">{escapeLine(summaryOf(value, children.length))}</span>
      </summary>
      <Children entries={children} depth={depth + 1} />
    </details>
  );
}

function Children({ entries, depth }: { entries: [string, SessionValue][]; depth: number }): JSX.Element {
  const [shown, setShown] = useState(PAGE);
  return (
    <div class="tree-children">
      {entries.slice(0, shown).map(([k, v]) => (
        <TreeNode key={k} name={k} value={v} depth={depth} />
      ))}
      {entries.length > shown ? (
        <button type="button" class="link" onClick={() => setShown(shown + PAGE)}>
          Show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
        </button>
      ) : null}
    </div>
  );
}

function Scalar({ value }: { value: SessionValue }): JSX.Element {
  if (value === null) return <span class="v-null">null</span>;
  switch (typeof value) {
    case 'string':
      return <span class="v-string">{escapeText(JSON.stringify(value))}</span>;
    case 'number':
      return <span class="v-number">{String(value)}</span>;
    case 'bigint':
      return (
        <span class="v-number" title="Integer beyond 2^53, kept exact">
          {value.toString()}
        </span>
      );
    case 'boolean':
      return <span class="v-bool">{value ? 'true' : 'false'}</span>;
    default:
      if (value instanceof PyObject && value.type === 'float' && value.fields.value !== undefined) {
        return (
          <span class="v-number" title="Python float">
            {value.fields.value}
          </span>
        );
      }
      if (value instanceof PyObject) {
        return (
          <span class="v-py">
            <span class="tree-type">{escapeLine(value.type)}</span> {escapeText(value.fields.value ?? '')}
          </span>
        );
      }
      return <span class="v-null">{Array.isArray(value) ? '[]' : '{}'}</span>;
  }
}

/** The children of a container, or `null` for a leaf (scalars and PyObjects with only a `value`). */
function childrenOf(value: SessionValue): [string, SessionValue][] | null {
  if (value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) return value.length ? value.map((v, i) => [String(i), v]) : null;
  if (value instanceof PyObject && value.type === 'tuple') {
    const items = value.fields.items ?? [];
    return items.length ? items.map((v, i) => [String(i), v]) : null;
  }
  if (value instanceof PyObject) {
    const f = value.fields;
    const out: [string, SessionValue][] = [];
    if (f.args?.length) out.push(['args', f.args]);
    if (f.state !== undefined) out.push(['state', f.state]);
    if (f.items?.length) out.push(['items', f.items]);
    if (f.entries?.length) f.entries.forEach(([k, v], i) => out.push([`[${i}] ${keyText(k)}`, v]));
    return out.length ? out : null;
  }
  const keys = sessionKeys(value);
  return keys.length ? keys.map((k) => [k, value[k] as SessionValue]) : null;
}

function keyText(k: SessionValue): string {
  if (typeof k === 'string') return JSON.stringify(k);
  if (typeof k === 'bigint') return k.toString();
  if (k instanceof PyObject) return `${k.type}(${k.fields.value ?? '…'})`;
  return String(k);
}

function summaryOf(value: SessionValue, n: number): string {
  if (Array.isArray(value)) return `Array(${n})`;
  if (value instanceof PyObject && value.type === 'tuple') return `tuple(${n})`;
  if (value instanceof PyObject) return `${value.type}${value.fields.value ? ` ${value.fields.value}` : ''}`;
  return `{${n} ${n === 1 ? 'key' : 'keys'}}`;
}
