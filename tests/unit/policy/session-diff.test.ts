import { describe, expect, it } from 'vitest';
import {
  MASK,
  MAX_DIFF_KEYS,
  diffSessions,
  isMaskedSessionKey,
  shortValueText,
  summarizeSession,
  type SessionDiffEntry,
} from '../../../lib/policy/index.ts';
import type { SessionValue } from '../../../lib/codec/index.ts';

const diff = (before: SessionValue | undefined, after: SessionValue | undefined) =>
  diffSessions(before === undefined ? null : summarizeSession(before), after === undefined ? null : summarizeSession(after));

describe('diffSessions', () => {
  it.each<[string, SessionValue | undefined, SessionValue | undefined, SessionDiffEntry[]]>([
    [
      'login: the auth keys are added, the hash masked',
      { theme: 'dark' },
      { theme: 'dark', _auth_user_id: '1', _auth_user_backend: 'django.contrib.auth.backends.ModelBackend', _auth_user_hash: 'a1b2c3' },
      [
        { key: '_auth_user_backend', change: 'added', after: '"django.contrib.auth.backends.ModelBackend"' },
        { key: '_auth_user_hash', change: 'added', after: MASK, masked: true },
        { key: '_auth_user_id', change: 'added', after: '"1"' },
      ],
    ],
    ['logout: every key removed', { _auth_user_id: '1', cart: [1, 2] }, undefined, [
      { key: '_auth_user_id', change: 'removed', before: '"1"' },
      { key: 'cart', change: 'removed', before: '[1,2]' },
    ]],
    ['a cart dropped and a value changed', { cart: [1], n: 1 }, { n: 2 }, [
      { key: 'cart', change: 'removed', before: '[1]' },
      { key: 'n', change: 'changed', before: '1', after: '2' },
    ]],
    ['big integers exact', { id: 12345678901234567890n }, { id: 12345678901234567891n }, [
      { key: 'id', change: 'changed', before: '12345678901234567890', after: '12345678901234567891' },
    ]],
    ['a masked value that changed says so without showing either', { csrftoken: 'aaa' }, { csrftoken: 'bbb' }, [
      { key: 'csrftoken', change: 'changed', before: MASK, after: MASK, masked: true },
    ]],
    ['nothing changed', { a: 1, b: { c: [true] } }, { b: { c: [true] }, a: 1 }, []],
    ['a __proto__ key is an ordinary key', JSON.parse('{"__proto__": 1}') as SessionValue, JSON.parse('{"__proto__": 2}') as SessionValue, [
      { key: '__proto__', change: 'changed', before: '1', after: '2' },
    ]],
  ])('%s', (_name, before, after, entries) => {
    expect(diff(before, after)).toEqual({ entries, more: 0 });
  });

  it('is null when neither side is readable, and a non-dict is not readable', () => {
    expect(diffSessions(null, null)).toBeNull();
    expect(summarizeSession('a string')).toBeNull();
    expect(summarizeSession(null)).toBeNull();
  });

  it('tells long values apart past the text it keeps, and keeps the text short', () => {
    const long = 'x'.repeat(500);
    const d = diff({ blob: `${long}a` }, { blob: `${long}b` });
    expect(d!.entries).toHaveLength(1);
    expect(d!.entries[0]!.before!.length).toBe(120);
    expect(d!.entries[0]!.before!.endsWith('…')).toBe(true);
  });

  it(`lists at most ${MAX_DIFF_KEYS} keys and counts the rest`, () => {
    const after = Object.fromEntries(Array.from({ length: 55 }, (_, i) => [`k${String(i).padStart(2, '0')}`, i]));
    const d = diff({}, after)!;
    expect(d.entries).toHaveLength(MAX_DIFF_KEYS);
    expect(d.more).toBe(15);
  });
});

describe('masking', () => {
  it.each([
    ['_auth_user_hash', true],
    ['_csrftoken', true],
    ['api_key', true],
    ['password_reset', true],
    ['_auth_user_id', false],
    ['cart', false],
    ['theme', false],
  ])('%s masked: %s', (key, masked) => {
    expect(isMaskedSessionKey(key)).toBe(masked);
  });

  it('masks extra keys a caller names', () => {
    expect(summarizeSession({ pin: '1234' }, ['pin'])).toEqual({ pin: { text: MASK, hash: expect.stringMatching(/^[0-9a-f]{8}$/) } });
  });

  it('shortens text to one line', () => {
    expect(shortValueText('a\n  b')).toBe('a b');
    expect(shortValueText('abcdef', 4)).toBe('abc…');
  });
});
