/** HAR parsing and analysis: the recorded capture (tests/fixtures/har/record-har.ts) and hostile files. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSessionLensError } from '../../../lib/codec/index.ts';
import { MAX_HAR_CHARS, MAX_HAR_COOKIES, MAX_HAR_ENTRIES, analyzeHar, getPreset, parseHar } from '../../../lib/policy/index.ts';

const HAR = readFileSync(new URL('../../fixtures/har/django-login.har', import.meta.url), 'utf8');
const ORIGIN = new URL((JSON.parse(HAR) as { log: { entries: { request: { url: string } }[] } }).log.entries[0]!.request.url).origin;

function entry(over: { method?: string; url?: string; status?: number; cookie?: string; setCookies?: string[]; cookies?: { name: string; value: string }[] }) {
  return {
    request: { method: over.method ?? 'GET', url: over.url ?? 'https://example.com/', headers: over.cookie ? [{ name: 'cookie', value: over.cookie }] : [], cookies: over.cookies },
    response: { status: over.status ?? 200, headers: (over.setCookies ?? []).map((value) => ({ name: 'Set-Cookie', value })) },
  };
}
const har = (...entries: unknown[]) => JSON.stringify({ log: { version: '1.2', entries } });

describe('parseHar: a real capture', () => {
  it('reads every exchange with its method, URL, status and cookie headers', () => {
    const x = parseHar(HAR);
    expect(x.map((e) => [e.method, e.url.replace(ORIGIN, ''), e.status])).toEqual([
      ['GET', '/set?key=theme&value=%22dark%22', 200],
      ['POST', '/login', 302],
      ['GET', '/', 200],
      ['GET', '/bad-cookies', 200],
      ['GET', '/logout', 200],
    ]);
    expect(x[1]!.cookieHeaders[0]).toMatch(/^sessionid=eyJ/);
    expect(x[1]!.setCookies[0]).toMatch(/^sessionid=\.eJ/);
    expect(x[3]!.setCookies).toHaveLength(4);
    expect(x[0]!.startedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('analyzes it: the session cookies sent and set, a finding per rule and cookie with the request that set it', () => {
    const a = analyzeHar(parseHar(HAR), { policy: getPreset('django-default') });
    expect(a.exchanges).toBe(5);
    const sessions = a.cookies.filter((c) => c.kind === 'session');
    expect(sessions.map((c) => [c.source, c.method, c.url.replace(ORIGIN, ''), c.status])).toEqual([
      ['response', 'GET', '/set?key=theme&value=%22dark%22', 200],
      ['request', 'POST', '/login', 302],
      ['response', 'POST', '/login', 302],
      ['request', 'GET', '/', 200], // then sent again unchanged: counted, not repeated
      ['response', 'GET', '/logout', 200],
    ]);
    expect(sessions[3]!.seen).toBe(3);
    expect(a.findings.find((f) => f.cookie === 'cross' && f.rule === 'samesite-none-insecure')).toMatchObject({ method: 'GET', url: `${ORIGIN}/bad-cookies`, status: 200 });
    expect(a.findings.filter((f) => f.cookie === 'sessionid').length).toBeGreaterThan(0);
    const keys = a.findings.map((f) => `${f.rule}|${f.cookie}|${f.domain}|${f.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('parseHar: what is not a HAR', () => {
  it.each([
    { name: 'not JSON', text: '{"log": ', code: 'ERR_MALFORMED', message: /^HAR file is not JSON/ },
    { name: 'no log', text: '{"entries": []}', code: 'ERR_INVALID', message: /^Invalid HAR file: log/ },
    { name: 'an entry without its request', text: har({ response: { status: 200, headers: [] } }), code: 'ERR_INVALID', message: /log\.entries\.0\.request/ },
    { name: 'a status that is not a number', text: har({ ...entry({}), response: { status: '200', headers: [] } }), code: 'ERR_INVALID', message: /log\.entries\.0\.response\.status/ },
    { name: 'too many entries', text: har(...Array.from({ length: MAX_HAR_ENTRIES + 1 }, () => 0)), code: 'ERR_LIMIT_EXCEEDED', message: /entries, over the 20000 limit/ },
  ])('$name → $code', ({ text, code, message }) => {
    try {
      parseHar(text);
      expect.unreachable();
    } catch (e) {
      expect(isSessionLensError(e) && e.code).toBe(code);
      expect((e as Error).message).toMatch(message);
    }
  });

  it('refuses text over the size limit before parsing it', () => {
    const big = { length: MAX_HAR_CHARS + 1 } as unknown as string; // only the length is read
    expect(() => parseHar(big)).toThrow(/over the 67108864 limit/);
  });
});

describe('analyzeHar', () => {
  it('falls back to the cookies arrays, splits joined Set-Cookie lines and ignores other hosts’ rules', () => {
    const a = analyzeHar(
      parseHar(
        har(
          { ...entry({ cookies: [{ name: 'sessionid', value: 'k1' }] }) },
          { ...entry({ url: 'https://example.com/login', method: 'POST', status: 302 }), response: { status: 302, headers: [{ name: 'set-cookie', value: 'sessionid=k2; Path=/\ncsrftoken=t; Path=/' }] } },
        ),
      ),
    );
    expect(a.cookies.map((c) => [c.source, c.name, c.value, c.kind])).toEqual([
      ['request', 'sessionid', 'k1', 'session'],
      ['response', 'sessionid', 'k2', 'session'],
      ['response', 'csrftoken', 't', 'csrf'],
    ]);
    expect(a.findings.find((f) => f.cookie === 'sessionid' && f.rule === 'httponly-missing')).toMatchObject({ method: 'POST', status: 302 });
  });

  it(`keeps at most ${MAX_HAR_COOKIES} distinct cookies`, () => {
    const entries = Array.from({ length: MAX_HAR_COOKIES + 10 }, (_, i) => entry({ cookie: `sessionid=v${i}` }));
    expect(analyzeHar(parseHar(har(...entries))).cookies).toHaveLength(MAX_HAR_COOKIES);
  });

  it('reports a Set-Cookie a browser would ignore as a warning, never throws on odd URLs', () => {
    const a = analyzeHar(parseHar(har(entry({ url: 'not a url', setCookies: ['=', 'sessionid=x'] }))));
    expect(a.cookies.map((c) => c.name)).toEqual(['sessionid']);
    expect(a.warnings.join('\n')).toContain('ignored Set-Cookie');
  });
});
