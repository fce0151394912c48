import { useState } from 'preact/hooks';
import type { KeyHint } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';

/** Props of {@link KeysSection}. */
export interface KeysSectionProps {
  keys: readonly KeyHint[];
  onAdd: (key: string, label: string) => Promise<void>;
  onRemove: (id: string) => Promise<void>;
}

/**
 * Secret keys: a masked list (order = SECRET_KEY then fallbacks) and a write-only add form.
 * The key itself never comes back from the background.
 *
 * @example
 * <KeysSection keys={settings.keys} onAdd={add} onRemove={remove} />
 */
export function KeysSection({ keys, onAdd, onRemove }: KeysSectionProps) {
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function add(e: Event) {
    e.preventDefault();
    if (key === '') {
      setError('Enter a key');
      return;
    }
    setBusy(true);
    try {
      await onAdd(key, label.trim());
      setKey('');
      setLabel('');
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="opt-section" id="keys" aria-labelledby="keys-title">
      <h2 id="keys-title">Secret keys</h2>
      <p class="muted">
        Used to verify signed sessions. Stored only in this browser (storage.local): never synced, never sent anywhere,
        never shown again. Order matters: SECRET_KEY first, then SECRET_KEY_FALLBACKS.
      </p>
      {keys.length === 0 ? (
        <p class="muted">No keys: sessions decode but show as unverified.</p>
      ) : (
        <ol class="opt-keys">
          {keys.map((k, i) => (
            <li key={k.id}>
              <span class="opt-key-label">{k.label}</span> <code>{k.hint}</code>{' '}
              <span class="muted">{i === 0 ? '(SECRET_KEY)' : `(fallback ${i})`}</span>{' '}
              <button type="button" aria-label={`Remove key ${k.label}`} onClick={() => void onRemove(k.id).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      <form class="opt-row" onSubmit={(e) => void add(e)}>
        <Field id="key-label" label="Label">
          <input id="key-label" placeholder="dev" value={label} onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="key-value" label="Secret key" errors={error ? [error] : undefined}>
          <input
            id="key-value"
            type="password"
            autoComplete="off"
            spellcheck={false}
            value={key}
            onInput={(e) => setKey((e.currentTarget as HTMLInputElement).value)}
          />
        </Field>
        <button type="submit" disabled={busy}>
          Add key
        </button>
      </form>
    </section>
  );
}
