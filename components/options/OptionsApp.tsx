import { useEffect, useMemo, useState } from 'preact/hooks';
import type { SessionLensClient } from '../../lib/protocol/index.ts';
import type { KeyFamily, PolicyCatalog, SettingsView } from '../../lib/protocol/index.ts';
import type { Theme } from '../view-model.ts';
import { CompanionSection } from './CompanionSection.tsx';
import { KeysSection } from './KeysSection.tsx';
import { PolicyEditor } from './PolicyEditor.tsx';

/** What the options page needs from the background. */
export type OptionsClient = Pick<
  SessionLensClient,
  | 'getSettings'
  | 'setSettings'
  | 'addKey'
  | 'removeKey'
  | 'testCompanion'
  | 'requestPermission'
  | 'checkPermission'
  | 'validatePolicy'
  | 'policyCatalog'
>;

/** Props of {@link OptionsApp}. */
export interface OptionsAppProps {
  client: OptionsClient;
  theme: Theme;
  /** An origin pattern to offer access to (`#grant=` from a panel that could not ask itself). */
  grantOrigin?: string | null;
  /** A section to scroll to and focus once loaded (`#keys` from the panel's "add the SECRET_KEY"). */
  section?: string | null;
  /** The key family to add (`#keys=rails` from the panel's "add the secret_key_base"). */
  keyFamily?: KeyFamily | null;
}

/** The match pattern for a companion URL, or `null` when it is a local host granted at install. */
function companionPattern(url: string): string | null {
  try {
    const u = new URL(url);
    if (u.hostname === 'localhost' || u.hostname === '127.0.0.1') return null;
    return `${u.protocol}//${u.hostname}/*`;
  } catch {
    return null;
  }
}

function GrantBanner({ origin, client }: { origin: string; client: OptionsClient }) {
  const [state, setState] = useState<'ask' | 'granted' | 'denied'>('ask');
  useEffect(() => {
    void client.checkPermission(origin).then((g) => g && setState('granted'), () => undefined);
  }, [origin, client]);
  return (
    <div class="access-banner opt-grant" role="region" aria-label="Site access">
      {state === 'granted' ? (
        <p class="ok">Session Lens can now read cookies on {origin}: an open Sessions panel shows them now.</p>
      ) : (
        <p>
          Session Lens needs access to <code>{origin}</code> to read its cookies.{' '}
          <button
            type="button"
            class="primary"
            onClick={() => void client.requestPermission(origin).then((g) => setState(g ? 'granted' : 'denied'), () => setState('denied'))}
          >
            Allow access
          </button>
          {state === 'denied' ? <span class="error"> Access was not granted.</span> : null}
        </p>
      )}
    </div>
  );
}

/**
 * The options page: policy, secret keys, companion server, and a pending site-access request.
 *
 * @example
 * render(<OptionsApp client={createBrowserClient()} theme="light" />, root);
 */
export function OptionsApp({ client, theme, grantOrigin, section, keyFamily }: OptionsAppProps) {
  const [settings, setSettings] = useState<SettingsView | null>(null);
  const [catalog, setCatalog] = useState<PolicyCatalog | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
    client.getSettings().then(setSettings, fail);
    client.policyCatalog().then(setCatalog, fail);
  }, [client]);
  const loaded = settings !== null && catalog !== null;
  useEffect(() => {
    if (!loaded || !section) return;
    const el = document.getElementById(section);
    el?.scrollIntoView?.();
    el?.querySelector<HTMLElement>('input, textarea, button')?.focus();
  }, [loaded, section]);
  const validate = useMemo(() => (policy: unknown) => client.validatePolicy(policy), [client]);

  const ensureAccess = async (url: string) => {
    const pattern = companionPattern(url);
    if (pattern && !(await client.requestPermission(pattern))) throw new Error(`Access to ${pattern} was not granted`);
  };

  return (
    <div class="opt-app" data-theme={theme}>
      <header class="topbar">
        <h1>Session Lens options</h1>
      </header>
      <main class="opt-main">
        {grantOrigin ? <GrantBanner origin={grantOrigin} client={client} /> : null}
        {error ? (
          <p class="error" role="alert">
            Cannot load the settings: {error}
          </p>
        ) : null}
        {settings === null || catalog === null ? (
          error ? null : <p class="muted">Loading…</p>
        ) : (
          <>
            <KeysSection
              keys={settings.keys}
              initialFamily={keyFamily ?? undefined}
              onAdd={async (key, label, family, salts) => setSettings(await client.addKey(key, label, family, salts))}
              onRemove={async (id) => setSettings(await client.removeKey(id))}
            />
            <PolicyEditor
              policy={settings.policy}
              catalog={catalog}
              validate={validate}
              onSave={async (policy) => setSettings(await client.setSettings({ policy }))}
            />
            <CompanionSection
              url={settings.companion.url}
              hasToken={settings.companion.hasToken}
              onSave={async (url, token) => {
                if (url) await ensureAccess(url);
                setSettings(await client.setSettings({ companion: token === undefined ? { url } : { url, token } }));
              }}
              onTest={async (url, token) => {
                await ensureAccess(url);
                return client.testCompanion(token === undefined ? { url } : { url, token });
              }}
            />
          </>
        )}
      </main>
    </div>
  );
}
