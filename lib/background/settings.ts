/**
 * The settings model. Everything lives in storage.local (never storage.sync): the policy, the
 * companion URL and token, and the secret keys, each with its framework's family. Pages only ever
 * see {@link SettingsView}, where a key is a masked hint and the token is a boolean.
 *
 * Stored versions: 1 had keys without families (all Django's); reading one gives each key the
 * `django` family, and the next save writes version 2.
 */
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../codec/index.ts';
import { getPreset, validatePolicy, type Policy } from '../policy/index.ts';
import { KEY_FAMILIES, keyFamiliesFor, keyFormCheck, type KeyFamily, type KeyHint, type SettingsPatch, type SettingsView } from '../protocol/index.ts';

/** storage.local item holding {@link StoredSettings}. */
export const SETTINGS_STORAGE_KEY = 'settings';
/** Most secret keys kept (SECRET_KEY plus fallbacks). */
export const MAX_KEYS = 20;

const StoredKeySchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  /** Absent in version 1: Django's. */
  family: z.enum(KEY_FAMILIES).default('django'),
  key: z.string().min(1),
  /** Phoenix: the endpoint's signing_salt and encryption_salt. */
  salts: z.array(z.string().min(1).max(256)).max(8).optional(),
});

/** Settings as stored (secrets included); version 1 is read too (its keys become Django's). */
export const StoredSettingsSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  /** A full lib/policy `Policy`, validated again with `validatePolicy` when read. */
  policy: z.unknown(),
  companion: z.object({ url: z.string(), token: z.string() }),
  keys: z.array(StoredKeySchema).max(MAX_KEYS),
});

/** A secret key as the background keeps it. */
export interface StoredKey {
  id: string;
  label: string;
  family: KeyFamily;
  key: string;
  salts?: string[];
}

/** Settings as the background uses them. */
export interface Settings {
  policy: Policy;
  companion: { url: string; token: string };
  keys: StoredKey[];
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
    keys: parsed.data.keys.map(({ salts, ...k }) => (salts?.length ? { ...k, salts } : k)),
  };
}

/**
 * The stored form of settings.
 *
 * @example
 * await browser.storage.local.set({ settings: storeSettings(settings) });
 */
export function storeSettings(s: Settings): z.infer<typeof StoredSettingsSchema> {
  return { version: 2, policy: s.policy, companion: s.companion, keys: s.keys };
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
  const keys: KeyHint[] = s.keys.map((k) => ({
    id: k.id,
    label: k.label,
    family: k.family,
    hint: maskKey(k.key),
    length: k.key.length,
    ...(k.salts ? { salts: [...k.salts] } : {}),
  }));
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

/** A key as decoding needs it: no family is Django's. */
export interface KeyLike {
  key: string;
  family?: KeyFamily;
  salts?: readonly string[];
}

/** What `keys/add` stores: the key, its family (Django's when not given) and Phoenix's salts. */
export interface KeyInput {
  label: string;
  key: string;
  family?: KeyFamily;
  salts?: readonly string[];
}

/**
 * Adds a secret key at the end of its family's (SECRET_KEY first, then fallbacks, in the order
 * added). The key must have its family's form; the same key twice in one family is refused.
 *
 * @example
 * const next = addKey(settings, { label: 'prod', key: '0f52…', family: 'rails' }, 'k1');
 */
export function addKey(s: Settings, input: KeyInput, id: string): Settings {
  const family = input.family ?? 'django';
  if (s.keys.length >= MAX_KEYS) throw new SettingsError([{ path: 'keys', message: `at most ${MAX_KEYS} keys` }]);
  const error = keyFormCheck(family, input.key).error;
  if (error) throw new SettingsError([{ path: 'key', message: error }]);
  if (s.keys.some((k) => k.family === family && k.key === input.key)) throw new SettingsError([{ path: 'key', message: 'this key is already stored' }]);
  const label = input.label || `key ${s.keys.filter((k) => k.family === family).length + 1}`;
  const key: StoredKey = { id, label, family, key: input.key };
  if (input.salts?.length) key.salts = [...input.salts];
  return { ...s, keys: [...s.keys, key] };
}

/**
 * The stored keys a format is tried with: its families' keys (see `keyFamiliesFor`), each family's
 * in the order added, and their salts (Phoenix) when any key has some.
 *
 * @example
 * keysForFormat(settings.keys, 'rails-encrypted').keys // the Rails keys
 */
export function keysForFormat<K extends KeyLike>(keys: readonly K[], format: string): { keys: K[]; salts?: string[] } {
  const out = keyFamiliesFor(format).flatMap((f) => keys.filter((k) => (k.family ?? 'django') === f));
  const salts = [...new Set(out.flatMap((k) => k.salts ?? []))];
  return salts.length ? { keys: out, salts } : { keys: out };
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
