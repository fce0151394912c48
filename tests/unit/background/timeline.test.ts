import { describe, expect, it } from 'vitest';
import {
  MAX_EVENTS_PER_SITE,
  MAX_KNOWN_PER_SITE,
  ROTATION_WINDOW_MS,
  applyChange,
  emptyTimeline,
  type SessionCookieChange,
  type SessionFacts,
} from '../../../lib/background/timeline.ts';

const SITE = 'localhost';
const opaque = (fp: string, expires: number | null = 1_000): SessionFacts => ({ fingerprint: fp, user: null, opaque: true, expires });
const signed = (fp: string, user: string | null, expires: number | null = null): SessionFacts => ({ fingerprint: fp, user, opaque: false, expires });

function change(at: number, cause: SessionCookieChange['cause'], removed: boolean, facts: SessionFacts, id = 'c1'): SessionCookieChange {
  return { at, cause, removed, facts, id, name: 'sessionid', storeId: '0' };
}

/** Runs changes through a fresh timeline; returns [kind, detail] of each event. */
function run(changes: SessionCookieChange[]): [string, string][] {
  const state = emptyTimeline();
  for (const c of changes) applyChange(state, SITE, c);
  return state.events.map((e) => [e.kind, e.detail]);
}

describe('applyChange', () => {
  it.each<[string, SessionCookieChange[], [string, string][]]>([
    ['first session cookie', [change(0, 'explicit', false, opaque('a', null))], [['created', 'session created until the browser closes']]],
    [
      'login on a db session: overwrite with a new key',
      [change(0, 'explicit', false, opaque('a')), change(10, 'overwrite', true, opaque('a')), change(11, 'explicit', false, opaque('b'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['rotated', 'new session key']],
    ],
    [
      'SESSION_SAVE_EVERY_REQUEST: same key, later expiry',
      [change(0, 'explicit', false, opaque('a', 1_000)), change(5, 'overwrite', true, opaque('a', 1_000)), change(6, 'explicit', false, opaque('a', 2_000))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['refreshed', 'expiry extended until 1970-01-01T00:00:02.000Z']],
    ],
    [
      'the same cookie set again unchanged: no event',
      [change(0, 'explicit', false, opaque('a')), change(5, 'overwrite', true, opaque('a')), change(6, 'explicit', false, opaque('a'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z']],
    ],
    [
      'signed cookie: login, data change, user change, logout by overwrite',
      [
        change(0, 'explicit', false, signed('a', null)),
        change(1, 'overwrite', true, signed('a', null)),
        change(2, 'explicit', false, signed('b', '1')),
        change(3, 'overwrite', true, signed('b', '1')),
        change(4, 'explicit', false, signed('c', '1')),
        change(5, 'overwrite', true, signed('c', '1')),
        change(6, 'explicit', false, signed('d', '2')),
        change(7, 'overwrite', true, signed('d', '2')),
        change(8, 'explicit', false, signed('e', null)),
      ],
      [
        ['created', 'session created until the browser closes'],
        ['rotated', 'login: user 1'],
        ['value-changed', 'session data changed (user 1)'],
        ['rotated', 'user changed from 1 to 2'],
        ['rotated', 'logout: user 2 left'],
      ],
    ],
    [
      'logout: Django deletes the cookie (expired_overwrite)',
      [change(0, 'explicit', false, opaque('a')), change(9, 'expired_overwrite', true, opaque('a'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['flushed', 'deleted by the server (session flushed / logout)']],
    ],
    [
      'removed, then a new session within the rotation window',
      [change(0, 'explicit', false, opaque('a')), change(100, 'explicit', true, opaque('a')), change(100 + ROTATION_WINDOW_MS, 'explicit', false, opaque('b'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['removed', 'removed'], ['rotated', 'new session key after removal']],
    ],
    [
      'removed, then a new session after the window',
      [change(0, 'explicit', false, opaque('a')), change(100, 'evicted', true, opaque('a')), change(101 + ROTATION_WINDOW_MS, 'explicit', false, opaque('b'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['removed', 'evicted by the browser'], ['created', 'session created until 1970-01-01T00:00:01.000Z']],
    ],
    [
      'expiry in the browser',
      [change(0, 'explicit', false, opaque('a')), change(50, 'expired', true, opaque('a'))],
      [['created', 'session created until 1970-01-01T00:00:01.000Z'], ['expired', 'expired in the browser']],
    ],
  ])('%s', (_name, changes, expected) => {
    expect(run(changes)).toEqual(expected);
  });

  it('keeps events in order with unique ids and the site', () => {
    const state = emptyTimeline();
    const a = applyChange(state, SITE, change(0, 'explicit', false, opaque('a')));
    const b = applyChange(state, SITE, change(1, 'expired', true, opaque('a')));
    expect(a?.id).not.toBe(b?.id);
    expect(state.events.map((e) => [e.site, e.at, e.cookie, e.storeId])).toEqual([
      [SITE, 0, 'sessionid', '0'],
      [SITE, 1, 'sessionid', '0'],
    ]);
  });

  it('is bounded: events, remembered cookies and pending bookkeeping', () => {
    const state = emptyTimeline();
    for (let i = 0; i < MAX_EVENTS_PER_SITE + 50; i++) applyChange(state, SITE, change(i, 'explicit', false, opaque(`k${i}`), `id${i}`));
    expect(state.events).toHaveLength(MAX_EVENTS_PER_SITE);
    expect(state.events[0]!.at).toBe(50);
    expect(Object.keys(state.known)).toHaveLength(MAX_KNOWN_PER_SITE);
    applyChange(state, SITE, change(1_000, 'overwrite', true, opaque('x'), 'id999'));
    applyChange(state, SITE, change(1_001, 'explicit', true, opaque('y'), 'id998'));
    applyChange(state, SITE, change(1_000 + 10 * ROTATION_WINDOW_MS, 'explicit', false, opaque('z'), 'other'));
    expect(state.overwriting).toEqual({});
    expect(state.removedAt).toEqual({});
    expect(JSON.parse(JSON.stringify(state))).toEqual(state); // storable as it is
  });
});
