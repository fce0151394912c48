/**
 * Cookie files: Cookie-Editor's JSON and Netscape cookies.txt, read and written (round trips, the
 * `#HttpOnly_` prefix, curl's six-field lines, CRLF, limits and typed errors).
 */
import { describe, expect, it } from 'vitest';
import {
  COOKIE_FILE_LIMITS,
  parseCookieEditorJson,
  parseCookieFile,
  parseNetscape,
  toCookieEditorJson,
  toNetscape,
  type PortableCookie,
} from '../../../lib/protocol/index.ts';

const session: PortableCookie = {
  domain: 'localhost',
  hostOnly: true,
  httpOnly: true,
  name: 'sessionid',
  path: '/',
  sameSite: 'lax',
  secure: false,
  session: false,
  expirationDate: 1767225600,
  storeId: '0',
  value: '.eJyrVopPLC3JiC8tTi2KT8lMUbJSMjJU0lFKLS7OzM8DCcFEagFXJRE4:1r31eq:Kx4',
};
const theme: PortableCookie = {
  domain: '.example.com',
  hostOnly: false,
  httpOnly: false,
  name: 'theme',
  path: '/app',
  sameSite: 'no_restriction',
  secure: true,
  session: true,
  storeId: '0',
  value: 'dark mode; "quoted"'.replace(';', ','),
};

describe('Cookie-Editor JSON', () => {
  it('writes Cookie-Editor’s fields in its order, expirationDate only on persistent cookies', () => {
    const out = JSON.parse(toCookieEditorJson([session, theme])) as Record<string, unknown>[];
    expect(Object.keys(out[0]!)).toEqual(['domain', 'expirationDate', 'hostOnly', 'httpOnly', 'name', 'path', 'sameSite', 'secure', 'session', 'storeId', 'value']);
    expect(out[1]).not.toHaveProperty('expirationDate');
    expect(out[1]!.sameSite).toBe('no_restriction');
  });

  it('round-trips', () => {
    expect(parseCookieEditorJson(toCookieEditorJson([session, theme]))).toEqual([session, theme]);
  });

  it('reads Cookie-Editor’s variants: sameSite null/none, no hostOnly, storeId null, fractional expiry', () => {
    const [c] = parseCookieEditorJson(
      JSON.stringify([{ domain: '.x.test', name: 'a', value: '1', sameSite: null, storeId: null, expirationDate: 1767225600.5, session: false }]),
    );
    expect(c).toEqual({ domain: '.x.test', hostOnly: false, httpOnly: false, name: 'a', path: '/', sameSite: 'unspecified', secure: false, session: false, expirationDate: 1767225600.5, value: '1' });
    expect(parseCookieEditorJson('[{"domain":"x","name":"a","value":"1","sameSite":"None"}]')[0]!.sameSite).toBe('no_restriction');
  });

  it.each([
    ['not JSON', '[{', 'ERR_MALFORMED', /^Not JSON/],
    ['not an array', '{"domain":"x"}', 'ERR_MALFORMED', /JSON array of cookies/],
    ['a cookie without a value', '[{"domain":"x","name":"a"}]', 'ERR_MALFORMED', /^Cookie 1: value/],
    ['a control character', '[{"domain":"x","name":"a","value":"1\\u0000"}]', 'ERR_MALFORMED', /characters a cookie cannot hold/],
    ['a path not starting with /', '[{"domain":"x","name":"a","value":"1","path":"app"}]', 'ERR_MALFORMED', /does not start with "\/"/],
    ['too many cookies', JSON.stringify(Array.from({ length: COOKIE_FILE_LIMITS.maxCookies + 1 }, () => ({ domain: 'x', name: 'a', value: '1' }))), 'ERR_LIMIT_EXCEEDED', /More than 1000 cookies/],
    ['name and value over 4096', JSON.stringify([{ domain: 'x', name: 'a', value: 'v'.repeat(4096) }]), 'ERR_LIMIT_EXCEEDED', /longer than 4096/],
  ])('refuses %s', (_what, text, code, message) => {
    expect(() => parseCookieEditorJson(text)).toThrow(expect.objectContaining({ code, message: expect.stringMatching(message) }));
  });
});

describe('Netscape cookies.txt', () => {
  it('writes curl’s header, #HttpOnly_, TRUE for domain cookies and 0 for session cookies', () => {
    expect(toNetscape([session, theme]).split('\n')).toEqual([
      '# Netscape HTTP Cookie File',
      '# Exported by Session Lens. Edit at your own risk.',
      '',
      `#HttpOnly_localhost\tFALSE\t/\tFALSE\t1767225600\tsessionid\t${session.value}`,
      `.example.com\tTRUE\t/app\tTRUE\t0\ttheme\t${theme.value}`,
      '',
    ]);
  });

  it('round-trips (SameSite and the store are not in the format)', () => {
    const strip = ({ sameSite: _s, storeId: _i, ...c }: PortableCookie) => c;
    expect(parseNetscape(toNetscape([session, theme])).map(strip)).toEqual([session, theme].map(strip));
  });

  it.each([
    ['curl’s six fields for an empty value', 'localhost\tFALSE\t/\tFALSE\t0\tempty', { name: 'empty', value: '' }],
    ['CRLF line ends', '# c\r\nlocalhost\tFALSE\t/\tFALSE\t0\ta\t1\r\n', { name: 'a', value: '1' }],
    ['a TAB inside the value kept', 'localhost\tFALSE\t/\tFALSE\t0\ta\tx\ty', { value: 'x\ty' }],
    ['TRUE on a domain without its dot', 'example.com\tTRUE\t/\tFALSE\t0\ta\t1', { domain: '.example.com', hostOnly: false }],
    ['lower-case flags (wget)', 'localhost\tfalse\t/\ttrue\t0\ta\t1', { secure: true }],
    ['#HttpOnly_ with a domain cookie', '#HttpOnly_.example.com\tTRUE\t/\tFALSE\t1767225600\ta\t1', { httpOnly: true, hostOnly: false, expirationDate: 1767225600, session: false }],
    ['a byte-order mark (through parseCookieFile)', '\uFEFFlocalhost\tFALSE\t/\tFALSE\t0\ta\t1', { name: 'a' }],
  ])('reads %s', (_what, text, expected) => {
    const { cookies } = parseCookieFile(text);
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject(expected);
  });

  it('skips comments and blank lines', () => {
    expect(parseNetscape('# Netscape HTTP Cookie File\n\n   \n# a comment\tTRUE\n')).toEqual([]);
  });

  it.each([
    ['too few fields', 'localhost\tFALSE\t/\tFALSE\t0', /^Line 1: expected 7 TAB-separated fields, found 5$/],
    ['a bad flag', 'localhost\tYES\t/\tFALSE\t0\ta\t1', /^Line 1: the subdomains flag is "YES", not TRUE or FALSE$/],
    ['a bad expiry', 'localhost\tFALSE\t/\tFALSE\tsoon\ta\t1', /^Line 1: expiry "soon" is not a number of seconds$/],
    ['a negative expiry', 'localhost\tFALSE\t/\tFALSE\t-1\ta\t1', /expiry "-1"/],
    ['spaces instead of TABs', 'localhost FALSE / FALSE 0 a 1', /found 1$/],
  ])('refuses %s with the line', (_what, text, message) => {
    expect(() => parseNetscape(text)).toThrow(expect.objectContaining({ code: 'ERR_MALFORMED', message: expect.stringMatching(message) }));
  });
});

describe('parseCookieFile', () => {
  it('tells the formats apart and bounds the input', () => {
    expect(parseCookieFile(' \n[]').format).toBe('json');
    expect(parseCookieFile('# Netscape HTTP Cookie File\n').format).toBe('netscape');
    expect(() => parseCookieFile('#'.repeat(COOKIE_FILE_LIMITS.maxLength + 1))).toThrow(expect.objectContaining({ code: 'ERR_LIMIT_EXCEEDED' }));
  });
});
