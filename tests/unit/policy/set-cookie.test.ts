import { defaultPath, fromBrowserCookie, parseCookieDate, parseSetCookie } from '../../../lib/policy/index.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const parse = (h: string, url = 'https://example.com/a/b/c') => parseSetCookie(h, { url, now: NOW });
const ok = (h: string, url?: string) => {
  const r = parse(h, url);
  if (!r.ok) throw new Error(`expected ok: ${r.reason}`);
  return r.cookie;
};

describe('parseCookieDate (RFC 6265 §5.1.1)', () => {
  it.each([
    ['Thu, 01 Jan 1970 00:00:00 GMT', 0],
    ['Wed, 21 Oct 2015 07:28:00 GMT', Date.UTC(2015, 9, 21, 7, 28, 0)],
    ['Fri, 01-Jan-2027 00:00:00 GMT', Date.UTC(2027, 0, 1)],
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)],
    ['6 november 2030 1:2:3', Date.UTC(2030, 10, 6, 1, 2, 3)],
    ['01 Jan 69 00:00:00', Date.UTC(2069, 0, 1)],
  ])('%s', (text, ms) => expect(parseCookieDate(text)).toBe(ms));

  it.each(['', 'tomorrow', '30 Feb 2026 00:00:00', '01 Jan 2026', '01 Jan 1600 00:00:00', '32 Jan 2026 00:00:00', '01 Jan 2026 24:00:00'])(
    'rejects %j',
    (text) => expect(parseCookieDate(text)).toBeNull(),
  );
});

describe('defaultPath (RFC 6265 §5.1.4)', () => {
  it.each([
    ['', '/'],
    ['/', '/'],
    ['/login', '/'],
    ['/accounts/login/', '/accounts/login'],
    ['/a/b/c', '/a/b'],
  ])('%j → %j', (p, want) => expect(defaultPath(p)).toBe(want));
});

describe('parseSetCookie', () => {
  it('reads every attribute, case-insensitively', () => {
    const c = ok('sessionid=abc; EXPIRES=Thu, 15 Jan 2026 00:00:00 GMT; httponly; Path=/x; samesite=STRICT; SECURE; Domain=.Example.COM; Partitioned');
    expect(c).toMatchObject({
      name: 'sessionid',
      value: 'abc',
      domain: 'example.com',
      hostOnly: false,
      path: '/x',
      pathSet: true,
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
      partitioned: true,
      expires: Date.UTC(2026, 0, 15) / 1000,
      size: 12,
    });
  });

  it('defaults: host-only, default path, no flags, session cookie', () => {
    const c = ok('a=b');
    expect(c).toMatchObject({ domain: 'example.com', hostOnly: true, path: '/a/b', pathSet: false, secure: false, httpOnly: false, sameSite: 'unspecified' });
    expect(c.expires).toBeUndefined();
  });

  it('Max-Age wins over Expires, whatever the order', () => {
    expect(ok('a=b; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT').expires).toBe(NOW / 1000 + 60);
    expect(ok('a=b; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=60').expires).toBe(NOW / 1000 + 60);
    expect(ok('a=b; Max-Age=0').expires).toBe(0);
    expect(ok('a=b; Max-Age=-5').expires).toBe(0);
  });

  it('ignores malformed attribute values but keeps the cookie', () => {
    const r = parse('a=b; Max-Age=1e3; Expires=someday; Path=relative; Domain=');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.cookie.expires).toBeUndefined();
    expect(r.cookie.path).toBe('/a/b');
    expect(r.cookie.pathSet).toBe(false);
    expect(r.cookie.hostOnly).toBe(true);
    expect(r.warnings.join('\n')).toMatch(/Max-Age "1e3"/);
    expect(r.warnings.join('\n')).toMatch(/Expires "someday"/);
  });

  it('last attribute of a kind wins', () => {
    expect(ok('a=b; SameSite=None; SameSite=Lax').sameSite).toBe('lax');
    expect(ok('a=b; Path=/one; Path=/two').path).toBe('/two');
  });

  it('keeps an unknown SameSite value as invalid', () => {
    const c = ok('a=b; SameSite=Lox');
    expect(c.sameSite).toBe('invalid');
    expect(c.sameSiteRaw).toBe('Lox');
    expect(ok('a=b; SameSite').sameSite).toBe('invalid');
  });

  it('trims whitespace, keeps quotes and "=" in values', () => {
    const c = ok('  name  =  "a=b=c"  ;  HttpOnly  ');
    expect(c.name).toBe('name');
    expect(c.value).toBe('"a=b=c"');
    expect(c.httpOnly).toBe(true);
  });

  it('a pair without "=" is a nameless cookie (RFC 6265bis)', () => {
    const c = ok('justavalue; Secure');
    expect(c.name).toBe('');
    expect(c.value).toBe('justavalue');
  });

  it.each([
    ['', 'empty name and value'],
    ['=', 'empty name and value'],
    ['a=b\x00c', 'control character'],
    ['a=b\nSet-Cookie: c=d', 'control character'],
    ['x'.repeat(70_000), 'longer than'],
  ])('ignores %j', (h, reason) => {
    const r = parse(h);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain(reason);
  });

  it('keeps a cookie over 4096 bytes but warns that browsers drop it', () => {
    const r = parse(`big=${'x'.repeat(5000)}`);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.cookie.size).toBe(5003);
      expect(r.warnings[0]).toMatch(/4096/);
    }
  });

  it('counts size in UTF-8 bytes', () => {
    expect(ok('n=é€😀').size).toBe(1 + 2 + 3 + 4);
  });

  it('ignores attribute values over 1024 bytes', () => {
    const c = ok(`a=b; Path=/${'p'.repeat(1100)}`);
    expect(c.path).toBe('/a/b');
  });

  it('warns when Domain does not domain-match the host', () => {
    const r = parse('a=b; Domain=other.org');
    expect(r.ok && r.warnings.some((w) => w.includes('does not domain-match'))).toBe(true);
  });

  it('works without a URL and without options', () => {
    const r = parseSetCookie('a=b; Path=/');
    expect(r.ok && r.cookie.domain).toBe('');
    // @ts-expect-error: hostile caller
    expect(parseSetCookie(undefined).ok).toBe(false);
  });
});

describe('fromBrowserCookie', () => {
  it.each([
    ['no_restriction', 'none'],
    ['lax', 'lax'],
    ['strict', 'strict'],
    ['unspecified', 'unspecified'],
    [undefined, 'unspecified'],
  ])('sameSite %j → %j', (sameSite, want) => {
    const c = fromBrowserCookie({ name: 'a', value: 'b', domain: 'x.org', hostOnly: true, path: '/', secure: false, httpOnly: false, sameSite, session: true });
    expect(c.sameSite).toBe(want);
  });

  it('normalises domain, expiry, partition key', () => {
    const c = fromBrowserCookie({
      name: 'sessionid',
      value: 'v',
      domain: '.Example.com',
      hostOnly: false,
      path: '/',
      secure: true,
      httpOnly: true,
      sameSite: 'lax',
      session: false,
      expirationDate: 1767225600.5,
      partitionKey: { topLevelSite: 'https://a.org' },
      storeId: '0',
    });
    expect(c).toMatchObject({ domain: 'example.com', hostOnly: false, expires: 1767225600.5, partitioned: true, source: 'browser', size: 10, pathSet: true });
  });

  it('a session browser cookie has no expiry', () => {
    const c = fromBrowserCookie({ name: 'a', value: 'b', domain: 'x', hostOnly: true, path: '/', secure: true, httpOnly: true, session: true, expirationDate: 5 });
    expect(c.expires).toBeUndefined();
  });
});
