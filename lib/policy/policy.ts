/**
 * The policy: which cookies are session cookies, how long they may live, which rules apply and
 * how severe they are — as a zod schema, three presets, per-site overrides and JSON import/export.
 *
 * ```json
 * { "extends": "django-default", "sessionCookieNames": ["sessionid", "my_session"],
 *   "maxAge": 28800, "rules": { "samesite-missing": "off" },
 *   "sites": [{ "host": "*.internal.example", "path": "/app", "localExemption": true }] }
 * ```
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../codec/index.ts';
import { RULE_IDS, SEVERITIES, type RuleId, type Severity } from './types.ts';

/** Django's `SESSION_COOKIE_AGE` default: two weeks, in seconds. */
export const DJANGO_SESSION_COOKIE_AGE = 1_209_600;

const severitySchema = z.enum(SEVERITIES);
const ruleSettingSchema = z.union([z.literal('off'), severitySchema]);
const cookieName = z.string().min(1, 'must not be empty').max(4096);

const settingsShape = {
  /** Exact names of session cookies (Django: SESSION_COOKIE_NAME). */
  sessionCookieNames: z.array(cookieName).max(1000),
  /** Exact names of anti-CSRF cookies (Django: CSRF_COOKIE_NAME). */
  csrfCookieNames: z.array(cookieName).max(1000),
  /** Also treat names containing `sess` or `login` as session cookies (Mozilla Observatory). */
  sessionNameHeuristic: z.boolean(),
  /** Longest lifetime allowed for a persistent session cookie, in seconds. */
  maxAge: z.number().int('must be a whole number of seconds').positive('must be positive'),
  /** The path the application lives under; cookies scoped wider are flagged (`path-too-broad`). */
  path: z.string().startsWith('/', 'must start with "/"').optional(),
  /** http://localhost, 127.0.0.1 and [::1] are exempt from Secure (local development). */
  localExemption: z.boolean(),
  /** Raise every finding one severity step (info → low … high → critical). */
  escalate: z.boolean(),
  /** Per rule: `off`, or a fixed severity for every cookie. */
  rules: z.partialRecord(z.enum(RULE_IDS), ruleSettingSchema),
};

const hostPattern = z
  .string()
  .min(1, 'must not be empty')
  .regex(/^(\*\.)?[a-z0-9.:[\]_-]+$/i, 'must be a host name, optionally starting with "*."');

/** One per-site override: any policy setting, applied when the URL's host matches `host`. */
export const SiteOverrideSchema = z.strictObject({
  /** `example.com` (that host only) or `*.example.com` (its subdomains and itself). */
  host: hostPattern,
  ...z.object(settingsShape).partial().shape,
});

/** Names of the built-in presets. */
export const PRESET_NAMES = ['django-default', 'strict', 'local-dev'] as const;
/** A built-in preset name. */
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * The policy schema. Unknown keys are errors (a typo must not silently turn a rule off).
 *
 * @example
 * const policy = PolicySchema.parse({ name: 'mine', maxAge: 3600 });
 */
export const PolicySchema = z.strictObject({
  name: z.string().max(200).default('custom'),
  /** A preset this policy starts from; only meaningful in imported JSON (see {@link parsePolicy}). */
  extends: z.enum(PRESET_NAMES).optional(),
  sessionCookieNames: settingsShape.sessionCookieNames.default(['sessionid']),
  csrfCookieNames: settingsShape.csrfCookieNames.default(['csrftoken']),
  sessionNameHeuristic: settingsShape.sessionNameHeuristic.default(true),
  maxAge: settingsShape.maxAge.default(DJANGO_SESSION_COOKIE_AGE),
  path: settingsShape.path,
  localExemption: settingsShape.localExemption.default(false),
  escalate: settingsShape.escalate.default(false),
  rules: settingsShape.rules.default({}),
  sites: z.array(SiteOverrideSchema).max(1000).default([]),
});

/** A complete policy (defaults filled in). */
export type Policy = z.output<typeof PolicySchema>;
/** What a policy file may contain (every field optional). */
export type PolicyInput = z.input<typeof PolicySchema>;
/** A per-site override. */
export type SiteOverride = z.output<typeof SiteOverrideSchema>;

/** The settings that apply to one URL, after site overrides. */
export interface EffectivePolicy {
  name: string;
  sessionCookieNames: string[];
  csrfCookieNames: string[];
  sessionNameHeuristic: boolean;
  maxAge: number;
  path?: string;
  localExemption: boolean;
  escalate: boolean;
  rules: Partial<Record<RuleId, 'off' | Severity>>;
}

const PRESET_INPUTS: Record<PresetName, PolicyInput> = {
  // Django's own defaults are the bar: two-week sessions, Secure/HttpOnly expected in production.
  'django-default': { name: 'django-default' },
  // Short sessions, and every finding one step more severe.
  strict: { name: 'strict', maxAge: 8 * 3600, escalate: true },
  // Like django-default, but http://localhost and 127.0.0.1 need not set Secure.
  'local-dev': { name: 'local-dev', localExemption: true },
};

/**
 * A built-in preset as a full policy (a fresh copy each call).
 *
 * @example
 * const policy = getPreset('local-dev');
 */
export function getPreset(name: PresetName): Policy {
  return PolicySchema.parse(structuredClone(PRESET_INPUTS[name]));
}

/** True for a built-in preset name. */
export function isPresetName(v: unknown): v is PresetName {
  return typeof v === 'string' && (PRESET_NAMES as readonly string[]).includes(v);
}

/** One problem found while importing a policy: the field path (`sites[0].maxAge`, empty for the whole document) and why. */
export type PolicyIssue = ValidationIssue;

/** Thrown by {@link loadPolicy} when a policy file is not valid; `issues` says which fields (the codec's validation error). */
export class PolicyError extends ValidationError {
  constructor(issues: PolicyIssue[]) {
    super(issues, 'policy');
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/**
 * Validates an already-parsed value as a policy. `extends` fills unset fields from a preset.
 *
 * @example
 * const r = validatePolicy({ extends: 'strict', maxAge: 'long' });
 * // r.ok === false; r.issues[0] = { path: 'maxAge', message: 'Invalid input: expected number, received string' }
 */
export function validatePolicy(value: unknown): { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] } {
  let input = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const ext = (value as Record<string, unknown>).extends;
    if (ext !== undefined && !isPresetName(ext)) {
      return { ok: false, issues: [{ path: 'extends', message: `unknown preset "${String(ext).slice(0, 50)}"; expected one of ${PRESET_NAMES.join(', ')}` }] };
    }
    if (ext !== undefined) input = { ...structuredClone(PRESET_INPUTS[ext]), ...(value as object) };
  }
  const r = PolicySchema.safeParse(input);
  if (r.success) return { ok: true, policy: r.data };
  return { ok: false, issues: r.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) };
}

/**
 * Parses policy JSON text. Never throws: bad JSON or bad fields come back as issues.
 *
 * @example
 * const r = parsePolicy('{"maxAge": -1}');
 * // { ok: false, issues: [{ path: 'maxAge', message: 'must be positive' }] }
 */
export function parsePolicy(text: string): { ok: true; policy: Policy } | { ok: false; issues: PolicyIssue[] } {
  if (text.length > 1024 * 1024) return { ok: false, issues: [{ path: '', message: 'policy file larger than 1 MiB' }] };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, issues: [{ path: '', message: `not valid JSON: ${e instanceof Error ? e.message : String(e)}` }] };
  }
  return validatePolicy(value);
}

/**
 * Like {@link parsePolicy} but throws a {@link PolicyError} naming every bad field.
 *
 * @example
 * const policy = loadPolicy(await readFile('policy.json', 'utf8'));
 */
export function loadPolicy(text: string): Policy {
  const r = parsePolicy(text);
  if (!r.ok) throw new PolicyError(r.issues);
  return r.policy;
}

/**
 * Serialises a policy as JSON that {@link parsePolicy} reads back to an equal policy.
 *
 * @example
 * const text = exportPolicy(getPreset('strict'));
 */
export function exportPolicy(policy: Policy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}

/**
 * True when `host` matches a site override pattern: `example.com` matches only itself,
 * `*.example.com` matches `example.com` and every subdomain.
 *
 * @example
 * hostMatches('*.example.com', 'app.example.com') // true
 */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p.startsWith('*.')) {
    const base = p.slice(2);
    return h === base || h.endsWith(`.${base}`);
  }
  return h === p;
}

/**
 * The settings for one host: the policy with every matching site override applied in order.
 *
 * @example
 * resolvePolicy(policy, 'app.example.com').maxAge
 */
export function resolvePolicy(policy: Policy, host: string): EffectivePolicy {
  const out: EffectivePolicy = {
    name: policy.name,
    sessionCookieNames: [...policy.sessionCookieNames],
    csrfCookieNames: [...policy.csrfCookieNames],
    sessionNameHeuristic: policy.sessionNameHeuristic,
    maxAge: policy.maxAge,
    localExemption: policy.localExemption,
    escalate: policy.escalate,
    rules: { ...policy.rules },
  };
  if (policy.path !== undefined) out.path = policy.path;
  for (const site of policy.sites) {
    if (!hostMatches(site.host, host)) continue;
    const { host: _host, rules, ...rest } = site;
    for (const [k, v] of Object.entries(rest)) {
      if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = Array.isArray(v) ? [...v] : v;
    }
    if (rules) out.rules = { ...out.rules, ...rules };
  }
  return out;
}

/**
 * A copy of the policy with the local-development exemption dropped everywhere, including
 * site overrides (`session-lens check --strict`).
 *
 * @example
 * const policy = withoutLocalExemptions(getPreset('local-dev'));
 */
export function withoutLocalExemptions(policy: Policy): Policy {
  return {
    ...policy,
    localExemption: false,
    sites: policy.sites.map((s) => (s.localExemption === undefined ? s : { ...s, localExemption: false })),
  };
}
