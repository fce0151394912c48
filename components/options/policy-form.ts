/**
 * Pure helpers of the policy editor: the editable draft, converting it to policy JSON, and
 * placing lib/policy's validation issues next to the fields they name.
 */
import type { PolicyIssueView } from '../../lib/protocol/index.ts';

/** Rule settings the editor offers: inherit the severity the rule chooses, off, or a fixed one. */
export const RULE_SETTINGS = ['default', 'off', 'info', 'low', 'medium', 'high', 'critical'] as const;

/**
 * Splits a list typed as text (commas or new lines) into names.
 *
 * @example
 * splitNames('sessionid, my_session\ncsrftoken') // ['sessionid', 'my_session', 'csrftoken']
 */
export function splitNames(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * A number typed in a field: the number when it reads as one, else the text as typed (so the
 * policy schema reports "expected number" on that field), `undefined` when empty.
 *
 * @example
 * numberField('3600') // 3600
 * numberField('1h')   // '1h'
 */
export function numberField(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t;
}

/**
 * Issues grouped by field path, for showing each next to its field. A list item's issue is also
 * filed under the list (`sessionCookieNames[2]` → `sessionCookieNames`).
 *
 * @example
 * issuesByField([{ path: 'sites[0].host', message: 'must not be empty' }]).get('sites[0].host')
 */
export function issuesByField(issues: readonly PolicyIssueView[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (k: string, m: string) => out.set(k, [...(out.get(k) ?? []), m]);
  for (const i of issues) {
    add(i.path, i.message);
    const list = /^(.*)\[\d+\]$/.exec(i.path);
    if (list?.[1]) add(list[1], i.message);
  }
  return out;
}

/** One rule's setting in the editor. */
export type RuleSettingChoice = (typeof RULE_SETTINGS)[number];

/** A per-site override as the editor holds it (text as typed). */
export interface SiteForm {
  host: string;
  maxAge: string;
  localExemption: 'inherit' | 'yes' | 'no';
  sessionCookieNames: string;
  /** Rule ids switched off on this site, comma separated. */
  rulesOff: string;
}

/** The whole policy as the editor holds it (text as typed). */
export interface PolicyForm {
  name: string;
  sessionCookieNames: string;
  csrfCookieNames: string;
  sessionNameHeuristic: boolean;
  maxAge: string;
  path: string;
  localExemption: boolean;
  escalate: boolean;
  rules: Record<string, RuleSettingChoice>;
  sites: SiteForm[];
}

function str(v: unknown, fallback = ''): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fallback;
}

function names(v: unknown): string {
  return Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '';
}

/**
 * The editor's form for a policy (any JSON: unknown fields are ignored, missing ones blank).
 *
 * @example
 * const form = formFromPolicy(getPreset('django-default'));
 */
export function formFromPolicy(p: Record<string, unknown>): PolicyForm {
  const rules: Record<string, RuleSettingChoice> = {};
  if (p.rules && typeof p.rules === 'object') {
    for (const [k, v] of Object.entries(p.rules as Record<string, unknown>)) {
      if ((RULE_SETTINGS as readonly unknown[]).includes(v)) rules[k] = v as RuleSettingChoice;
    }
  }
  const sites: SiteForm[] = Array.isArray(p.sites)
    ? (p.sites as Record<string, unknown>[]).map((s) => ({
        host: str(s.host),
        maxAge: str(s.maxAge),
        localExemption: s.localExemption === true ? 'yes' : s.localExemption === false ? 'no' : 'inherit',
        sessionCookieNames: names(s.sessionCookieNames),
        rulesOff: s.rules && typeof s.rules === 'object'
          ? Object.entries(s.rules as Record<string, unknown>).filter(([, v]) => v === 'off').map(([k]) => k).join(', ')
          : '',
      }))
    : [];
  return {
    name: str(p.name, 'custom'),
    sessionCookieNames: names(p.sessionCookieNames),
    csrfCookieNames: names(p.csrfCookieNames),
    sessionNameHeuristic: p.sessionNameHeuristic !== false,
    maxAge: str(p.maxAge),
    path: str(p.path),
    localExemption: p.localExemption === true,
    escalate: p.escalate === true,
    rules,
    sites,
  };
}

/**
 * Policy JSON from the form, ready for lib/policy's `validatePolicy` (which reports bad fields).
 *
 * @example
 * const r = validatePolicy(policyFromForm(form));
 */
export function policyFromForm(f: PolicyForm): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: f.name.trim() || 'custom',
    sessionCookieNames: splitNames(f.sessionCookieNames),
    csrfCookieNames: splitNames(f.csrfCookieNames),
    sessionNameHeuristic: f.sessionNameHeuristic,
    localExemption: f.localExemption,
    escalate: f.escalate,
    rules: Object.fromEntries(Object.entries(f.rules).filter(([, v]) => v !== 'default')),
    sites: f.sites.map((s) => {
      const site: Record<string, unknown> = { host: s.host.trim() };
      const maxAge = numberField(s.maxAge);
      if (maxAge !== undefined) site.maxAge = maxAge;
      if (s.localExemption !== 'inherit') site.localExemption = s.localExemption === 'yes';
      const sessionNames = splitNames(s.sessionCookieNames);
      if (sessionNames.length) site.sessionCookieNames = sessionNames;
      const off = splitNames(s.rulesOff);
      if (off.length) site.rules = Object.fromEntries(off.map((r) => [r, 'off']));
      return site;
    }),
  };
  const maxAge = numberField(f.maxAge);
  if (maxAge !== undefined) out.maxAge = maxAge;
  if (f.path.trim() !== '') out.path = f.path.trim();
  return out;
}
