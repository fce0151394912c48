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
import { createRequestLog, requestUrlText, setCookieHeaders } from '../../../lib/background/request-log.ts';
import { summarizeSession } from '../../../lib/policy/index.ts';
import type { SessionValue } from '../../../lib/codec/index.ts';

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

/** Signed-cookie facts with the data summarised, as sessionFacts gives them. */
const withData = (fp: string, data: Record<string, SessionValue>): SessionFacts => ({
  ...signed(fp, typeof data._auth_user_id === 'string' ? data._auth_user_id : null),
  data: summarizeSession(data)!,
});

describe('what changed in the data, and the request', () => {
  const LOGIN = { method: 'POST', url: 'http://localhost:8000/login', status: 302 };

  it('a login carries the keys it added (the hash masked) and the request that did it', () => {
    const state = emptyTimeline();
    applyChange(state, SITE, change(0, 'explicit', false, withData('a', { theme: 'dark' })));
    applyChange(state, SITE, change(1, 'overwrite', true, withData('a', { theme: 'dark' })));
    const login = applyChange(state, SITE, {
      ...change(2, 'explicit', false, withData('b', { theme: 'dark', _auth_user_id: '1', _auth_user_hash: 'f00' })),
      request: LOGIN,
    });
    expect(login).toMatchObject({
      kind: 'rotated',
      detail: 'login: user 1',
      request: LOGIN,
      diff: {
        entries: [
          { key: '_auth_user_hash', change: 'added', after: '••••', masked: true },
          { key: '_auth_user_id', change: 'added', after: '"1"' },
        ],
        more: 0,
      },
    });
    expect(JSON.stringify(state)).not.toContain('f00');
  });

  it('a logout lists every key it dropped; a cart change lists the cart', () => {
    const state = emptyTimeline();
    applyChange(state, SITE, change(0, 'explicit', false, withData('a', { _auth_user_id: '1', cart: [1] })));
    applyChange(state, SITE, change(1, 'overwrite', true, withData('a', { _auth_user_id: '1', cart: [1] })));
    const cart = applyChange(state, SITE, change(2, 'explicit', false, withData('b', { _auth_user_id: '1', cart: [1, 2] })));
    expect(cart?.diff?.entries).toEqual([{ key: 'cart', change: 'changed', before: '[1]', after: '[1,2]' }]);
    const out = applyChange(state, SITE, change(3, 'expired_overwrite', true, withData('b', {})));
    expect(out?.kind).toBe('flushed');
    expect(out?.diff?.entries.map((e) => [e.key, e.change])).toEqual([
      ['_auth_user_id', 'removed'],
      ['cart', 'removed'],
    ]);
  });

  it('a value re-signed with the same data is a refresh, not a data change', () => {
    expect(run([change(0, 'explicit', false, withData('a', { n: 1 })), change(5, 'explicit', false, withData('b', { n: 1 }))])).toEqual([
      ['created', 'session created until the browser closes'],
      ['refreshed', 're-signed, data unchanged, until the browser closes'],
    ]);
  });

  it('opaque keys carry no diff; a burst keeps its count with its diff', () => {
    const state = emptyTimeline();
    const e = applyChange(state, SITE, change(0, 'explicit', false, opaque('a')));
    expect(e?.diff).toBeUndefined();
    const burst = applyChange(state, SITE, { ...change(9, 'explicit', false, withData('z', { n: 500 })), count: 500, firstAt: 1 });
    expect(burst).toMatchObject({ count: 500, firstAt: 1, diff: { entries: [{ key: 'n', change: 'added', after: '500' }] } });
  });
});

describe('request log', () => {
  const headers = (url: string, method: string, statusCode: number, ...setCookies: string[]) => ({
    requestId: url,
    tabId: 1,
    url,
    method,
    statusCode,
    responseHeaders: setCookies.map((value) => ({ name: 'Set-Cookie', value })),
  });

  it('matches a change to the newest response that set the cookie, once', () => {
    const log = createRequestLog();
    log.record(headers('http://localhost:8000/', 'GET', 200, 'sessionid=a; Path=/'), 0);
    log.record(headers('http://localhost:8000/login?next=/&token=s3cret', 'POST', 302, 'csrftoken=x\nsessionid=b; HttpOnly'), 10);
    log.record(headers('http://localhost:8000/static/app.js', 'GET', 200), 11); // sets nothing
    expect(log.claim('sessionid', 'localhost', true, 20)).toEqual({ method: 'POST', url: 'http://localhost:8000/login?…', status: 302 });
    expect(log.claim('sessionid', 'localhost', true, 21)).toEqual({ method: 'GET', url: 'http://localhost:8000/', status: 200 });
    expect(log.claim('sessionid', 'localhost', true, 22)).toBeUndefined();
    expect(log.claim('csrftoken', 'localhost', true, 22)?.method).toBe('POST');
  });

  it('does not pin a change on a response for another host or long before', () => {
    const log = createRequestLog();
    log.record(headers('http://example.com/', 'GET', 200, 'sessionid=a'), 0);
    expect(log.claim('sessionid', 'localhost', true, 1)).toBeUndefined();
    log.record(headers('http://app.example.com/', 'GET', 200, 'sessionid=a'), 0);
    expect(log.claim('sessionid', '.example.com', false, 6_000)).toBeUndefined();
    expect(log.claim('sessionid', '.example.com', false, 10)?.url).toBe('http://app.example.com/');
  });

  it('is bounded', () => {
    const log = createRequestLog(3);
    for (let i = 0; i < 10; i++) log.record(headers(`http://localhost/${i}`, 'GET', 200, 's=1'), i);
    expect([1, 2, 3, 4].map(() => log.claim('s', 'localhost', true, 10)?.url)).toEqual(['http://localhost/9', 'http://localhost/8', 'http://localhost/7', undefined]);
  });

  it('reads Set-Cookie headers and URLs as the timeline shows them', () => {
    expect(setCookieHeaders({ responseHeaders: [{ name: 'set-cookie', value: 'a=1\n\nb=2' }, { name: 'Vary', value: 'Cookie' }] })).toEqual(['a=1', 'b=2']);
    expect(requestUrlText('not a url')).toBe('(unreadable URL)');
    expect(requestUrlText('https://x.test/a/b#frag')).toBe('https://x.test/a/b');
  });
});
