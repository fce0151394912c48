/**
 * Settings, companion and policy views: what the options page reads and changes. Secret keys are
 * write-only here: pages see a masked {@link KeyHint}, never a key.
 */
import { KEY_FAMILY_INFO, KeyFamilySchema, KeySaltSchema, keyFormCheck } from './key-families.ts';
import { z } from './zod.ts';

/**
 * The policy as JSON (lib/policy's `PolicySchema` input: preset via `extends`, session cookie names,
 * rules, per-site overrides). The background validates it with lib/policy's `validatePolicy`; the
 * options page does too, before sending, to show errors per field.
 */
export const PolicyJsonSchema = z.record(z.string(), z.unknown());
export type PolicyJson = z.infer<typeof PolicyJsonSchema>;

/**
 * Why a companion URL is refused, or `null`: http(s) only, no credentials in it, and plain
 * `http://` only to this machine (`localhost`, 127.0.0.0/8, `[::1]`) — elsewhere the bearer token
 * and every session would cross the network unencrypted.
 *
 * @example
 * companionUrlError('http://127.0.0.1:8399') // null
 * companionUrlError('http://192.168.1.5:8399') // 'Plain http:// is only for this machine …'
 */
export function companionUrlError(url: string): string | null {
  if (url === '') return null;
  if (!/^https?:\/\/[^\s/]+/i.test(url)) return 'Use an http:// or https:// URL';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'Use an http:// or https:// URL';
  }
  if (u.username || u.password) return 'Put the token in the Token field, not in the URL';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (u.protocol === 'http:' && !loopback) {
    return 'Plain http:// is only for this machine (localhost, 127.0.0.1, [::1]): elsewhere the token and sessions would cross the network unencrypted. Use https://';
  }
  return null;
}

/** A companion server URL: see {@link companionUrlError}. */
export const CompanionUrlSchema = z.string().check(
  z.trim(),
  z.superRefine((s, ctx) => {
    const error = companionUrlError(s);
    if (error) ctx.addIssue({ code: 'custom', message: error, input: s });
  }),
);

/** A stored secret key as shown to pages: never the key itself. */
export const KeyHintSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** The framework whose setting it is (keys stored before families are Django's). */
  family: KeyFamilySchema,
  /** Masked: first 4 characters, `…`, length. */
  hint: z.string(),
  length: z.int().check(z.nonnegative()),
  /** Salts stored with it (Phoenix's signing_salt, encryption_salt): not secret, shown. */
  salts: z.optional(z.array(z.string())),
});
export type KeyHint = z.infer<typeof KeyHintSchema>;

/**
 * `keys/add`: a key, its family (Django's by default) and, for Phoenix, the endpoint's salts. The
 * key must have its family's form (see `keyFormCheck`); the error names the setting, never the key.
 */
export const KeyAddSchema = z
  .object({
    label: z._default(z.string().check(z.trim(), z.maxLength(200)), ''),
    key: z.string().check(z.minLength(1, 'Enter a key'), z.maxLength(4096, 'Key too long')),
    family: z._default(KeyFamilySchema, 'django'),
    salts: z.optional(z.array(KeySaltSchema).check(z.maxLength(8))),
  })
  .check(
    z.superRefine((v, ctx) => {
      // empty or too long: the field's own checks said so
      const error = v.key.length > 0 && v.key.length <= 4096 && keyFormCheck(v.family, v.key).error;
      if (error) ctx.addIssue({ code: 'custom', message: error, path: ['key'], input: v.key });
      if (v.salts?.length && !KEY_FAMILY_INFO[v.family].salts) {
        ctx.addIssue({ code: 'custom', message: `${KEY_FAMILY_INFO[v.family].label} keys take no salts`, path: ['salts'], input: v.salts });
      }
    }),
  );
export type KeyAdd = z.infer<typeof KeyAddSchema>;

/** Settings as pages see them. */
export const SettingsViewSchema = z.object({
  /** The full policy, defaults filled in (lib/policy `Policy`). */
  policy: PolicyJsonSchema,
  /** The policy's session cookie names (read-only here: change them in `policy`). */
  sessionCookieNames: z.array(z.string()),
  /** Secret keys, in the order tried within each family (SECRET_KEY first, then fallbacks). */
  keys: z.array(KeyHintSchema),
  companion: z.object({ url: z.string(), hasToken: z.boolean() }),
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** What `settings/set` may change. `token: ''` clears the token; leaving it out keeps it. */
export const SettingsPatchSchema = z.object({
  policy: z.optional(PolicyJsonSchema),
  companion: z.optional(z.object({ url: CompanionUrlSchema, token: z.optional(z.string().check(z.maxLength(4096))) })),
});
export type SettingsPatch = z.infer<typeof SettingsPatchSchema>;

// ─── Companion ──────────────────────────────────────────────────────────────────────────────────

/** Result of looking up an opaque session key on the companion server. */
export const CompanionLookupViewSchema = z.object({
  key: z.string(),
  found: z.boolean(),
  store: z.nullable(z.string()),
  expireDate: z.nullable(z.string()),
  expired: z.nullable(z.boolean()),
  verified: z.nullable(z.boolean()),
  /** `stringifyJson(data, 2)`, or `null` when not found. */
  json: z.nullable(z.string()),
  /** False when the companion runs with `--allow-write` (edit and "log out" are offered). */
  readOnly: z.optional(z.boolean()),
});
export type CompanionLookupView = z.infer<typeof CompanionLookupViewSchema>;

/** Connection state of the companion server. */
export const CompanionStatusSchema = z.object({
  state: z.enum(['connected', 'unauthorized', 'unreachable', 'bad-response', 'not-configured']),
  message: z.string(),
  url: z.string(),
});
export type CompanionStatus = z.infer<typeof CompanionStatusSchema>;

// ─── Policy (validated by lib/policy in the background, so pages need not bundle it) ────────────

/** One policy problem: the field path (`sites[0].host`) and why. */
export const PolicyIssueSchema = z.object({ path: z.string(), message: z.string() });
export type PolicyIssueView = z.infer<typeof PolicyIssueSchema>;

/** `policy/validate`: the full policy (defaults filled in) or the issues by field. */
export const PolicyValidationSchema = z.object({
  ok: z.boolean(),
  policy: z.nullable(PolicyJsonSchema),
  issues: z.array(PolicyIssueSchema),
});
export type PolicyValidation = z.infer<typeof PolicyValidationSchema>;

/** `policy/catalog`: the built-in presets and the rules, for the options page. */
export const PolicyCatalogSchema = z.object({
  presets: z.array(z.object({ name: z.string(), policy: PolicyJsonSchema })),
  rules: z.array(z.object({ id: z.string(), title: z.string(), description: z.string() })),
  severities: z.array(z.string()),
});
export type PolicyCatalog = z.infer<typeof PolicyCatalogSchema>;
