import { useState } from 'preact/hooks';
import type { PolicyIssueView, PolicyValidation } from '../../lib/protocol/index.ts';
import { Field } from './Field.tsx';

/** Props of {@link PolicyImportExport}. */
export interface PolicyImportExportProps {
  /** The current policy as JSON text; empty while the form does not validate. */
  exported: string;
  /** The policy's name, for the downloaded file's name. */
  name: string;
  /** Validates any JSON as a policy (lib/policy, in the background). */
  validate: (policy: unknown) => Promise<PolicyValidation>;
  /** Receives an imported policy once it validated. */
  onImport: (policy: Record<string, unknown>) => void;
}

/** Largest policy file read, as lib/policy's `parsePolicy`. */
const MAX_POLICY_TEXT = 1024 * 1024;

const TOO_LARGE: PolicyIssueView = { path: '', message: 'policy file larger than 1 MiB' };

/**
 * The policy form's JSON import and export: the policy as text, download, copy, and import from
 * pasted text or a file (read like lib/policy's `parsePolicy`: size, JSON, then the schema).
 *
 * @example
 * <PolicyImportExport exported={exported} name={form.name} validate={validate} onImport={(p) => set(formFromPolicy(p))} />
 */
export function PolicyImportExport({ exported, name, validate, onImport }: PolicyImportExportProps) {
  const [importText, setImportText] = useState('');
  const [importIssues, setImportIssues] = useState<PolicyIssueView[]>([]);
  const valid = exported !== '';

  async function applyImport(source: string) {
    if (source.length > MAX_POLICY_TEXT) {
      setImportIssues([TOO_LARGE]);
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
    onImport(r.policy);
  }

  async function importFile(e: Event) {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    if (file.size > MAX_POLICY_TEXT) {
      setImportIssues([TOO_LARGE]);
      return;
    }
    await applyImport(await file.text());
  }

  function download() {
    const url = URL.createObjectURL(new Blob([exported], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `session-lens-policy-${name || 'custom'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  return (
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
      <Field id="policy-import" label="Paste a policy to import" errors={importIssues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message))}>
        <textarea id="policy-import" rows={6} value={importText} onInput={(e) => setImportText((e.currentTarget as HTMLTextAreaElement).value)} />
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
  );
}
