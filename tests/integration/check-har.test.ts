/**
 * `session-lens check --har FILE` on a real capture: tests/fixtures/har/django-login.har, recorded
 * by Chromium from the real Django fixture site (tests/fixtures/har/record-har.ts). The session
 * values it decodes are checked against Django itself (sessions_tool.py verify-signed).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { djangoTool } from '../support/django.ts';
import { runCli } from '../support/run-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const HAR = join(ROOT, 'tests/fixtures/har/django-login.har');
const ORIGIN = new URL(JSON.parse(readFileSync(HAR, 'utf8')).log.entries[0].request.url).origin;
const SALT = 'django.contrib.sessions.backends.signed_cookies';

interface HarJson {
  url: string;
  findings: { rule: string; cookie: string; severity: string; method: string; url: string; status: number }[];
  cookies: { name: string; source: string; method: string; url: string; status: number; seen: number; session?: { format: string; verified: boolean | null; data: Record<string, unknown> } }[];
}

describe('check --har', () => {
  let tmp: string;
  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sl-har-cli-'));
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('--json: every session cookie sent and set, decoded as Django signed it, and each finding with the request that set the cookie', async () => {
    const r = await runCli(['check', '--har', HAR, '--json', '--fail-on', 'none']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as HarJson;
    expect(out.url).toBe(HAR);
    const login = out.cookies.find((c) => c.source === 'response' && c.method === 'POST');
    expect(login).toMatchObject({ name: 'sessionid', url: `${ORIGIN}/login`, status: 302, session: { format: 'django-signed', verified: null } });
    expect(login!.session!.data).toMatchObject({ theme: 'dark', _auth_user_id: '1' });
    expect(out.cookies.map((c) => [c.source, c.method, c.url.replace(ORIGIN, ''), c.seen])).toEqual([
      ['response', 'GET', '/set?key=theme&value=%22dark%22', 1],
      ['request', 'POST', '/login', 1],
      ['response', 'POST', '/login', 1],
      ['request', 'GET', '/', 3],
      ['response', 'GET', '/logout', 1], // the deletion: an empty value, nothing to decode
    ]);
    expect(out.cookies.at(-1)!.session).toBeUndefined();
    expect(out.findings.find((f) => f.cookie === 'cross' && f.rule === 'samesite-none-insecure')).toMatchObject({ severity: 'medium', method: 'GET', url: `${ORIGIN}/bad-cookies`, status: 200 });
    expect(out.findings.find((f) => f.cookie === 'sessionid' && f.rule === 'secure-missing')).toMatchObject({ severity: 'high', method: 'GET', status: 200 });

    // Django itself reads the value the HAR carried to the same data.
    const cookie = JSON.parse(readFileSync(HAR, 'utf8')).log.entries[1].response.headers.find((h: { name: string }) => h.name.toLowerCase() === 'set-cookie').value as string;
    const value = cookie.slice('sessionid='.length, cookie.indexOf(';'));
    const django = await djangoTool(['verify-signed', '--value', value, '--salt', SALT]);
    expect(django).toMatchObject({ ok: true, error: null });
    expect(django.data).toEqual(login!.session!.data);
  });

  it('text: the findings table, then each session cookie with the request that sent or set it', async () => {
    const r = await runCli(['check', '--har', HAR]);
    expect(r.code).toBe(1); // a high finding (no Secure over http) at the default --fail-on high
    expect(r.stdout).toContain(`${HAR} (5 cookies)`);
    expect(r.stdout).toMatch(/medium\s+cross\s+samesite-none-insecure/);
    expect(r.stdout).toContain(`session sessionid (django-signed, not verified: no key) set by POST ${ORIGIN}/login → 302: {"theme":"dark","_auth_user_id":"1"`);
    expect(r.stdout).toContain(`sent with GET ${ORIGIN}/ → 200, seen 3×`);
    expect(r.stdout).toContain('summary: 1 high, 2 medium');
    expect((await runCli(['check', '--har', HAR, '--fail-on', 'critical'])).code).toBe(0);
  });

  it('--sarif validates against the SARIF 2.1.0 schema, the HAR file as the artifact', async () => {
    const r = await runCli(['check', '--har', HAR, '--sarif']);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => unknown;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log)).toBe(true);
    const results = log.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[];
    expect(results.map((x) => x.ruleId)).toContain('samesite-none-insecure');
    expect(results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe(HAR);
  });

  it.each([
    [['--har', '/nonexistent/x.har'], /cannot read HAR file \/nonexistent\/x\.har: ENOENT/],
    [['--har', 'NOTJSON'], /HAR file is not JSON: .*\(ERR_MALFORMED\)/],
    [['--har', 'NOTHAR'], /Invalid HAR file: log.*\(ERR_INVALID\)/],
    [['--har', HAR, 'http://localhost/'], /URLs or --har FILE, not both/],
  ])('%j → exit 2: %s', async (args, message) => {
    writeFileSync(join(tmp, 'bad.json'), '{"log": ');
    writeFileSync(join(tmp, 'nothar.json'), '{"entries": []}');
    const a = args.map((x) => (x === 'NOTJSON' ? join(tmp, 'bad.json') : x === 'NOTHAR' ? join(tmp, 'nothar.json') : x));
    const r = await runCli(['check', ...a]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
