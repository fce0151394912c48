import { useState } from 'preact/hooks';
import { KEY_FAMILIES, KEY_FAMILY_INFO, keyFormCheck, type KeyFamily, type KeyHint } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';

/** Props of {@link KeysSection}. */
export interface KeysSectionProps {
  keys: readonly KeyHint[];
  onAdd: (key: string, label: string, family: KeyFamily, salts: string[]) => Promise<void>;
  onRemove: (id: string) => Promise<void>;
  /** The family chosen at first (`#keys=rails` from the panel's "add the secret_key_base"). */
  initialFamily?: KeyFamily | undefined;
}

/** A key's place in its family: the setting itself for the first, a fallback after it. */
function roleOf(k: KeyHint, keys: readonly KeyHint[]): string {
  const i = keys.filter((x) => x.family === k.family).indexOf(k);
  return i === 0 ? KEY_FAMILY_INFO[k.family].setting : `fallback ${i}`;
}

function KeyList({ keys, onRemove }: { keys: readonly KeyHint[]; onRemove: (k: KeyHint) => void }) {
  if (keys.length === 0) return <p class="muted">No keys: sessions decode but show as unverified (encrypted ones stay closed).</p>;
  return (
    <ol class="opt-keys">
      {keys.map((k) => (
        <li key={k.id} data-family={k.family}>
          <span class="opt-key-label">{k.label}</span> <code>{k.hint}</code> <span class="muted">({roleOf(k, keys)})</span>{' '}
          <span class="opt-key-family">· {KEY_FAMILY_INFO[k.family].label}</span>
          {k.salts?.length ? <span class="muted"> · salts {k.salts.join(', ')}</span> : null}{' '}
          <button type="button" aria-label={`Remove key ${k.label}`} onClick={() => onRemove(k)}>
            Remove
          </button>
        </li>
      ))}
    </ol>
  );
}

/**
 * Secret keys, each with its framework's family: a masked list (within a family, the setting
 * first, then fallbacks) and a write-only add form that checks the key has its family's form
 * (`base64:` APP_KEY, 64-byte secret_key_base …) before sending it. The key never comes back.
 *
 * @example
 * <KeysSection keys={settings.keys} onAdd={add} onRemove={remove} initialFamily="rails" />
 */
export function KeysSection({ keys, onAdd, onRemove, initialFamily }: KeysSectionProps) {
  const [family, setFamily] = useState<KeyFamily>(initialFamily ?? 'django');
  const [key, setKey] = useState('');
  const [label, setLabel] = useState('');
  const [salts, setSalts] = useState(['', '']);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const info = KEY_FAMILY_INFO[family];
  const check = key === '' ? {} : keyFormCheck(family, key);

  async function add(e: Event) {
    e.preventDefault();
    const problem = keyFormCheck(family, key).error;
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      await onAdd(key, label.trim(), family, info.salts ? salts.map((s) => s.trim()).filter(Boolean) : []);
      setKey('');
      setLabel('');
      setSalts(['', '']);
      setError(null);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  const shown = error ?? check.error;
  return (
    <section class="opt-section" id="keys" aria-labelledby="keys-title">
      <h2 id="keys-title">Secret keys</h2>
      <p class="muted">
        Used to verify signed sessions and decrypt encrypted ones, each with the keys of its framework. Stored only in
        this browser (storage.local): never synced, never sent anywhere, never shown again. Order matters within a
        framework: its setting first (SECRET_KEY, secret_key_base …), then fallbacks.
      </p>
      <KeyList keys={keys} onRemove={(k) => void onRemove(k.id).catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))} />
      <form class="opt-row" onSubmit={(e) => void add(e)}>
        <Field id="key-family" label="Framework" hint={`Setting: ${info.setting} — ${info.where}`}>
          <select
            id="key-family"
            value={family}
            onChange={(e) => {
              setFamily((e.currentTarget as HTMLSelectElement).value as KeyFamily);
              setError(null);
            }}
          >
            {KEY_FAMILIES.map((f) => (
              <option key={f} value={f}>
                {KEY_FAMILY_INFO[f].label} — {KEY_FAMILY_INFO[f].setting}
              </option>
            ))}
          </select>
        </Field>
        <Field id="key-label" label="Label">
          <input id="key-label" placeholder="dev" value={label} onInput={(e) => setLabel((e.currentTarget as HTMLInputElement).value)} />
        </Field>
        <Field id="key-value" label={`Secret key (${info.setting})`} errors={shown ? [shown] : undefined} hint={!shown ? check.warning : undefined}>
          <input
            id="key-value"
            type="password"
            autoComplete="off"
            spellcheck={false}
            aria-invalid={shown ? true : undefined}
            value={key}
            onInput={(e) => {
              setKey((e.currentTarget as HTMLInputElement).value);
              setError(null);
            }}
          />
        </Field>
        {info.salts ? (
          <>
            <Field id="key-signing-salt" label="signing_salt" hint="From endpoint.ex @session_options (not secret)">
              <input id="key-signing-salt" value={salts[0]} onInput={(e) => setSalts([(e.currentTarget as HTMLInputElement).value, salts[1] ?? ''])} />
            </Field>
            <Field id="key-encryption-salt" label="encryption_salt" hint="Only for encrypted cookies">
              <input id="key-encryption-salt" value={salts[1]} onInput={(e) => setSalts([salts[0] ?? '', (e.currentTarget as HTMLInputElement).value])} />
            </Field>
          </>
        ) : null}
        <button type="submit" disabled={busy || Boolean(check.error)}>
          Add key
        </button>
      </form>
    </section>
  );
}
