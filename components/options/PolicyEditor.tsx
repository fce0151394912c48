import { useEffect, useMemo, useState } from 'preact/hooks';
import type { PolicyCatalog, PolicyIssueView, PolicyValidation } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';
import {
  RULE_SETTINGS,
  formFromPolicy,
  issuesByField,
  policyFromForm,
  type PolicyForm,
  type RuleSettingChoice,
  type SiteForm,
} from './policy-form.ts';

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

const EMPTY_SITE: SiteForm = { host: '', maxAge: '', localExemption: 'inherit', sessionCookieNames: '', rulesOff: '' };

/** Largest policy file read, as lib/policy's `parsePolicy`. */
const MAX_POLICY_TEXT = 1024 * 1024;

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
  const [importText, setImportText] = useState('');
  const [importIssues, setImportIssues] = useState<PolicyIssueView[]>([]);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);
  /** The validation of the current form; `null` while it is being checked. */
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

  const errs = useMemo(() => issuesByField(result?.issues ?? []), [result]);
  const valid = result?.ok === true && result.policy !== null;
  const exported = valid ? `${JSON.stringify(result.policy, null, 2)}\n` : '';

  const set = (patch: Partial<PolicyForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setStatus(null);
  };
  const setSite = (i: number, patch: Partial<SiteForm>) =>
    set({ sites: form.sites.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;

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

  /** Reads policy JSON like lib/policy's `parsePolicy`: size, JSON, then the schema. */
  async function applyImport(source: string) {
    if (source.length > MAX_POLICY_TEXT) {
      setImportIssues([{ path: '', message: 'policy file larger than 1 MiB' }]);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(source);
    } catch (e) {
      setImportIssues([{ path: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }]);
      return;
    }
    const r = await validate(value);
    if (!r.ok || !r.policy) {
      setImportIssues(r.issues);
      return;
    }
    setImportIssues([]);
    setImportText('');
    set({ ...formFromPolicy(r.policy) });
    setStatus({ kind: 'ok', text: 'Imported: review and save' });
  }

  async function importFile(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > MAX_POLICY_TEXT) {
      setImportIssues([{ path: '', message: 'policy file larger than 1 MiB' }]);
      return;
    }
    await applyImport(await file.text());
  }

  function download() {
    const url = URL.createObjectURL(new Blob([exported], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `session-lens-policy-${form.name || 'custom'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
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
        <input
          type="checkbox"
          checked={form.sessionNameHeuristic}
          onChange={(e) => set({ sessionNameHeuristic: (e.currentTarget as HTMLInputElement).checked })}
        />
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
        <input
          type="checkbox"
          checked={form.localExemption}
          onChange={(e) => set({ localExemption: (e.currentTarget as HTMLInputElement).checked })}
        />
        http://localhost and 127.0.0.1 need not set Secure
      </label>
      <label class="opt-check">
        <input type="checkbox" checked={form.escalate} onChange={(e) => set({ escalate: (e.currentTarget as HTMLInputElement).checked })} />
        Raise every finding one severity step
      </label>

      <h3>Rules</h3>
      <table class="opt-rules">
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col">Setting</th>
          </tr>
        </thead>
        <tbody>
          {catalog.rules.map((r) => (
            <tr key={r.id}>
              <td>
                <label for={`rule-${r.id}`} title={r.description}>
                  {r.title} <code>{r.id}</code>
                </label>
              </td>
              <td>
                <select
                  id={`rule-${r.id}`}
                  value={form.rules[r.id] ?? 'default'}
                  onChange={(e) => set({ rules: { ...form.rules, [r.id]: text(e) as RuleSettingChoice } })}
                >
                  {RULE_SETTINGS.map((s) => (
                    <option key={s} value={s}>
                      {s}
                    </option>
                  ))}
                </select>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h3>Per-site overrides</h3>
      {form.sites.length === 0 ? <p class="muted">None: the policy above applies everywhere.</p> : null}
      {form.sites.map((s, i) => (
        <fieldset class="opt-site" key={i}>
          <legend>Site {i + 1}</legend>
          <Field id={`site-${i}-host`} label="Host" hint="example.com, or *.example.com for its subdomains too" errors={errs.get(`sites[${i}].host`)}>
            <input id={`site-${i}-host`} value={s.host} onInput={(e) => setSite(i, { host: text(e) })} />
          </Field>
          <Field id={`site-${i}-max-age`} label="Longest session lifetime (seconds)" errors={errs.get(`sites[${i}].maxAge`)}>
            <input id={`site-${i}-max-age`} placeholder="inherit" value={s.maxAge} onInput={(e) => setSite(i, { maxAge: text(e) })} />
          </Field>
          <Field id={`site-${i}-local`} label="Local exemption" errors={errs.get(`sites[${i}].localExemption`)}>
            <select
              id={`site-${i}-local`}
              value={s.localExemption}
              onChange={(e) => setSite(i, { localExemption: text(e) as SiteForm['localExemption'] })}
            >
              <option value="inherit">inherit</option>
              <option value="yes">yes</option>
              <option value="no">no</option>
            </select>
          </Field>
          <Field id={`site-${i}-names`} label="Session cookie names" errors={errs.get(`sites[${i}].sessionCookieNames`)}>
            <input id={`site-${i}-names`} placeholder="inherit" value={s.sessionCookieNames} onInput={(e) => setSite(i, { sessionCookieNames: text(e) })} />
          </Field>
          <Field
            id={`site-${i}-off`}
            label="Rules off here"
            hint="Rule ids, comma separated"
            errors={[...(errs.get(`sites[${i}].rules`) ?? []), ...[...errs.entries()].filter(([k]) => k.startsWith(`sites[${i}].rules.`)).flatMap(([k, v]) => v.map((m) => `${k.slice(`sites[${i}].rules.`.length)}: ${m}`))]}
          >
            <input id={`site-${i}-off`} value={s.rulesOff} onInput={(e) => setSite(i, { rulesOff: text(e) })} />
          </Field>
          <button type="button" onClick={() => set({ sites: form.sites.filter((_, j) => j !== i) })}>
            Remove site {i + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" onClick={() => set({ sites: [...form.sites, { ...EMPTY_SITE }] })}>
        Add a site override
      </button>
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

      <details class="opt-io">
        <summary>Import / export (JSON)</summary>
        <Field id="policy-export" label="This policy as JSON">
          <textarea id="policy-export" rows={8} readOnly value={exported} />
        </Field>
        <div class="opt-actions">
          <button type="button" disabled={!valid} onClick={download}>
            Download policy.json
          </button>
          <button type="button" disabled={!valid} onClick={() => void navigator.clipboard?.writeText(exported)}>
            Copy JSON
          </button>
        </div>
        <Field
          id="policy-import"
          label="Paste a policy to import"
          errors={importIssues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))}
        >
          <textarea id="policy-import" rows={6} value={importText} onInput={(e) => setImportText(text(e))} />
        </Field>
        <div class="opt-actions">
          <button type="button" disabled={importText.trim() === ''} onClick={() => void applyImport(importText)}>
            Import
          </button>
          <label class="opt-file">
            or a file: <input type="file" accept="application/json,.json" onChange={(e) => void importFile(e)} />
          </label>
        </div>
      </details>
    </section>
  );
}
