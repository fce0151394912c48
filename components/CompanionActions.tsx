import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { stringifyJson, type SessionValue } from '../lib/codec/index.ts';
import { errorText } from './panel-hooks.ts';

export interface CompanionActionsProps {
  /** The session's data as the companion returned it. */
  data: SessionValue;
  /** Writes the whole new dict (exact JSON text); rejects with the companion's refusal. */
  onUpdate?: (json: string) => Promise<void>;
  /** Deletes the session on the server. */
  onDelete?: (() => Promise<void>) | undefined;
  /** After a write: read the session (or the list) again. */
  onDone: () => void;
  /** The delete button's words ("Log this session out" for the inspected site's own cookie). */
  deleteLabel?: string;
}

type Mode = { kind: 'idle' } | { kind: 'editing'; draft: string } | { kind: 'confirm-delete' } | { kind: 'busy' };

/**
 * Edit and delete for one server-side session, offered only by a `--allow-write` companion (the
 * caller leaves the handlers out otherwise). The editor holds the session as exact JSON text (big
 * integers exact, Python-only values as `{"$py": …}`); the companion refuses what the store's
 * serializer cannot hold, and that refusal is shown as it comes. Deleting asks for a second click.
 */
export function CompanionActions({ data, onUpdate, onDelete, onDone, deleteLabel = 'Delete session' }: CompanionActionsProps): JSX.Element | null {
  const [mode, setMode] = useState<Mode>({ kind: 'idle' });
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  if (!onUpdate && !onDelete) return null;

  const run = (work: () => Promise<void>, done: string) => {
    setMode({ kind: 'busy' });
    setError(null);
    work().then(
      () => {
        setMode({ kind: 'idle' });
        setNote(done);
        onDone();
      },
      (e: unknown) => {
        setMode({ kind: 'idle' });
        setError(errorText(e));
      },
    );
  };

  return (
    <div class="companion-actions" data-testid="companion-actions">
      {mode.kind === 'editing' ? (
        <div class="companion-editor">
          <p class="warning">
            Saving rewrites this session in the server's store, signed with the companion's SECRET_KEY: you are
            changing what the site believes about this visitor.
          </p>
          <textarea
            data-testid="companion-edit-json"
            aria-label="Session data (JSON)"
            spellcheck={false}
            rows={Math.min(24, Math.max(6, mode.draft.split('\n').length + 1))}
            value={mode.draft}
            onInput={(e) => setMode({ kind: 'editing', draft: (e.target as HTMLTextAreaElement).value })}
          />
          <div class="form-row">
            <button type="button" data-testid="companion-save" onClick={() => onUpdate && run(() => onUpdate(mode.draft), 'Saved on the server.')}>
              Save on server
            </button>
            <button type="button" onClick={() => setMode({ kind: 'idle' })}>
              Cancel
            </button>
          </div>
        </div>
      ) : (
        <div class="form-row">
          {onUpdate ? (
            <button type="button" data-testid="companion-edit" disabled={mode.kind === 'busy'} onClick={() => (setNote(null), setMode({ kind: 'editing', draft: stringifyJson(data, 2) }))}>
              Edit server data
            </button>
          ) : null}
          {onDelete && mode.kind !== 'confirm-delete' ? (
            <button type="button" data-testid="companion-delete" disabled={mode.kind === 'busy'} onClick={() => (setNote(null), setMode({ kind: 'confirm-delete' }))}>
              {deleteLabel}
            </button>
          ) : null}
          {onDelete && mode.kind === 'confirm-delete' ? (
            <>
              <button type="button" class="danger" data-testid="companion-delete-confirm" onClick={() => run(onDelete, 'Deleted: whoever held this session is logged out.')}>
                Yes, delete it on the server
              </button>
              <button type="button" onClick={() => setMode({ kind: 'idle' })}>
                Keep it
              </button>
            </>
          ) : null}
        </div>
      )}
      {error !== null ? (
        <p class="error" role="alert" data-testid="companion-action-error">
          {error}
        </p>
      ) : null}
      {note !== null ? (
        <p class="muted" role="status" data-testid="companion-action-note">
          {note}
        </p>
      ) : null}
    </div>
  );
}
