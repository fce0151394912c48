import { useState } from 'preact/hooks';
import { companionUrlError as urlError, type CompanionStatus } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';

/** Props of {@link CompanionSection}. */
export interface CompanionSectionProps {
  url: string;
  hasToken: boolean;
  /** Saves URL and token (`undefined` keeps the stored token). Rejects with a message to show. */
  onSave: (url: string, token: string | undefined) => Promise<void>;
  /** Tests a URL and token (unsaved values allowed; the stored token only goes to the saved URL's origin). */
  onTest: (url: string, token: string | undefined) => Promise<CompanionStatus>;
}

/**
 * The companion server: URL, Bearer token (write-only) and a connection test.
 *
 * @example
 * <CompanionSection url={s.companion.url} hasToken={s.companion.hasToken} onSave={save} onTest={test} />
 */
export function CompanionSection({ url: savedUrl, hasToken, onSave, onTest }: CompanionSectionProps) {
  const [url, setUrl] = useState(savedUrl);
  const [token, setToken] = useState('');
  const [status, setStatus] = useState<CompanionStatus | null>(null);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const invalid = urlError(url.trim());

  async function run(fn: () => Promise<void>) {
    setBusy(true);
    try {
      await fn();
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="opt-section" aria-labelledby="companion-title">
      <h2 id="companion-title">Companion server</h2>
      <p class="muted">
        Optional: shows server-side data for opaque session keys (db, cache, file engines). Run{' '}
        <code>npx session-lens serve</code> next to your Django project.
      </p>
      <Field id="companion-url" label="URL" errors={invalid ? [invalid] : undefined}>
        <input id="companion-url" placeholder="http://127.0.0.1:8399" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
      </Field>
      <Field id="companion-token" label="Token" hint={hasToken ? 'A token is stored for the saved URL; leave empty to keep it (it is never sent to another URL).' : 'The token the companion printed.'}>
        <input
          id="companion-token"
          type="password"
          autoComplete="off"
          value={token}
          onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)}
        />
      </Field>
      <div class="opt-actions">
        <button
          type="button"
          class="primary"
          disabled={busy || invalid !== null}
          onClick={() =>
            void run(async () => {
              await onSave(url.trim(), token === '' ? undefined : token);
              setToken('');
              setMessage({ kind: 'ok', text: 'Companion settings saved' });
            })
          }
        >
          Save
        </button>
        <button
          type="button"
          disabled={busy || invalid !== null || url.trim() === ''}
          onClick={() =>
            void run(async () => {
              setStatus(await onTest(url.trim(), token === '' ? undefined : token));
              setMessage(null);
            })
          }
        >
          Test connection
        </button>
        {message ? (
          <span class={message.kind} role="status">
            {message.text}
          </span>
        ) : null}
      </div>
      {status ? (
        <p class={`opt-conn conn-${status.state === 'connected' ? 'up' : 'down'}`} role="status" data-state={status.state}>
          {status.state}: {status.message}
        </p>
      ) : null}
    </section>
  );
}
