import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import type { SessionValue } from '../lib/codec/index.ts';
import { EditProblem, NODE_KINDS, changeKind, newEntryId, toEditNode, toExactJson, type EditEntry, type EditNode, type NodeKind } from './edit-tree.ts';
import { escapeLine } from './escape.ts';

export interface SessionEditorProps {
  /** The decoded session (verified by a stored key). */
  data: SessionValue;
  /** Label of the stored key that verified it, for the warning. */
  keyLabel?: string;
  /** Saves the new data (exact JSON text); `reload` when the page should reload after. Rejects with `{ message }`. */
  onSave(json: string, reload: boolean): Promise<void>;
  onCancel(): void;
  /** Offer "reload the page" (DevTools only). */
  canReload?: boolean;
}

/**
 * **Edit session**: the decoded data as an editable tree (add, change, remove keys; JSON types;
 * numbers kept as typed, so big integers stay exact). Save re-signs it in the background with the
 * stored key that verified it — the panel says plainly that this forges a session.
 */
export function SessionEditor({ data, keyLabel, onSave, onCancel, canReload }: SessionEditorProps): JSX.Element {
  const [root, setRoot] = useState<EditNode>(() => toEditNode(data));
  const [reload, setReload] = useState(false);
  const [status, setStatus] = useState<{ kind: 'idle' | 'saving' | 'error'; text?: string }>({ kind: 'idle' });
  const json = toExactJson(root);
  const save = async () => {
    if (json instanceof EditProblem) return;
    setStatus({ kind: 'saving' });
    try {
      await onSave(json, reload);
      setStatus({ kind: 'idle' });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Object && 'message' in e ? String(e.message) : String(e) });
    }
  };
  return (
    <section class="editor" aria-label="Edit session" data-testid="session-editor">
      <p class="warning" role="note" data-testid="forge-warning">
        Saving signs this data with the site’s own secret key{keyLabel ? ` (stored key “${escapeLine(keyLabel)}”)` : ''}: you are forging a session the
        site will trust. Do it only on sites you develop.
      </p>
      <EditNodeView node={root} path="session" onChange={setRoot} />
      {json instanceof EditProblem ? (
        <p class="error" role="alert" data-testid="edit-problem">
          {escapeLine(json.path)}: {escapeLine(json.message)}
        </p>
      ) : null}
      {status.kind === 'error' ? (
        <p class="error" role="alert" data-testid="edit-error">
          {escapeLine(status.text ?? '')}
        </p>
      ) : null}
      <div class="toolbar">
        <button type="button" class="primary" disabled={json instanceof EditProblem || status.kind === 'saving'} onClick={() => void save()}>
          {status.kind === 'saving' ? 'Signing…' : 'Save and re-sign'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        {canReload ? (
          <label>
            <input type="checkbox" checked={reload} onChange={(e) => setReload(e.currentTarget.checked)} /> Reload the page after saving
          </label>
        ) : null}
      </div>
    </section>
  );
}

interface NodeViewProps {
  node: EditNode;
  path: string;
  onChange(next: EditNode): void;
}

/** A container's children with add/remove, or a scalar's input. */
function EditNodeView({ node, path, onChange }: NodeViewProps): JSX.Element {
  if (node.kind !== 'object' && node.kind !== 'array') return <ScalarInput node={node} path={path} onChange={onChange} />;
  const entries = node.kind === 'object' ? node.entries : node.items;
  const set = (next: EditEntry[]) => onChange(node.kind === 'object' ? { kind: 'object', entries: next } : { kind: 'array', items: next });
  const add = () => set([...entries, { id: newEntryId(), key: node.kind === 'object' ? freeKey(entries) : '', node: { kind: 'string', text: '' } }]);
  return (
    <ul class="edit-children" aria-label={`Children of ${path}`}>
      {entries.map((e, i) => {
        const childPath = node.kind === 'object' ? `${path}.${e.key}` : `${path}[${i}]`;
        const replace = (patch: Partial<EditEntry>) => set(entries.map((x) => (x.id === e.id ? { ...x, ...patch } : x)));
        return (
          <li key={e.id} class="edit-row" data-key={node.kind === 'object' ? e.key : String(i)}>
            {node.kind === 'object' ? (
              <input class="edit-key" aria-label={`Key ${childPath}`} value={e.key} onInput={(ev) => replace({ key: ev.currentTarget.value })} />
            ) : (
              <span class="edit-index">{i}</span>
            )}
            <select aria-label={`Type of ${childPath}`} value={e.node.kind} onChange={(ev) => replace({ node: changeKind(e.node, ev.currentTarget.value as NodeKind) })}>
              {NODE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {k}
                </option>
              ))}
            </select>
            <button type="button" aria-label={`Remove ${childPath}`} onClick={() => set(entries.filter((x) => x.id !== e.id))}>
              ✕
            </button>
            <EditNodeView node={e.node} path={childPath} onChange={(n) => replace({ node: n })} />
          </li>
        );
      })}
      <li>
        <button type="button" onClick={add} aria-label={`Add to ${path}`}>
          + {node.kind === 'object' ? 'key' : 'item'}
        </button>
      </li>
    </ul>
  );
}

function ScalarInput({ node, path, onChange }: NodeViewProps): JSX.Element {
  switch (node.kind) {
    case 'boolean':
      return (
        <input type="checkbox" aria-label={`Value of ${path}`} checked={node.value} onChange={(e) => onChange({ kind: 'boolean', value: e.currentTarget.checked })} />
      );
    case 'null':
      return <span class="muted">null</span>;
    case 'json':
      return <textarea aria-label={`Value of ${path}`} rows={2} value={node.text} onInput={(e) => onChange({ kind: 'json', text: e.currentTarget.value })} />;
    case 'string':
    case 'number':
      return (
        <input
          class="edit-value"
          aria-label={`Value of ${path}`}
          inputMode={node.kind === 'number' ? 'decimal' : undefined}
          value={node.text}
          onInput={(e) => onChange({ kind: node.kind, text: e.currentTarget.value })}
        />
      );
    default:
      return <span />;
  }
}

/** `new_key`, `new_key_2` …: a key the object does not have yet. */
function freeKey(entries: readonly EditEntry[]): string {
  const keys = new Set(entries.map((e) => e.key));
  let k = 'new_key';
  for (let i = 2; keys.has(k); i++) k = `new_key_${i}`;
  return k;
}
