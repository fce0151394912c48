import { describe, expect, it } from 'vitest';
import { PyObject, type SessionValue } from '../../../lib/codec/index.ts';
import { resolveExpiry, userIdOf } from '../../../lib/companion/sessions.ts';
import type { StoredExpiry } from '../../../lib/companion/stores/types.ts';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const mtime = new Date(NOW - 3600_000);
const file = (cookieAge = 1_209_600): StoredExpiry => ({ kind: 'file', mtime, cookieAge });
const iso = (ms: number) => new Date(ms).toISOString();
const when = (ms: number) => new PyObject('datetime.datetime', { value: iso(ms).replace('Z', '+00:00') });

describe('resolveExpiry', () => {
  it.each<[string, StoredExpiry, SessionValue, 'session_data' | 'value', string | null, boolean]>([
    ['db: expire_date ahead', { kind: 'date', date: new Date(NOW + 1) }, {}, 'session_data', iso(NOW + 1), false],
    ['db: expire_date now (Django wants expire_date > now)', { kind: 'date', date: new Date(NOW) }, {}, 'session_data', iso(NOW), true],
    ['db: _session_expiry does not matter, the column does', { kind: 'date', date: new Date(NOW + 1000) }, { _session_expiry: -5 }, 'session_data', iso(NOW + 1000), false],
    ['file: mtime + SESSION_COOKIE_AGE', file(), {}, 'session_data', iso(mtime.getTime() + 1_209_600_000), false],
    ['file: mtime + a short cookie age, passed', file(60), {}, 'session_data', iso(mtime.getTime() + 60_000), true],
    ['file: _session_expiry seconds > 0 (Django never expires these by age)', file(60), { _session_expiry: 30 }, 'session_data', iso(mtime.getTime() + 30_000), false],
    ['file: _session_expiry ≤ 0 seconds', file(), { _session_expiry: -3600 }, 'session_data', iso(mtime.getTime() - 3600_000), true],
    ['file: _session_expiry 0 means the cookie age', file(60), { _session_expiry: 0 }, 'session_data', iso(mtime.getTime() + 60_000), true],
    ['file: _session_expiry datetime (pickle serializer), past', file(), { _session_expiry: when(NOW - 1000) }, 'session_data', iso(NOW - 1000), true],
    ['cache: TTL', { kind: 'date', date: new Date(NOW + 5000) }, {}, 'value', iso(NOW + 5000), false],
    ['cache: no TTL kept', { kind: 'date', date: null }, {}, 'value', null, false],
    ['cache: negative _session_expiry', { kind: 'date', date: new Date(NOW + 300_000) }, { _session_expiry: -3600 }, 'value', iso(NOW + 300_000), true],
    ['cache: past datetime _session_expiry without TTL', { kind: 'date', date: null }, { _session_expiry: when(NOW - 1) }, 'value', iso(NOW - 1), true],
  ])('%s', (_name, expiry, data, format, date, expired) => {
    const r = resolveExpiry(expiry, data, format, NOW);
    expect(r.date ? r.date.toISOString() : null).toBe(date);
    expect(r.expired).toBe(expired);
  });
});

describe('userIdOf', () => {
  it.each<[SessionValue, string | null]>([
    [{ _auth_user_id: '42' }, '42'],
    [{ _auth_user_id: 42 }, '42'],
    [{ _auth_user_id: 12345678901234567890n }, '12345678901234567890'],
    [{ other: 1 }, null],
    [null, null],
    [[1], null],
  ])('case %# → %s', (data, id) => {
    expect(userIdOf(data)).toBe(id);
  });
});
