/** View-model builders shared by the component tests. */
import type { CookieRow, FindingView, TimelineEntry } from '../../../components/view-model.ts';

/** A cookie row with sensible defaults. */
export function cookie(over: Partial<CookieRow> & { name: string }): CookieRow {
  const base: CookieRow = {
    id: `0|localhost|/|${over.name}`,
    name: over.name,
    value: 'v',
    domain: 'localhost',
    path: '/',
    expires: null,
    size: over.name.length + 1,
    httpOnly: false,
    secure: false,
    sameSite: 'lax',
    partition: null,
    storeId: '0',
    isSession: false,
  };
  const row = { ...base, ...over };
  return { ...row, id: over.id ?? `0|${row.domain}|${row.path}|${row.name}`, size: row.name.length + row.value.length };
}

/** `n` cookies named c0000…, none of them session cookies. */
export function manyCookies(n: number): CookieRow[] {
  return Array.from({ length: n }, (_, i) => cookie({ name: `c${String(i).padStart(4, '0')}`, value: `value-${i}` }));
}

/** A finding with defaults. */
export function finding(over: Partial<FindingView> & { cookie: string; rule: string }): FindingView {
  return { domain: 'localhost', path: '/', partition: null, severity: 'medium', message: `${over.rule} message`, fix: `${over.rule} fix`, source: 'cookie', ...over };
}

/** A timeline entry with defaults. */
export function event(over: Partial<TimelineEntry> & { id: string }): TimelineEntry {
  return { at: Date.UTC(2026, 0, 1, 12, 0, 0), kind: 'created', cookie: 'sessionid', domain: 'localhost', ...over };
}
