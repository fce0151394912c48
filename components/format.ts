/**
 * Small formatting helpers shared by the panel components. Pure functions: no DOM, no browser.
 */
import { stringifyJson, type SessionValue } from '../lib/codec/index.ts';
import { findingCookieKey } from '../lib/policy/index.ts';
import type { CookieRow, SameSiteView, TimelineEntry } from './view-model.ts';

/** `2026-12-06T00:27:48.000Z` → `2026-12-06 00:27:48 UTC`; `null` → `Session`. */
export function formatExpires(expires: number | null): string {
  if (expires === null) return 'Session';
  const d = new Date(expires);
  if (Number.isNaN(d.getTime())) return 'Invalid';
  return `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A duration in milliseconds as a short human string: `45 s`, `3 min`, `2 h`, `14 d`. Negative → `-3 min`. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${sign}${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${sign}${m} min`;
  const h = Math.round(s / 3600);
  if (h < 48) return `${sign}${h} h`;
  return `${sign}${Math.round(s / 86400)} d`;
}

/** The max-age a cookie has left, relative to `now`, or `''` for a browser-session cookie. */
export function formatMaxAge(expires: number | null, now: number): string {
  if (expires === null) return '';
  const left = expires - now;
  return left <= 0 ? 'expired' : formatDuration(left);
}

/**
 * An epoch-ms time as the table writes it (`2026-12-06 00:27:48 UTC`): one time format in the
 * table, the details and the timeline.
 */
export function formatClock(at: number): string {
  return formatExpires(at);
}

/** `SameSite` as DevTools writes it. */
export function formatSameSite(s: SameSiteView): string {
  switch (s) {
    case 'strict':
      return 'Strict';
    case 'lax':
      return 'Lax';
    case 'none':
      return 'None';
    default:
      return '';
  }
}

/** Columns the table can be sorted by. */
export type SortKey = 'name' | 'value' | 'domain' | 'path' | 'expires' | 'size' | 'httpOnly' | 'secure' | 'sameSite' | 'partition';

/** A sort order: a column and a direction. */
export interface SortOrder {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/**
 * Session cookies first, then by the chosen column (default: name), then name, domain and path.
 * Returns a new array.
 */
export function sortCookies(rows: readonly CookieRow[], order: SortOrder = { key: 'name', dir: 'asc' }): CookieRow[] {
  const sign = order.dir === 'asc' ? 1 : -1;
  return [...rows].sort(
    (a, b) =>
      Number(b.isSession) - Number(a.isSession) ||
      sign * byKey(a, b, order.key) ||
      cmp(a.name, b.name) ||
      cmp(a.domain, b.domain) ||
      cmp(a.path, b.path) ||
      cmp(a.id, b.id),
  );
}

function byKey(a: CookieRow, b: CookieRow, key: SortKey): number {
  switch (key) {
    case 'expires': // browser-session cookies (no expiry) last
      return (a.expires ?? Infinity) - (b.expires ?? Infinity) || 0;
    case 'size':
      return a.size - b.size;
    case 'httpOnly':
    case 'secure':
      return Number(a[key]) - Number(b[key]);
    case 'partition':
      return cmp(a.partition ?? '', b.partition ?? '');
    default:
      return cmp(a[key], b[key]);
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Case-insensitive filter over name, domain, path and value. Words separated by spaces must all
 * match; the word `is:session` keeps only session cookies.
 */
export function filterCookies(rows: readonly CookieRow[], query: string): CookieRow[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...rows];
  const sessionOnly = words.includes('is:session');
  const terms = words.filter((w) => w !== 'is:session');
  return rows.filter((r) => {
    if (sessionOnly && !r.isSession) return false;
    if (terms.length === 0) return true;
    const hay = `${r.name}\n${r.domain}\n${r.path}\n${r.value}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}

/**
 * A `SessionValue` as exact JSON text (the codec's one writer): big ints as digits, floats as
 * Python prints them, tuples and other Python objects as `{"$py": …}`. For "copy JSON"; never fed to HTML.
 */
export function toJsonText(value: SessionValue, indent = 2): string {
  return stringifyJson(value, indent);
}

/**
 * `1 cookie`, `2 cookies`, `0 findings`: a count and its noun, singular for exactly one.
 *
 * @example
 * plural(1, 'cookie') // '1 cookie'
 */
export function plural(n: number, noun: string, many = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : many}`;
}

/**
 * The key findings are grouped by, for a table row or a finding: name, domain (no leading dot,
 * lower case), path and partition — lib/policy's `findingCookieKey`.
 *
 * @example
 * cookieKeyOf({ name: 'sessionid', domain: '.example.com', path: '/app', partition: null }) // 'sessionid|example.com|/app|'
 */
export function cookieKeyOf(c: { name: string; domain: string; path: string; partition: string | null }): string {
  return findingCookieKey(c);
}

/** A finding's cookie key ({@link cookieKeyOf}). */
export function findingKeyOf(f: { cookie: string; domain: string; path: string; partition: string | null }): string {
  return findingCookieKey({ name: f.cookie, domain: f.domain, path: f.path, partition: f.partition });
}

/** Events of one cookie and kind closer together than this merge into one timeline row. */
export const BURST_GAP_MS = 2000;

/**
 * Merges runs of the same event on the same cookie (a burst: 500 rotations in a second) into one
 * entry with a `count` and `firstAt`, oldest first. Entries already merged (by the background)
 * add their counts.
 *
 * @example
 * mergeBursts(rotations).map((e) => e.count) // [500]
 */
export function mergeBursts(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const sorted = [...entries].sort((a, b) => a.at - b.at);
  const out: TimelineEntry[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && last.kind === e.kind && last.cookie === e.cookie && last.domain === e.domain && e.at - last.at <= BURST_GAP_MS) {
      out[out.length - 1] = {
        ...e,
        count: (last.count ?? 1) + (e.count ?? 1),
        firstAt: last.firstAt ?? last.at,
      };
    } else out.push(e);
  }
  return out;
}
