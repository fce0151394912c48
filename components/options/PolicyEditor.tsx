import { useMemo, useState } from 'preact/hooks';
import {
  PRESET_NAMES,
  RULES,
  exportPolicy,
  getPreset,
  parsePolicy,
  validatePolicy,
  type PolicyIssue,
  type PresetName,
} from '../../lib/policy/index.ts';
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
  /** Saves a validated policy; rejects with an Error whose message is shown. */
  onSave: (policy: Record<string, unknown>) => Promise<void>;
}

const EMPTY_SITE: SiteForm = { host: '', maxAge: '', localExemption: 'inherit', sessionCookieNames: '', rulesOff: '' };

/**
 * The policy form: presets, session cookie names, lifetimes, rules, per-site overrides, and JSON
 * import/export. Every change is validated with lib/policy; errors show next to their field.
 *
 * @example
 * <PolicyEditor policy={settings.policy} onSave={(p) => client.setSettings({ policy: p }).then(() => undefined)} />
 */
export function PolicyEditor({ policy, onSave }: PolicyEditorProps) {
  const [form, setForm] = useState<PolicyForm>(() => formFromPolicy(policy));
  const [preset, setPreset] = useState<PresetName>('django-default');
  const [importText, setImportText] = useState('');
  const [importIssues, setImportIssues] = useState<PolicyIssue[]>([]);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [saving, setSaving] = useState(false);

  const result = useMemo(() => validatePolicy(policyFromForm(form)), [form]);
  const errs = useMemo(() => issuesByField(result.ok ? [] : result.issues), [result]);
  const exported = result.ok ? exportPolicy(result.policy) : '';

  const set = (patch: Partial<PolicyForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setStatus(null);
  };
  const setSite = (i: number, patch: Partial<SiteForm>) =>
    set({ sites: form.sites.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const text = (e: Event) => (e.currentTarget as HTMLInputElement).value;

  async function save() {
    if (!result.ok) return;
    setSaving(true);
    try {
      await onSave(result.policy as unknown as Record<string, unknown>);
      setStatus({ kind: 'ok', text: 'Policy saved' });
    } catch (e) {
      setStatus({ kind: 'error', text: e instanceof Error ? e.message : String(e) });
    } finally {
      setSaving(false);
    }
  }

  function applyImport(source: string) {
    const r = parsePolicy(source);
    if (!r.ok) {
      setImportIssues(r.issues);
      return;
    }
    setImportIssues([]);
    setImportText('');
    set({ ...formFromPolicy(r.policy as unknown as Record<string, unknown>) });
    setStatus({ kind: 'ok', text: 'Imported: review and save' });
  }

  async function importFile(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > 1024 * 1024) {
      setImportIssues([{ path: '', message: 'policy file larger than 1 MiB' }]);
      return;
    }
    applyImport(await file.text());
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
          <select id="preset" value={preset} onChange={(e) => setPreset(text(e) as PresetName)}>
            {PRESET_NAMES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" onClick={() => set(formFromPolicy(getPreset(preset) as unknown as Record<string, unknown>))}>
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
          {RULES.map((r) => (
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
        <button type="button" class="primary" disabled={!result.ok || saving} onClick={() => void save()}>
          Save policy
        </button>
        {!result.ok ? <span class="error">Fix the highlighted fields to save.</span> : null}
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
          <button type="button" disabled={!result.ok} onClick={download}>
            Download policy.json
          </button>
          <button type="button" disabled={!result.ok} onClick={() => void navigator.clipboard?.writeText(exported)}>
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
          <button type="button" disabled={importText.trim() === ''} onClick={() => applyImport(importText)}>
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
