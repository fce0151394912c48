import {
  evaluateCookie,
  findingCookieKey,
  getPreset,
  getRule,
  RULE_IDS,
  RULES,
  type Finding,
  type Policy,
  type PolicyCookie,
  type RuleId,
} from '../../../lib/policy/index.ts';
import { readdirSync } from 'node:fs';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const DAY = 86400;

/** A cookie that passes every rule under django-default; each row breaks one thing. */
function cookie(over: Partial<PolicyCookie> = {}): PolicyCookie {
  const c: PolicyCookie = {
    name: 'sessionid',
    value: 'q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2',
    domain: 'example.com',
    hostOnly: true,
    path: '/',
    pathSet: true,
    secure: true,
    httpOnly: true,
    sameSite: 'lax',
    partitioned: false,
    source: 'set-cookie',
    size: 0,
    ...over,
  };
  if (over.size === undefined) c.size = c.name.length + c.value.length;
  return c;
}

type Row = [label: string, over: Partial<PolicyCookie>, severity: string | null, opts?: { url?: string; policy?: Policy; related?: string[] }];

function run(rule: RuleId, over: Partial<PolicyCookie>, opts: Row[3] = {}): Finding | undefined {
  const findings = evaluateCookie(cookie(over), {
    url: opts.url ?? 'https://example.com/',
    now: NOW,
    policy: opts.policy ?? getPreset('django-default'),
    relatedUrls: opts.related ?? [],
  });
  return findings.find((f) => f.rule === rule);
}

const TABLES: Record<RuleId, Row[]> = {
  'httponly-missing': [
    ['session cookie without HttpOnly', { httpOnly: false }, 'high'],
    ['session by Observatory pattern (PHPSESSID)', { name: 'PHPSESSID', httpOnly: false }, 'high'],
    ['login cookie', { name: 'remember_login', httpOnly: false }, 'high'],
    ['csrftoken', { name: 'csrftoken', httpOnly: false }, 'info'],
    ['analytics cookie', { name: '_ga', httpOnly: false }, 'info'],
    ['with HttpOnly', { httpOnly: true }, null],
  ],
  'secure-missing': [
    ['session over https', { secure: false }, 'high'],
    ['csrftoken', { name: 'csrftoken', secure: false }, 'medium'],
    ['other cookie', { name: 'theme', secure: false }, 'low'],
    ['localhost, django-default (no exemption)', { secure: false }, 'high', { url: 'http://localhost:8000/' }],
    ['localhost under local-dev', { secure: false }, null, { url: 'http://localhost:8000/', policy: getPreset('local-dev') }],
    ['127.0.0.1 under local-dev', { secure: false }, null, { url: 'http://127.0.0.1:8000/', policy: getPreset('local-dev') }],
    ['[::1] under local-dev', { secure: false }, null, { url: 'http://[::1]:8000/', policy: getPreset('local-dev') }],
    ['public host under local-dev', { secure: false }, 'high', { url: 'http://example.com/', policy: getPreset('local-dev') }],
    ['with Secure', {}, null],
  ],
  'samesite-missing': [
    ['session', { sameSite: 'unspecified' }, 'medium'],
    ['csrf', { name: 'csrftoken', sameSite: 'unspecified' }, 'low'],
    ['other', { name: '_ga', sameSite: 'unspecified' }, 'info'],
    ['Strict', { sameSite: 'strict' }, null],
    ['None (+Secure)', { sameSite: 'none' }, null],
  ],
  'samesite-none-insecure': [
    ['session None without Secure', { sameSite: 'none', secure: false }, 'high'],
    ['other None without Secure', { name: 'embed', sameSite: 'none', secure: false }, 'medium'],
    ['None with Secure', { sameSite: 'none', secure: true }, null],
    ['Lax without Secure', { sameSite: 'lax', secure: false }, null],
  ],
  'samesite-invalid': [
    ['session SameSite=Lox', { sameSite: 'invalid', sameSiteRaw: 'Lox' }, 'medium'],
    ['other SameSite=yes', { name: 'pref', sameSite: 'invalid', sameSiteRaw: 'yes' }, 'low'],
    ['valid Lax', {}, null],
  ],
  'expiry-too-long': [
    ['one year', { expires: NOW / 1000 + 365 * DAY }, 'medium'],
    ['exactly two weeks (Django default)', { expires: NOW / 1000 + 14 * DAY }, null],
    ['two weeks + 30 s skew', { expires: NOW / 1000 + 14 * DAY + 30 }, null],
    ['15 days', { expires: NOW / 1000 + 15 * DAY }, 'medium'],
    ['browser-session cookie', {}, null],
    ['non-session cookie for a year', { name: '_ga', expires: NOW / 1000 + 365 * DAY }, null],
    ['one day under strict (8 h max, escalated)', { expires: NOW / 1000 + DAY }, 'high', { policy: getPreset('strict') }],
  ],
  expired: [
    ['expired at the epoch', { expires: 0 }, 'info'],
    ['expired a second ago', { expires: NOW / 1000 - 1 }, 'info'],
    ['in the future', { expires: NOW / 1000 + 60 }, null],
  ],
  'prefix-invalid': [
    ['__Secure- without Secure', { name: '__Secure-sessionid', secure: false }, 'high'],
    ['__Secure- with Secure', { name: '__Secure-sessionid' }, null],
    ['__Host- with Domain', { name: '__Host-sessionid', hostOnly: false }, 'high'],
    ['__Host- with Path=/app', { name: '__Host-sessionid', path: '/app' }, 'high'],
    ['__Host- without a Path attribute', { name: '__Host-sessionid', pathSet: false }, 'high'],
    ['__host- lower case, no Secure, other cookie', { name: '__host-pref', secure: false }, 'medium'],
    ['__Host- done right', { name: '__Host-sessionid' }, null],
    ['no prefix', {}, null],
  ],
  'domain-too-broad': [
    ['parent domain', { hostOnly: false, domain: 'example.com' }, 'medium', { url: 'https://app.example.com/' }],
    ['csrf parent domain', { name: 'csrftoken', hostOnly: false, domain: 'example.com' }, 'low', { url: 'https://app.example.com/' }],
    ['other parent domain', { name: '_ga', hostOnly: false, domain: 'example.com' }, 'info', { url: 'https://app.example.com/' }],
    ['Domain equal to host', { hostOnly: false, domain: 'example.com' }, null],
    ['host-only', { hostOnly: true, domain: 'app.example.com' }, null, { url: 'https://app.example.com/' }],
    ['unrelated Domain (rejected, not broad)', { hostOnly: false, domain: 'other.org' }, null, { url: 'https://app.example.com/' }],
  ],
  'path-too-broad': [
    ['Path=/ when the app lives under /app', { path: '/' }, 'medium', { policy: { ...getPreset('django-default'), path: '/app' } }],
    ['Path=/app/ equals /app', { path: '/app/' }, null, { policy: { ...getPreset('django-default'), path: '/app' } }],
    ['Path=/app/admin is narrower', { path: '/app/admin' }, null, { policy: { ...getPreset('django-default'), path: '/app' } }],
    ['Path=/ap is not a path-prefix', { path: '/ap' }, null, { policy: { ...getPreset('django-default'), path: '/app' } }],
    ['no path scope in the policy', { path: '/' }, null],
  ],
  'too-large': [
    ['4097 bytes', { value: 'x'.repeat(4097 - 'sessionid'.length) }, 'high'],
    ['exactly 4096 bytes', { value: 'x'.repeat(4096 - 'sessionid'.length) }, null],
    ['other cookie over the cap', { name: 'blob', value: 'x'.repeat(5000) }, 'medium'],
  ],
  'session-id-in-url': [
    ['value in the query', {}, 'high', { url: 'https://example.com/?next=/&sid=q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2' }],
    ['name as a query parameter', { value: 'abc' }, 'high', { url: 'https://example.com/?SessionId=zzz' }],
    [';sessionid= path parameter', { value: 'abc' }, 'high', { url: 'https://example.com/cart;sessionid=zzz' }],
    ['in a redirect along the way', {}, 'high', { related: ['https://example.com/welcome?token=q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2'] }],
    ['clean URL', {}, null],
    ['not a session cookie', { name: 'theme' }, null, { url: 'https://example.com/?theme=q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2' }],
  ],
  'partitioned-without-secure': [
    ['session Partitioned without Secure', { partitioned: true, secure: false }, 'high'],
    ['other Partitioned without Secure', { name: 'embed', partitioned: true, secure: false }, 'medium'],
    ['Partitioned with Secure', { partitioned: true }, null],
  ],
};

describe('rules', () => {
  it('has one file per rule, named by its id', () => {
    const files = readdirSync(new URL('../../../lib/policy/rules/', import.meta.url)).map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual([...RULE_IDS].sort());
    expect(RULES.map((r) => r.id).sort()).toEqual([...RULE_IDS].sort());
  });

  it('baseline cookie passes every rule', () => {
    expect(evaluateCookie(cookie(), { url: 'https://example.com/', now: NOW })).toEqual([]);
  });

  for (const id of RULE_IDS) {
    describe(id, () => {
      it.each(TABLES[id])('%s', (_label, over, severity, opts) => {
        const f = run(id, over, opts);
        if (severity === null) {
          expect(f).toBeUndefined();
        } else {
          expect(f).toBeDefined();
          expect(f?.severity).toBe(severity);
          expect(f?.cookie).toBe(cookie(over).name);
          expect(f?.message).toContain(cookie(over).name);
          expect(f?.fix).not.toBe('');
        }
      });
      it('has a title, description and references', () => {
        const r = getRule(id);
        expect(r.title.length).toBeGreaterThan(5);
        expect(r.description.length).toBeGreaterThan(20);
        expect(r.references.length).toBeGreaterThan(0);
      });
    });
  }

  it.each([
    ['secure-missing', 'SESSION_COOKIE_SECURE = True', 'security.W012', 'ZAP 10011'],
    ['httponly-missing', 'SESSION_COOKIE_HTTPONLY = True', 'security.W013', 'ZAP 10010'],
    ['samesite-missing', "SESSION_COOKIE_SAMESITE = 'Lax'", 'ZAP 10054', 'ZAP 10054'],
  ] as const)('%s fix names the Django setting and check ids', (rule, setting, checkId, zap) => {
    const f = run(rule, { secure: false, httpOnly: false, sameSite: 'unspecified' });
    expect(f?.fix).toContain(setting);
    expect(f?.fix).toContain(checkId);
    expect(f?.fix).toContain(zap);
  });

  // SESSION_COOKIE_* fixes only the configured session cookie; a cookie whose name merely contains
  // "sess" is set by application code (still severe: the Observatory heuristic keeps its severity).
  it.each([
    ['secure-missing', { secure: false }],
    ['httponly-missing', { httpOnly: false }],
    ['samesite-missing', { sameSite: 'unspecified' as const }],
    ['samesite-invalid', { sameSite: 'invalid' as const, sameSiteRaw: 'Loose' }],
    ['samesite-none-insecure', { sameSite: 'none' as const, secure: false }],
    ['partitioned-without-secure', { partitioned: true, secure: false }],
  ] as const)('%s: "my_session" gets the set_cookie fix, never SESSION_COOKIE_*', (rule, over) => {
    const heuristic = run(rule, { ...over, name: 'my_session' });
    expect(heuristic?.fix).toContain('response.set_cookie(');
    expect(heuristic?.fix).not.toContain('SESSION_COOKIE_');
    if (rule !== 'partitioned-without-secure') expect(heuristic?.fix).toContain('response.set_cookie(…, secure=True, httponly=True, samesite="Lax")');
    const configured = run(rule, { ...over, name: 'sessionid' });
    expect(configured?.fix).toContain('SESSION_COOKIE_');
    // A configured name is configured: SESSION_COOKIE_NAME = 'my_session' gets the settings back.
    const policy: Policy = { ...getPreset('django-default'), sessionCookieNames: ['my_session'] };
    expect(run(rule, { ...over, name: 'my_session' }, { policy })?.fix).toContain('SESSION_COOKIE_');
  });

  it('the heuristic keeps the severity of a session cookie', () => {
    expect(run('httponly-missing', { name: 'my_session', httpOnly: false })?.severity).toBe('high');
  });

  it('expiry-too-long names SESSION_COOKIE_AGE only for the configured session cookie', () => {
    const over = { expires: NOW / 1000 + 60 * DAY };
    expect(run('expiry-too-long', over)?.fix).toContain('SESSION_COOKIE_AGE');
    expect(run('expiry-too-long', { ...over, name: 'loginstate' })?.fix).toContain('response.set_cookie(…, max_age=');
  });

  it('each finding names the one cookie it is about: name, domain, path and partition', () => {
    const at = (path: string, partitionSite?: string) =>
      evaluateCookie(cookie({ path, httpOnly: false, ...(partitionSite ? { partitioned: true, partitionSite } : {}) }), { url: 'https://example.com/', now: NOW });
    const [root] = at('/');
    const [app] = at('/app');
    const [part] = at('/', 'https://top.example');
    expect(root).toMatchObject({ cookie: 'sessionid', domain: 'example.com', path: '/', partition: null });
    expect(app).toMatchObject({ cookie: 'sessionid', domain: 'example.com', path: '/app', partition: null });
    expect(part).toMatchObject({ partition: 'https://top.example' });
    const keys = [root, app, part].map((f) => findingCookieKey({ name: f!.cookie, domain: f!.domain, path: f!.path, partition: f!.partition }));
    expect(new Set(keys).size).toBe(3);
    expect(findingCookieKey({ name: 'a', domain: '.Example.COM', path: '/', partition: null })).toBe(findingCookieKey({ name: 'a', domain: 'example.com', path: '/', partition: null }));
  });

  it('csrf fixes name the CSRF settings', () => {
    const f = run('secure-missing', { name: 'csrftoken', secure: false });
    expect(f?.fix).toContain('CSRF_COOKIE_SECURE = True');
    expect(f?.fix).toContain('security.W016');
  });

  it('an expired cookie only reports expired', () => {
    const findings = evaluateCookie(cookie({ expires: 0, secure: false, httpOnly: false }), { url: 'https://example.com/', now: NOW });
    expect(findings.map((f) => f.rule)).toEqual(['expired']);
  });

  it('policy rules can turn a rule off or fix its severity', () => {
    const policy = { ...getPreset('django-default'), rules: { 'secure-missing': 'off', 'httponly-missing': 'critical' } as const };
    const findings = evaluateCookie(cookie({ secure: false, httpOnly: false }), { url: 'https://example.com/', now: NOW, policy });
    expect(findings).toEqual([expect.objectContaining({ rule: 'httponly-missing', severity: 'critical' })]);
  });

  it('configured session names are session cookies', () => {
    const policy = { ...getPreset('django-default'), sessionCookieNames: ['auth'], sessionNameHeuristic: false };
    const a = evaluateCookie(cookie({ name: 'auth', httpOnly: false }), { url: 'https://example.com/', now: NOW, policy });
    const b = evaluateCookie(cookie({ name: 'PHPSESSID', httpOnly: false }), { url: 'https://example.com/', now: NOW, policy });
    expect(a.find((f) => f.rule === 'httponly-missing')?.severity).toBe('high');
    expect(b.find((f) => f.rule === 'httponly-missing')?.severity).toBe('info');
  });

  it('never throws on odd input', () => {
    expect(() => evaluateCookie(cookie({ name: '', value: '', domain: '' }), { url: 'not a url' })).not.toThrow();
    expect(evaluateCookie(cookie({ secure: false }), { url: '::::' }).map((f) => f.rule)).toContain('secure-missing');
  });
});
