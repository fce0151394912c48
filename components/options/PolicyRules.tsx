import type { PolicyCatalog } from '../../lib/protocol/index.ts';
import { RULE_SETTINGS, type RuleSettingChoice } from './policy-form.ts';

/** Props of {@link PolicyRules}. */
export interface PolicyRulesProps {
  /** The rules to list (from the background's catalog). */
  rules: PolicyCatalog['rules'];
  /** The setting chosen per rule id (absent: `default`). */
  value: Readonly<Record<string, RuleSettingChoice>>;
  onChange: (rules: Record<string, RuleSettingChoice>) => void;
}

/**
 * The rules table of the policy form: one select per rule (default, off, or a severity).
 *
 * @example
 * <PolicyRules rules={catalog.rules} value={form.rules} onChange={(rules) => set({ rules })} />
 */
export function PolicyRules({ rules, value, onChange }: PolicyRulesProps) {
  return (
    <table class="opt-rules">
      <thead>
        <tr>
          <th scope="col">Rule</th>
          <th scope="col">Setting</th>
        </tr>
      </thead>
      <tbody>
        {rules.map((r) => (
          <tr key={r.id}>
            <td>
              <label for={`rule-${r.id}`} title={r.description}>
                {r.title} <code>{r.id}</code>
              </label>
            </td>
            <td>
              <select
                id={`rule-${r.id}`}
                value={value[r.id] ?? 'default'}
                onChange={(e) => onChange({ ...value, [r.id]: (e.currentTarget as HTMLSelectElement).value as RuleSettingChoice })}
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
  );
}
