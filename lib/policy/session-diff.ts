/**
 * What changed in a session's data between two values of its cookie: keys added, removed and
 * changed, each with a short text of its value before and after — masked for keys that hold
 * secrets. Pure and small, so the background can keep a summary per cookie instead of its value.
 *
 * ```
 * before {"theme": "dark"}
 * after  {"theme": "dark", "_auth_user_id": "1", "_auth_user_hash": "9a0c…"}
 * diff   + _auth_user_hash ••••   + _auth_user_id "1"
 * ```
 *
 * Masked keys (Django's `_auth_user_hash` is an HMAC of the password hash; a `_csrftoken` under
 * `CSRF_USE_SESSIONS` is the CSRF secret) show `••••`; their change is still told apart by a
 * 32-bit FNV-1a hash of the value that never leaves the summary.
 */
import { isSessionObject, stringifyJson, type SessionValue } from '../codec/index.ts';

/** Key names whose values are never shown: hashes, tokens, secrets, passwords, CSRF values, keys. */
export const MASKED_KEY_PATTERN = /hash|token|secret|passw|csrf|nonce|otp|api[-_]?key|private|signature|credential/i;
/** What a masked value shows. */
export const MASK = '••••';
/** Longest value text kept (longer ones end in `…`). */
export const MAX_VALUE_TEXT = 120;
/** Keys summarised per session (sorted by name; the rest are counted, not listed). */
export const MAX_SUMMARY_KEYS = 100;
/** Entries a diff lists (the rest are counted in `more`). */
export const MAX_DIFF_KEYS = 40;

/** One key of a summarised session: its shown text and a hash of its full value. */
export interface SessionKeyText {
  text: string;
  hash: string;
}

/** A session's top-level keys, each as {@link SessionKeyText}. */
export type SessionSummary = Record<string, SessionKeyText>;

/** One key that changed. `before` / `after` are absent for an added / removed key. */
export interface SessionDiffEntry {
  key: string;
  change: 'added' | 'removed' | 'changed';
  before?: string;
  after?: string;
  /** True when the values are masked ({@link MASK}). */
  masked?: boolean;
}

/** The keys that changed, sorted by name; `more` counts the ones past {@link MAX_DIFF_KEYS}. */
export interface SessionDiff {
  entries: SessionDiffEntry[];
  more: number;
}

/**
 * True when a session key's value must not be shown.
 *
 * @example
 * isMaskedSessionKey('_auth_user_hash') // true
 * isMaskedSessionKey('_auth_user_id') // false
 */
export function isMaskedSessionKey(key: string, extra: readonly string[] = []): boolean {
  return MASKED_KEY_PATTERN.test(key) || extra.includes(key);
}

/** FNV-1a, 32 bits, over UTF-16 code units: tells values apart, nothing more. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * A value as one line of text, at most `max` characters (longer: cut, ending in `…`).
 *
 * @example
 * shortValueText('a'.repeat(200), 10) // 'aaaaaaaaa…'
 */
export function shortValueText(text: string, max = MAX_VALUE_TEXT): string {
  const line = text.replace(/\s*\n\s*/g, ' ');
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/**
 * Summarises a decoded session for {@link diffSessions}; `null` when the data is not a dict (an
 * opaque key's data lives on the server).
 *
 * @example
 * summarizeSession({ _auth_user_id: '1' }) // { _auth_user_id: { text: '"1"', hash: '…' } }
 */
export function summarizeSession(data: SessionValue, masked: readonly string[] = []): SessionSummary | null {
  if (!isSessionObject(data)) return null;
  const keys = Object.keys(data).sort().slice(0, MAX_SUMMARY_KEYS);
  return Object.fromEntries(
    keys.map((key) => {
      const json = stringifyJson(data[key] as SessionValue);
      return [key, { text: isMaskedSessionKey(key, masked) ? MASK : shortValueText(json), hash: fnv1a(json) }];
    }),
  );
}

/**
 * The keys that changed from `before` to `after` (`null`: no session, e.g. before the cookie was
 * set or after it was deleted). `null` when neither side is readable.
 *
 * @example
 * diffSessions(summarizeSession({ cart: [1] }), summarizeSession({ cart: [1, 2], _auth_user_id: '1' }))
 * // { entries: [{ key: '_auth_user_id', change: 'added', after: '"1"' }, { key: 'cart', change: 'changed', before: '[1]', after: '[1,2]' }], more: 0 }
 */
export function diffSessions(before: SessionSummary | null, after: SessionSummary | null): SessionDiff | null {
  if (before === null && after === null) return null;
  const b = before ?? {};
  const a = after ?? {};
  const has = (o: SessionSummary, k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  const all: SessionDiffEntry[] = [];
  for (const key of keys) {
    const was = has(b, key) ? b[key] : undefined;
    const now = has(a, key) ? a[key] : undefined;
    if (was && now && was.hash === now.hash) continue;
    const entry: SessionDiffEntry = { key, change: !was ? 'added' : !now ? 'removed' : 'changed' };
    if (was) entry.before = was.text;
    if (now) entry.after = now.text;
    if (was?.text === MASK || now?.text === MASK) entry.masked = true;
    all.push(entry);
  }
  return { entries: all.slice(0, MAX_DIFF_KEYS), more: Math.max(0, all.length - MAX_DIFF_KEYS) };
}
