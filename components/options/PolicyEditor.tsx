import { useEffect, useMemo, useState } from 'preact/hooks';
import type { PolicyCatalog, PolicyValidation } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';
import { PolicyImportExport } from './PolicyImportExport.tsx';
import { PolicyRules } from './PolicyRules.tsx';
import { SiteOverrides } from './SiteOverrides.tsx';
import { formFromPolicy, issuesByField, policyFromForm, type PolicyForm } from './policy-form.ts';

/** Props of {@link PolicyEditor}. */
export interface PolicyEditorProps {
  /** The saved policy (full JSON). */
  policy: Record<string, unknown>;
  /** Presets and rules (from the background). */
  catalog: PolicyCatalog;
  /** Validates any JSON as a policy (lib/policy, in the background). */
  validate: (policy: unknown) => Promise<PolicyValidation>;
  /** Saves a validated policy; rejects with an Error whose message is shown. */
  onSave: (policy: Record<string, unknown>) => Promise<void>;
}

/**
 * The validation of a form, redone on every change (the newest answer wins); `null` while it is
 * being checked.
 */
function usePolicyValidation(form: PolicyForm, validate: PolicyEditorProps['validate']): PolicyValidation | null {
  const [result, setResult] = useState<PolicyValidation | null>(null);
  useEffect(() => {
    let current = true;
    setResult(null);
    validate(policyFromForm(form)).then(
      (r) => current && setResult(r),
      (e: unknown) => current && setResult({ ok: false, policy: null, issues: [{ path: '', message: e instanceof Error ? e.message : String(e) }] }),
    );
    return () => {
      current = false;
    };
  }, [form, validate]);
  return result;
}

/**
 * The policy form: presets, session cookie names, lifetimes, rules, per-site overrides, and JSON
 * import/export. Every change is validated with lib/policy (in the background, so this page need
 * not bundle it); errors show next to their field.
 *
 * @example
 * <PolicyEditor policy={settings.policy} catalog={catalog} validate={client.validatePolicy}
 *   onSave={(p) => client.setSettings({ policy: p }).then(() => undefined)} />
 */
export function PolicyEditor({ policy, catalog, validate, onSave }: PolicyEditorProps) {
  const [form, setForm] = useState<PolicyForm>(() => formFromPolicy(policy));
  const [preset, setPreset] = useState<string>(catalog.presets[0]?.name ?? '');
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  const result = usePolicyValidation(form, validate);

  const errs = useMemo(() => issuesByField(result?.issues ?? []), [result]);
  const valid = result?.ok === true && result.policy !== null;
  const exported = valid ? `${JSON.stringify(result.policy, null, 2)}\n` : '';

  const set = (patch: Partial<PolicyForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setStatus(null);
  };
  const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  const checked = (e: Event) => (e.currentTarget as HTMLInputElement).checked;

  async function save() {
    if (!result?.ok || !result.policy) return;
    setSaving(true);
    try {
      await onSave(result.policy);
      setStatus({ kind: 'ok', text: 'Policy saved' });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setSaving(false);
    }
  }

  return (
    <section class="opt-section" aria-labelledby="policy-title">
      <h2 id="policy-title">Policy</h2>
      <div class="opt-row">
        <Field id="preset" label="Start from a preset">
          <select id="preset" value={preset} onChange={(e) => setPreset(text(e))}>
            {catalog.presets.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name}
              </option>
            ))}
          </select>
        </Field>
        <button
          type="button"
          onClick={() => {
            const p = catalog.presets.find((x) => x.name === preset);
            if (p) set(formFromPolicy(p.policy));
          }}
        >
          Load preset
        </button>
      </div>
      <Field id="policy-name" label="Name" errors={errs.get('name')}>
        <input id="policy-name" value={form.name} onInput={(e) => set({ name: text(e) })} />
      </Field>
      <Field
        id="session-names"
        label="Session cookie names"
        hint="Comma or new line separated (Django: SESSION_COOKIE_NAME)."
        errors={errs.get('sessionCookieNames')}
      >
        <textarea id="session-names" rows={2} value={form.sessionCookieNames} onInput={(e) => set({ sessionCookieNames: text(e) })} />
      </Field>
      <label class="opt-check">
        <input type="checkbox" checked={form.sessionNameHeuristic} onChange={(e) => set({ sessionNameHeuristic: checked(e) })} />
        Also treat names containing “sess” or “login” as session cookies
      </label>
      <Field id="csrf-names" label="CSRF cookie names" errors={errs.get('csrfCookieNames')}>
        <input id="csrf-names" value={form.csrfCookieNames} onInput={(e) => set({ csrfCookieNames: text(e) })} />
      </Field>
      <Field id="max-age" label="Longest session lifetime (seconds)" hint="Django's SESSION_COOKIE_AGE is 1209600 (two weeks)." errors={errs.get('maxAge')}>
        <input id="max-age" inputMode="numeric" value={form.maxAge} onInput={(e) => set({ maxAge: text(e) })} />
      </Field>
      <Field id="app-path" label="Application path (optional)" errors={errs.get('path')}>
        <input id="app-path" placeholder="/" value={form.path} onInput={(e) => set({ path: text(e) })} />
      </Field>
      <label class="opt-check">
        <input type="checkbox" checked={form.localExemption} onChange={(e) => set({ localExemption: checked(e) })} />
        http://localhost and 127.0.0.1 need not set Secure
      </label>
      <label class="opt-check">
        <input type="checkbox" checked={form.escalate} onChange={(e) => set({ escalate: checked(e) })} />
        Raise every finding one severity step
      </label>

      <h3>Rules</h3>
      <PolicyRules rules={catalog.rules} value={form.rules} onChange={(rules) => set({ rules })} />

      <h3>Per-site overrides</h3>
      <SiteOverrides sites={form.sites} errs={errs} onChange={(sites) => set({ sites })} />
      {errs.get('sites')?.length || errs.get('')?.length ? (
        <ul class="opt-errors" role="alert">
          {[...(errs.get('sites') ?? []), ...(errs.get('') ?? [])].map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      ) : null}

      <div class="opt-actions">
        <button type="button" class="primary" disabled={!valid || saving} onClick={() => void save()}>
          Save policy
        </button>
        {result && !result.ok ? <span class="error">Fix the highlighted fields to save.</span> : null}
        {status ? (
          <span class={status.kind === 'ok' ? 'ok' : 'error'} role="status">
            {status.text}
          </span>
        ) : null}
      </div>

      <PolicyImportExport
        exported={exported}
        name={form.name}
        validate={validate}
        onImport={(p) => {
          set({ ...formFromPolicy(p) });
          setStatus({ kind: 'ok', text: 'Imported: review and save' });
        }}
      />
    </section>
  );
}
