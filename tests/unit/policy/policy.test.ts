import {
  classifyCookie,
  exportPolicy,
  getPreset,
  hostMatches,
  loadPolicy,
  parsePolicy,
  PolicyError,
  PRESET_NAMES,
  resolvePolicy,
  summarize,
  validatePolicy,
  withoutLocalExemptions,
  type Finding,
} from '../../../lib/policy/index.ts';

describe('presets', () => {
  it('django-default matches Django defaults', () => {
    const p = getPreset('django-default');
    expect(p).toMatchObject({ name: 'django-default', sessionCookieNames: ['sessionid'], csrfCookieNames: ['csrftoken'], maxAge: 1209600, localExemption: false, escalate: false });
  });
  it('strict is shorter and escalates; local-dev exempts localhost', () => {
    expect(getPreset('strict')).toMatchObject({ maxAge: 28800, escalate: true, localExemption: false });
    expect(getPreset('local-dev')).toMatchObject({ localExemption: true, maxAge: 1209600 });
  });
  it('returns fresh copies', () => {
    const a = getPreset('strict');
    a.sessionCookieNames.push('x');
    expect(getPreset('strict').sessionCookieNames).toEqual(['sessionid']);
  });
  it.each(PRESET_NAMES)('%s round-trips through JSON export/import', (name) => {
    const p = getPreset(name);
    expect(loadPolicy(exportPolicy(p))).toEqual(p);
  });
});

describe('policy import errors say which field and why', () => {
  it.each([
    ['{', '', /not valid JSON/],
    ['[]', '', /expected object/],
    ['{"maxAge": "long"}', 'maxAge', /expected number/],
    ['{"maxAge": -1}', 'maxAge', /must be positive/],
    ['{"maxAge": 1.5}', 'maxAge', /whole number/],
    ['{"maxage": 100}', '', /Unrecognized key.*maxage/],
    ['{"path": "app"}', 'path', /must start with "\/"/],
    ['{"sessionCookieNames": ["ok", ""]}', 'sessionCookieNames[1]', /must not be empty/],
    ['{"rules": {"secure-missing": "severe"}}', 'rules.secure-missing', /./],
    ['{"rules": {"no-such-rule": "off"}}', 'rules', /./],
    ['{"sites": [{"host": "ok.example"}, {"maxAge": 5}]}', 'sites[1].host', /expected string/],
    ['{"sites": [{"host": "bad host!"}]}', 'sites[0].host', /host name/],
    ['{"extends": "paranoid"}', 'extends', /unknown preset "paranoid"/],
  ])('%s', (text, path, message) => {
    const r = parsePolicy(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const issue = r.issues.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
  });

  it('loadPolicy throws a PolicyError listing the fields', () => {
    try {
      loadPolicy('{"maxAge": -1, "sites": [{"host": "a.b", "escalate": "yes"}]}');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PolicyError);
      expect((e as PolicyError).message).toMatch(/maxAge: must be positive/);
      expect((e as PolicyError).message).toMatch(/sites\[0\]\.escalate/);
      expect((e as PolicyError).issues).toHaveLength(2);
    }
  });

  it('extends fills unset fields from the preset', () => {
    const r = validatePolicy({ extends: 'strict', name: 'mine', maxAge: 3600 });
    expect(r.ok && r.policy).toMatchObject({ name: 'mine', maxAge: 3600, escalate: true });
  });
});

describe('site overrides', () => {
  const policy = loadPolicy(
    JSON.stringify({
      sites: [
        { host: '*.example.com', maxAge: 3600, rules: { 'samesite-missing': 'off' } },
        { host: 'admin.example.com', path: '/admin', sessionCookieNames: ['adminsession'] },
        { host: 'localhost', localExemption: true },
      ],
    }),
  );
  it.each([
    ['*.example.com', 'example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'badexample.com', false],
    ['example.com', 'EXAMPLE.com', true],
    ['example.com', 'www.example.com', false],
  ])('hostMatches(%s, %s) = %s', (p, h, want) => expect(hostMatches(p, h)).toBe(want));

  it('applies every matching override in order', () => {
    expect(resolvePolicy(policy, 'other.org')).toMatchObject({ maxAge: 1209600, rules: {} });
    expect(resolvePolicy(policy, 'www.example.com')).toMatchObject({ maxAge: 3600, rules: { 'samesite-missing': 'off' } });
    const admin = resolvePolicy(policy, 'admin.example.com');
    expect(admin).toMatchObject({ maxAge: 3600, path: '/admin', sessionCookieNames: ['adminsession'] });
    expect(resolvePolicy(policy, 'localhost').localExemption).toBe(true);
  });

  it('withoutLocalExemptions drops them everywhere', () => {
    const strict = withoutLocalExemptions({ ...policy, localExemption: true });
    expect(strict.localExemption).toBe(false);
    expect(resolvePolicy(strict, 'localhost').localExemption).toBe(false);
  });
});

describe('classifyCookie', () => {
  const p = resolvePolicy(getPreset('django-default'), 'example.com');
  it.each([
    ['sessionid', 'session'],
    ['__Host-sessionid', 'session'],
    ['PHPSESSID', 'session'],
    ['JSESSIONID', 'session'],
    ['_myapp_session', 'session'],
    ['laravel_session', 'session'],
    ['user_login', 'session'],
    ['connect.sid', 'session'],
    ['csrftoken', 'csrf'],
    ['__Secure-csrftoken', 'csrf'],
    ['_ga', 'other'],
    ['theme', 'other'],
  ])('%s → %s', (name, kind) => expect(classifyCookie(name, p)).toBe(kind));

  it('the heuristic can be turned off', () => {
    expect(classifyCookie('PHPSESSID', { ...p, sessionNameHeuristic: false })).toBe('other');
  });
});

describe('summarize', () => {
  it('counts per severity and names the highest', () => {
    const f = (severity: Finding['severity']) => ({ severity });
    expect(summarize([f('info'), f('high'), f('low'), f('high')])).toEqual({ info: 1, low: 1, medium: 0, high: 2, critical: 0, total: 4, highest: 'high' });
    expect(summarize([])).toEqual({ info: 0, low: 0, medium: 0, high: 0, critical: 0, total: 0, highest: null });
  });
});
