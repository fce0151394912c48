import { describe, expect, it } from 'vitest';
import { BADGE_COLORS, computeBadge } from '../../../lib/background/badge.ts';
import { decodeToView, signatureState } from '../../../lib/background/decode-view.ts';
import {
  PER_SITE_COOKIE_LIMIT,
  cookiesToStore,
  dropReason,
  droppedFindings,
  isStored,
  mergeDropped,
  perSiteLimitFinding,
} from '../../../lib/background/dropped.ts';
import { addKey, applyPatch, defaultSettings, maskKey, readSettings, removeKey, settingsView, storeSettings } from '../../../lib/background/settings.ts';
import { createSiteStore, MAX_SITES, type KeyValueArea } from '../../../lib/background/site-store.ts';
import { cookieId, cookieMatchesHost, originPatternOf, siteOf, timelineKeys } from '../../../lib/background/site.ts';
import { BadSignatureError, SignatureExpiredError } from '../../../lib/codec/index.ts';
import { parseSetCookie } from '../../../lib/policy/index.ts';
import type { FindingView } from '../../../lib/protocol/index.ts';

describe('site', () => {
  it.each([
    ['http://localhost:8000/login?user=alice', 'http://localhost:8000', 'http://localhost/*'],
    ['https://app.example.com:8443/x', 'https://app.example.com:8443', 'https://app.example.com/*'],
    ['chrome://extensions', null, null],
    ['about:blank', null, null],
    ['not a url', null, null],
    [undefined, null, null],
  ])('%s → site %s, pattern %s', (url, site, pattern) => {
    expect(siteOf(url)).toBe(site);
    expect(originPatternOf(url)).toBe(pattern);
  });

  it.each([
    [{ domain: 'localhost', hostOnly: true }, 'localhost', true],
    [{ domain: 'localhost', hostOnly: true }, 'sub.localhost', false],
    [{ domain: '.example.com', hostOnly: false }, 'app.example.com', true],
    [{ domain: '.example.com', hostOnly: false }, 'example.com', true],
    [{ domain: '.example.com', hostOnly: false }, 'badexample.com', false],
    [{ domain: 'Example.COM', hostOnly: true }, 'example.com', true],
  ])('cookie %j on %s: %s', (cookie, host, expected) => {
    expect(cookieMatchesHost(cookie, host)).toBe(expected);
  });

  it('names cookies and the timeline keys of a host', () => {
    expect(cookieId({ storeId: '0', partitionKey: { topLevelSite: 'https://a.test' }, domain: '.x.test', path: '/', name: 'n' })).toBe('0|https://a.test|.x.test|/|n');
    expect(timelineKeys('app.example.com')).toEqual(['app.example.com', 'example.com', 'com']);
    expect(timelineKeys('127.0.0.1')).toEqual(['127.0.0.1']);
    expect(timelineKeys('[::1]')).toEqual(['::1']);
    expect(timelineKeys('localhost')).toEqual(['localhost']);
  });
});

describe('badge', () => {
  it.each([
    [[], '', BADGE_COLORS.info, 'Session Lens: no cookie findings'],
    // Info findings never inflate the badge: it counts severity low and above.
    [[{ severity: 'info' as const }], '', BADGE_COLORS.info, 'Session Lens: no cookie findings'],
    [[{ severity: 'info' as const }, { severity: 'low' as const }], '1', BADGE_COLORS.low, 'Session Lens: 1 cookie finding (1 low)'],
    [[{ severity: 'low' as const }, { severity: 'high' as const }, { severity: 'high' as const }, { severity: 'info' as const }], '3', BADGE_COLORS.high, 'Session Lens: 3 cookie findings (2 high, 1 low)'],
    [Array.from({ length: 1200 }, () => ({ severity: 'critical' as const })), '999+', BADGE_COLORS.critical, 'Session Lens: 1200 cookie findings (1200 critical)'],
  ])('%#: %s', (findings, text, color, title) => {
    expect(computeBadge(findings)).toEqual({ text, color, title });
  });
});

describe('signature state through the real codec', () => {
  const NOW = Date.UTC(2026, 0, 1);
  const jwt = async (secret: string, exp: number) => {
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: '1', exp })}`;
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sig = Buffer.from(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(head))).toString('base64url');
    return `${head}.${sig}`;
  };
  it.each([
    ['forged and expired', 'attacker-secret', NOW / 1000 - 3600, 'bad'],
    ['forged, not expired', 'attacker-secret', NOW / 1000 + 3600, 'bad'],
    ['genuine but expired', 'the-real-secret', NOW / 1000 - 3600, 'expired'],
    ['genuine', 'the-real-secret', NOW / 1000 + 3600, 'verified'],
  ] as const)('a JWT %s reads %s', async (_what, secret, exp, state) => {
    const view = await decodeToView(await jwt(secret, exp), { keys: [{ label: 'real', key: 'the-real-secret' }], now: NOW });
    expect(view.signature).toBe(state);
  });
});

describe('signature state', () => {
  it.each([
    [{ verified: true, format: 'django-signed' }, 'verified'],
    [{ verified: null, format: 'django-signed' }, 'unverified'],
    [{ verified: false, format: 'django-signed', error: new BadSignatureError() }, 'bad'],
    [{ verified: false, format: 'django-signed', expired: true, error: new SignatureExpiredError(undefined, 10, 5) }, 'expired'],
    // A bad signature beats expiry: a forged token must never look merely expired.
    [{ verified: false, format: 'jwt', expired: true, error: new BadSignatureError() }, 'bad'],
    [{ verified: false, format: 'django-signed', expired: true, error: new BadSignatureError() }, 'bad'],
    [{ verified: false, format: 'jwt', expired: true }, 'expired'],
    [{ verified: null, format: 'django-session-key' }, 'none'],
    [{ verified: null, format: 'cookie-session' }, 'none'],
  ] as const)('%j → %s', (r, state) => {
    expect(signatureState(r as Parameters<typeof signatureState>[0])).toBe(state);
  });
});

describe('dropped cookies', () => {
  const url = new URL('http://localhost:8000/bad-cookies');
  const parse = (h: string, u = url) => {
    const r = parseSetCookie(h, { url: u, now: 0 });
    if (!r.ok) throw new Error(r.reason);
    return r.cookie;
  };
  it.each([
    ['cross=1; SameSite=None', 'SameSite=None requires Secure'],
    ['cross=1; SameSite=None; Secure', null],
    ['__Host-a=1; Path=/', 'A __Host- cookie must be Secure'],
    ['__Host-a=1; Secure; Path=/; Domain=localhost', 'A __Host- cookie must not have a Domain attribute'],
    ['__Host-a=1; Secure; Path=/app', 'A __Host- cookie must have Path=/'],
    ['__Secure-a=1', 'A __Secure- cookie must be Secure'],
    ['p=1; Partitioned; SameSite=None', 'SameSite=None requires Secure'],
    ['w=1; Domain=example.com', 'Domain=example.com does not match the host localhost'],
    ['ok=1; HttpOnly; SameSite=Lax', null],
    ['big=' + 'x'.repeat(4100), 'Name and value are 4103 bytes, over the 4096 bytes browsers keep'],
    // localhost may set Secure cookies over http (Chrome and Firefox treat it as secure).
    ['s=1; Secure', null],
  ])('%#: %s', (header, reason) => {
    expect(dropReason(parse(header), url)).toBe(reason);
  });

  it('a Secure cookie over plain http:// to another host is dropped (Strict Secure Cookies)', () => {
    const remote = new URL('http://example.com/');
    expect(dropReason(parse('s=1; Secure', remote), remote)).toBe('A Secure cookie cannot be set over plain http://');
    const https = new URL('https://example.com/');
    expect(dropReason(parse('s=1; Secure', https), https)).toBeNull();
  });

  it('one root cause, one finding: a dropped cookie gets only the drop finding', () => {
    const findings = droppedFindings(parse('cross=1; SameSite=None'), url.href);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ cookie: 'cross', domain: 'localhost', path: '/', rule: 'dropped', source: 'dropped' });
    expect(findings[0]!.message).toBe('The browser dropped cookie "cross": SameSite=None requires Secure.');
    expect(droppedFindings(parse('x=1'), url.href, 'Chrome says: blocked')[0]!.message).toContain('Chrome says: blocked');
  });

  it('the per-site limit is one finding with the count', () => {
    const f = perSiteLimitFinding('example.com', 181);
    expect(f).toMatchObject({ rule: 'too-many-cookies', severity: 'high', source: 'dropped' });
    expect(f.message).toMatch(/^Too many cookies for this site: 181 > 180\b/);
    expect(PER_SITE_COOKIE_LIMIT).toBe(180);
    // Merged per cookie key and rule: a second eviction burst replaces it.
    expect(mergeDropped([f], [perSiteLimitFinding('example.com', 200)]).map((x) => x.message.slice(0, 39))).toEqual(['Too many cookies for this site: 200 > 1']);
  });

  it('leaves out deletions and unparseable headers, and matches what the jar stored', () => {
    const now = Date.UTC(2026, 0, 1);
    const wanted = cookiesToStore(['a=1; Path=/', 'gone=; Max-Age=0', 'old=; expires=Thu, 01 Jan 1970 00:00:00 GMT', '=novalue\u0001'], 'http://localhost/', now);
    expect(wanted.map((c) => c.name)).toEqual(['a']);
    const jar = [{ name: 'a', value: '1', domain: 'localhost', hostOnly: true, path: '/', secure: false, httpOnly: false, session: true, storeId: '0' }];
    expect(isStored(wanted[0]!, jar)).toBe(true);
    expect(isStored(wanted[0]!, [{ ...jar[0]!, value: '2' }])).toBe(false);
  });

  it('keeps the newest finding per cookie, bounded', () => {
    const f = (cookie: string, message: string): FindingView => ({ cookie, domain: 'localhost', path: '/', partition: null, rule: 'dropped', severity: 'high', message, fix: '', source: 'dropped' });
    expect(mergeDropped([f('a', 'old'), f('b', 'b')], [f('a', 'new')]).map((x) => x.message)).toEqual(['b', 'new']);
    expect(mergeDropped([], Array.from({ length: 80 }, (_, i) => f(`c${i}`, `${i}`)))).toHaveLength(50);
  });
});

describe('settings', () => {
  it.each([
    ['django-insecure-0123456789abcdefghijklmnopqrstuvwxyz0123', 'djan… (56 chars)'],
    ['short-key-1', 'sh… (11 chars)'],
    ['tiny', '… (4 chars)'],
  ])('masks %s as %s', (key, hint) => {
    expect(maskKey(key)).toBe(hint);
    expect(hint).not.toContain(key.slice(4, 8) || key);
  });

  it('falls back to the defaults for anything it cannot read, and round-trips what it stores', () => {
    expect(readSettings(undefined)).toEqual(defaultSettings());
    expect(readSettings({ version: 2 })).toEqual(defaultSettings());
    expect(readSettings({ version: 1, policy: { maxAge: -1 }, companion: { url: 'http://x', token: 't' }, keys: [] }).policy).toEqual(defaultSettings().policy);
    const s = addKey(applyPatch(defaultSettings(), { companion: { url: 'http://127.0.0.1:8399///', token: 't' }, policy: { extends: 'strict' } }), { label: '', key: 'k'.repeat(40) }, 'id1');
    expect(s.companion).toEqual({ url: 'http://127.0.0.1:8399', token: 't' });
    expect(s.keys).toEqual([{ id: 'id1', label: 'key 1', family: 'django', key: 'k'.repeat(40) }]);
    expect(readSettings(JSON.parse(JSON.stringify(storeSettings(s))))).toEqual(s);
    const view = settingsView(s);
    expect(JSON.stringify(view)).not.toContain('k'.repeat(8));
    expect(view.companion).toEqual({ url: 'http://127.0.0.1:8399', hasToken: true });
    expect(applyPatch(s, { companion: { url: 'http://127.0.0.1:8399' } }).companion.token).toBe('t');
    expect(applyPatch(s, { companion: { url: '', token: '' } }).companion).toEqual({ url: '', token: '' });
    expect(removeKey(s, 'id1').keys).toEqual([]);
    expect(() => removeKey(s, 'nope')).toThrow('Invalid settings: id: no key "nope"');
    expect(() => applyPatch(s, { policy: { sites: [{ host: '' }] } })).toThrow('Invalid settings: policy.sites[0].host: must not be empty');
  });
});

describe('site store', () => {
  function memoryArea(): KeyValueArea & { data: Map<string, unknown> } {
    const data = new Map<string, unknown>();
    return {
      data,
      async get(keys) {
        return Object.fromEntries(keys.filter((k) => data.has(k)).map((k) => [k, structuredClone(data.get(k))]));
      },
      async set(items) {
        for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      },
      async remove(keys) {
        for (const k of keys) data.delete(k);
      },
    };
  }

  it('serialises updates per site, persists them, and ignores corrupt stored state', async () => {
    const area = memoryArea();
    area.data.set('tl:a', { events: 'garbage' });
    const store = createSiteStore(area);
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.update("a", (s) => { s.timeline.removedAt[`n${i}`] = i; })));
    expect(Object.keys((await store.read('a')).timeline.removedAt)).toHaveLength(20);
    const reloaded = createSiteStore(area);
    expect(Object.keys((await reloaded.read('a')).timeline.removedAt)).toHaveLength(20);
  });

  it(`keeps at most ${MAX_SITES} sites, dropping the least recently used`, async () => {
    const area = memoryArea();
    const store = createSiteStore(area);
    for (let i = 0; i <= MAX_SITES; i++) await store.update(`s${i}`, () => undefined);
    await store.idle();
    expect(area.data.has('tl:s0')).toBe(false);
    expect(area.data.has(`tl:s${MAX_SITES}`)).toBe(true);
    expect((area.data.get('sites') as string[]).length).toBe(MAX_SITES);
  });
});
