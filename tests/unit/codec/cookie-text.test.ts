/**
 * Cookie values as users copy them. The unquoting table is CPython 3.11's own answers
 * (`http.cookies._unquote(s)` printed with json.dumps under Debian's /usr/bin/python3); whole
 * headers and quoted signed values written by a real Django are in the Django vectors
 * (tests/fixtures/django/make_vectors.py: "set-signed-cookie/quoted-*", "messages/django-3.*", "cookies").
 */
import { describe, expect, it } from 'vitest';
import { decodeCookies, isSessionCookieName, parseCookieHeader, unquoteCookieValue } from '../../../lib/codec/index.ts';

describe('unquoteCookieValue (http.cookies._unquote)', () => {
  it.each([
    ['"a\\054b\\073c"', 'a,b;c'],
    ['"\\"q\\""', '"q"'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\351t\\351"', 'été'],
    ['"\\400x"', '400x'],
    ['"\\8"', '8'],
    ['plain\\054', 'plain\\054'],
    ['"', '"'],
    ['""', ''],
    ['"unterminated', '"unterminated'],
    ['"trailing\\"', 'trailing\\'],
  ])('%s → %s', (input, python) => {
    expect(unquoteCookieValue(input)).toBe(python);
  });
});

describe('parseCookieHeader (django.http.cookie.parse_cookie)', () => {
  it('reads every pair of a Cookie header or document.cookie string, unquoted', () => {
    expect(parseCookieHeader('Cookie: a=1; b="x\\073y"; c=')).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x;y' },
      { name: 'c', value: '' },
    ]);
    expect(parseCookieHeader('a=1;b=2').map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('reads only the cookie of a Set-Cookie line, not its attributes', () => {
    expect(parseCookieHeader('Set-Cookie: pref="a\\054b"; expires=Thu, 01 Jan 2030 00:00:00 GMT; Max-Age=60; Path=/')).toEqual([
      { name: 'pref', value: 'a,b' },
    ]);
    expect(parseCookieHeader('pref=x; Path=/; Secure; HttpOnly')).toEqual([{ name: 'pref', value: 'x' }]);
  });

  it('finds no pair in a bare value', () => {
    expect(parseCookieHeader('eyJhIjoxfQ:1r31eq:abc')).toEqual([]);
  });

  it('knows session cookie names', () => {
    expect(['sessionid', 'SESS123', 'login_token', 'csrftoken'].map(isSessionCookieName)).toEqual([true, true, true, false]);
  });
});

describe('decodeCookies', () => {
  it('names each cookie and puts session cookies first; unreadable ones last, with their error', async () => {
    const all = await decodeCookies('csrftoken=abc; theme=eyJhIjoxfQ:1r31eq:' + 'A'.repeat(43) + '; sessionid=' + 'k'.repeat(32));
    expect(all.map((c) => [c.name, c.result?.format ?? c.error?.code])).toEqual([
      ['sessionid', 'django-session-key'],
      ['theme', 'django-signed'],
      ['csrftoken', 'ERR_UNKNOWN_FORMAT'],
    ]);
  });
});
