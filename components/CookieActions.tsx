import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { CookieEditor } from './CookieEditor.tsx';
import type { DecodeState } from './CookieDetails.tsx';
import type { PanelEditSource } from './edit-source.ts';
import { escapeLine } from './escape.ts';
import { errorText } from './panel-hooks.ts';
import { SessionEditor } from './SessionEditor.tsx';
import type { CookieRow, DecodedView } from './view-model.ts';

/** Django's messages cookie salt: signed, but not a session to edit. */
const MESSAGES_SALT = 'django.contrib.messages';

/**
 * True when the panel offers **Edit session**: a Django signed JSON value a stored key verified
 * (the background checks again before it signs anything).
 *
 * @example
 * canEditSession(decoded) // true for a verified signed_cookies session
 */
export function canEditSession(d: DecodedView): boolean {
  return d.signature.state === 'verified' && d.format === 'django-signed' && d.serializer === 'json' && d.signature.salt !== MESSAGES_SALT;
}

export interface CookieActionsProps {
  cookie: CookieRow;
  decoded: DecodeState;
  /** The site's host (a new cookie's default domain). */
  host: string;
  edit: PanelEditSource;
}

type Mode = 'none' | 'session' | 'cookie' | 'delete';

/**
 * The selected cookie's actions: **Edit session** (verified signed sessions only), **Edit cookie**
 * (value and attributes) and **Delete**, each opening its editor or confirmation in place.
 */
export function CookieActions({ cookie, decoded, host, edit }: CookieActionsProps): JSX.Element {
  const [mode, setMode] = useState<Mode>('none');
  const [note, setNote] = useState('');
  // Another cookie selected: close whatever was open for the previous one. The note stays: after a
  // delete, the next cookie is selected and the note says what happened to the last one.
  useEffect(() => {
    setMode('none');
  }, [cookie.id]);
  const result = decoded.status === 'ok' ? decoded.result : null;
  const sessionEditable = result !== null && canEditSession(result);
  const done = (text: string) => {
    setMode('none');
    setNote(text);
  };
  const remove = async () => {
    try {
      await edit.removeCookie(cookie);
      done(`Deleted ${cookie.name}`);
    } catch (e) {
      setNote(`Could not delete: ${errorText(e)}`);
    }
  };
  return (
    <div class="cookie-actions" data-testid="cookie-actions">
      <div class="toolbar">
        {sessionEditable ? (
          <button type="button" aria-pressed={mode === 'session'} onClick={() => setMode(mode === 'session' ? 'none' : 'session')}>
            Edit session
          </button>
        ) : null}
        <button type="button" aria-pressed={mode === 'cookie'} onClick={() => setMode(mode === 'cookie' ? 'none' : 'cookie')}>
          Edit cookie
        </button>
        <button type="button" onClick={() => setMode('delete')}>
          Delete
        </button>
        <span class="muted" aria-live="polite" data-testid="action-note">
          {escapeLine(note)}
        </span>
      </div>
      {mode === 'delete' ? (
        <p class="confirm" role="alertdialog" aria-label="Delete this cookie?">
          Delete <code>{escapeLine(cookie.name)}</code> from the browser?{' '}
          <button type="button" class="danger" onClick={() => void remove()}>
            Delete cookie
          </button>{' '}
          <button type="button" onClick={() => setMode('none')}>
            Cancel
          </button>
        </p>
      ) : null}
      {mode === 'session' && result && result.signature.state === 'verified' ? (
        <SessionEditor
          data={result.data}
          keyLabel={result.signature.keyLabel}
          canReload={edit.reloadPage !== undefined}
          onCancel={() => setMode('none')}
          onSave={async (json, reload) => {
            await edit.resign(cookie, json);
            done('Session re-signed and saved');
            if (reload) edit.reloadPage?.();
          }}
        />
      ) : null}
      {mode === 'cookie' ? (
        <CookieEditor
          cookie={cookie}
          host={host}
          onCancel={() => setMode('none')}
          onSave={async (form) => {
            await edit.setCookie(form, cookie);
            done(`Saved ${form.name}`);
          }}
        />
      ) : null}
    </div>
  );
}
