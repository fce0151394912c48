/**
 * The settings model. Everything lives in storage.local (never storage.sync): the policy, the
 * companion URL and token, and the secret keys. Pages only ever see {@link SettingsView}, where a
 * key is a masked hint and the token is a boolean.
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../codec/index.ts';
import { getPreset, validatePolicy, type Policy } from '../policy/index.ts';
import type { KeyHint, SettingsPatch, SettingsView } from '../protocol/index.ts';

/** storage.local item holding {@link StoredSettings}. */
export const SETTINGS_STORAGE_KEY = 'settings';
/** Most secret keys kept (SECRET_KEY plus fallbacks). */
export const MAX_KEYS = 20;

const StoredKeySchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  key: z.string().min(1),
});

/** Settings as stored (secrets included). */
export const StoredSettingsSchema = z.object({
  version: z.literal(1),
  /** A full lib/policy `Policy`, validated again with `validatePolicy` when read. */
  policy: z.unknown(),
  companion: z.object({ url: z.string(), token: z.string() }),
  keys: z.array(StoredKeySchema).max(MAX_KEYS),
});

/** Settings as the background uses them. */
export interface Settings {
  policy: Policy;
  companion: { url: string; token: string };
  keys: { id: string; label: string; key: string }[];
}

/**
 * The settings a fresh install starts with: Django's defaults as the bar.
 *
 * @example
 * defaultSettings().policy.name // 'django-default'
 */
export function defaultSettings(): Settings {
  return { policy: getPreset('django-default'), companion: { url: '', token: '' }, keys: [] };
}

/**
 * Reads stored settings; anything invalid falls back to the defaults (field by field where possible).
 *
 * @example
 * const settings = readSettings((await browser.storage.local.get('settings')).settings);
 */
export function readSettings(raw: unknown): Settings {
  const parsed = StoredSettingsSchema.safeParse(raw);
  const defaults = defaultSettings();
  if (!parsed.success) return defaults;
  const policy = validatePolicy(parsed.data.policy);
  return {
    policy: policy.ok ? policy.policy : defaults.policy,
    companion: parsed.data.companion,
    keys: parsed.data.keys,
  };
}

/**
 * The stored form of settings.
 *
 * @example
 * await browser.storage.local.set({ settings: storeSettings(settings) });
 */
export function storeSettings(s: Settings): z.infer<typeof StoredSettingsSchema> {
  return { version: 1, policy: s.policy, companion: s.companion, keys: s.keys };
}

/**
 * A masked hint for a secret: its first 4 characters (fewer for short keys), an ellipsis, its length.
 * Django's insecure dev keys start `django-insecure-`, so the hint says which kind of key it is
 * without revealing it.
 *
 * @example
 * maskKey('django-insecure-abc…') // 'djan… (50 chars)'
 */
export function maskKey(key: string): string {
  const shown = key.length >= 16 ? 4 : key.length >= 8 ? 2 : 0;
  return `${key.slice(0, shown)}… (${key.length} chars)`;
}

/**
 * What pages may see of the settings.
 *
 * @example
 * const view = settingsView(settings); // view.keys[0].hint === 'djan… (50 chars)'
 */
export function settingsView(s: Settings): SettingsView {
  const keys: KeyHint[] = s.keys.map((k) => ({ id: k.id, label: k.label, hint: maskKey(k.key), length: k.key.length }));
  return {
    policy: s.policy as unknown as Record<string, unknown>,
    sessionCookieNames: [...s.policy.sessionCookieNames],
    keys,
    companion: { url: s.companion.url, hasToken: s.companion.token !== '' },
  };
}

/**
 * A patch that does not validate: the issues by field path.
 *
 * @example
 * try { applyPatch(s, patch) } catch (e) { if (e instanceof SettingsError) console.log(e.issues) }
 */
export class SettingsError extends ValidationError {
  constructor(issues: ValidationIssue[]) {
    super(issues, 'settings');
  }
}

const originOf = (url: string): string | null => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * Applies a `settings/set` patch. The policy is validated with lib/policy (`extends` fills a preset).
 *
 * @example
 * const next = applyPatch(settings, { companion: { url: 'http://127.0.0.1:8399', token: 't' } });
 */
export function applyPatch(s: Settings, patch: SettingsPatch): Settings {
  const next: Settings = { ...s, companion: { ...s.companion }, keys: [...s.keys] };
  if (patch.policy !== undefined) {
    const r = validatePolicy(patch.policy);
    if (!r.ok) throw new SettingsError(r.issues.map((i) => ({ path: i.path ? `policy.${i.path}` : 'policy', message: i.message })));
    next.policy = r.policy;
  }
  if (patch.companion !== undefined) {
    const url = patch.companion.url.replace(/\/+$/, '');
    // The stored token belongs to the origin it was saved for: a new origin needs its own token.
    if (patch.companion.token === undefined && originOf(url) !== originOf(next.companion.url)) next.companion.token = '';
    next.companion.url = url;
    if (patch.companion.token !== undefined) next.companion.token = patch.companion.token;
  }
  return next;
}

/**
 * Adds a secret key at the end (SECRET_KEY first, then fallbacks, in the order added).
 *
 * @example
 * const next = addKey(settings, { label: 'dev', key: 'django-insecure-…' }, 'k1');
 */
export function addKey(s: Settings, input: { label: string; key: string }, id: string): Settings {
  if (s.keys.length >= MAX_KEYS) throw new SettingsError([{ path: 'keys', message: `at most ${MAX_KEYS} keys` }]);
  if (s.keys.some((k) => k.key === input.key)) throw new SettingsError([{ path: 'key', message: 'this key is already stored' }]);
  const label = input.label || `key ${s.keys.length + 1}`;
  return { ...s, keys: [...s.keys, { id, label, key: input.key }] };
}

/**
 * Removes a secret key by id.
 *
 * @example
 * const next = removeKey(settings, 'k1');
 */
export function removeKey(s: Settings, id: string): Settings {
  if (!s.keys.some((k) => k.id === id)) throw new SettingsError([{ path: 'id', message: `no key "${id.slice(0, 64)}"` }]);
  return { ...s, keys: s.keys.filter((k) => k.id !== id) };
}
