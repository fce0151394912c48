/**
 * `session-lens check` against real servers the test starts: a plain Node HTTP server sending
 * known-bad cookies (plus redirect, timeout, refused and TLS cases), and the real Django fixture site.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { startDjango, type DjangoServer } from '../support/django.ts';
import { runCli } from '../support/run-cli.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SESSION = 'q7w8e9r0t1y2u3i4o5p6a7s8d9f0g1h2';

const listen = (s: Server, host = '127.0.0.1') =>
  new Promise<number>((resolve) => s.listen(0, host, () => resolve((s.address() as AddressInfo).port)));

let server: Server;
let base: string;
const hanging = new Set<import('node:http').ServerResponse>();
/** The Cookie header each /jar-* step received. */
const jarSeen = new Map<string, string | undefined>();

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    switch (url.pathname) {
      case '/bad':
        res.setHeader('set-cookie', [
          `sessionid=${SESSION}; Path=/`,
          'csrftoken=abcdef; Path=/; SameSite=Lax',
          'cross=1; Path=/; SameSite=None',
          '__Host-pref=1; Path=/app',
          'theme=dark; Path=/; HttpOnly; SameSite=Lax',
        ]);
        return res.end('bad');
      case '/good':
        res.setHeader('set-cookie', [`sessionid=${SESSION}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=1209600`]);
        return res.end('good');
      case '/redirect':
        res.writeHead(302, { location: '/landing', 'set-cookie': `sessionid=${SESSION}; Path=/; Secure; SameSite=Lax` });
        return res.end();
      case '/landing':
        // The cookie set on the redirect is sent on, as a browser would.
        res.setHeader('set-cookie', `seen=${req.headers.cookie ? 'yes' : 'no'}; Path=/; HttpOnly; Secure; SameSite=Lax`);
        return res.end('landing');
      case '/leak':
        res.writeHead(302, { location: `/welcome?sessionid=${SESSION}`, 'set-cookie': `sessionid=${SESSION}; Path=/; HttpOnly; Secure; SameSite=Lax` });
        return res.end();
      case '/welcome':
        return res.end('welcome');
      case '/jar-set':
        // What a browser refuses to store from 127.0.0.1 must not be sent on either.
        res.writeHead(302, {
          location: '/jar-hop',
          'set-cookie': ['evil=1; Domain=localhost; Path=/', 'kept=1; Path=/', '__Host-bad=1; Path=/', 'tld=1; Domain=com; Path=/', 'gone=1; Path=/'],
        });
        return res.end();
      case '/jar-hop':
        jarSeen.set('hop', req.headers.cookie);
        res.writeHead(302, { location: `http://localhost:${(server.address() as AddressInfo).port}/jar-end`, 'set-cookie': 'gone=; Max-Age=0; Path=/' });
        return res.end();
      case '/jar-end':
        jarSeen.set('end', req.headers.cookie);
        return res.end();
      case '/loop':
        res.writeHead(302, { location: '/loop' });
        return res.end();
      case '/hang':
        hanging.add(res);
        return;
      case '/long-lived':
        res.setHeader('set-cookie', `sessionid=${SESSION}; Path=/; HttpOnly; Secure; SameSite=Lax; Max-Age=31536000`);
        return res.end();
      case '/nasty':
        // U+009B is a C1 CSI: a terminal treats it like ESC [. Legal in a header (obs-text).
        res.setHeader('set-cookie', ['x\u009b2Jname=1; Path=/', 'ok=1; Path=/; HttpOnly; Secure; SameSite=Strict']);
        return res.end();
      default:
        res.statusCode = 404;
        return res.end();
    }
  });
  base = `http://127.0.0.1:${await listen(server)}`;
});

afterAll(async () => {
  for (const r of hanging) r.destroy();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('session-lens check (plain Node server)', () => {
  it('reports known-bad cookies and exits 1 at --fail-on high', async () => {
    const r = await runCli(['check', `${base}/bad`, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.url).toBe(`${base}/bad`);
    const got = out.findings.map((f: { cookie: string; rule: string; severity: string }) => `${f.cookie} ${f.rule} ${f.severity}`);
    expect(got).toEqual(
      expect.arrayContaining([
        'sessionid httponly-missing high',
        'sessionid secure-missing high',
        'sessionid samesite-missing medium',
        'csrftoken secure-missing medium',
        'cross samesite-none-insecure medium',
        '__Host-pref prefix-invalid medium',
        'theme secure-missing low',
      ]),
    );
    for (const f of out.findings) expect(Object.keys(f).sort()).toEqual(['cookie', 'domain', 'fix', 'message', 'partition', 'path', 'rule', 'severity']);
    // Sorted highest first.
    expect(out.findings[0].severity).toBe('high');
  });

  it('--fail-on decides the exit code', async () => {
    expect((await runCli(['check', `${base}/bad`, '--fail-on', 'critical'])).code).toBe(0);
    expect((await runCli(['check', `${base}/bad`, '--fail-on', 'none'])).code).toBe(0);
    expect((await runCli(['check', `${base}/good`, '--fail-on', 'info'])).code).toBe(0);
    expect((await runCli(['check', `${base}/long-lived`])).code).toBe(0);
    expect((await runCli(['check', `${base}/long-lived`, '--fail-on', 'medium'])).code).toBe(1);
  });

  it('prints a readable table by default', async () => {
    const r = await runCli(['check', `${base}/bad`]);
    expect(r.stdout).toMatch(/SEVERITY\s+COOKIE\s+RULE\s+MESSAGE/);
    expect(r.stdout).toContain('fix: SESSION_COOKIE_HTTPONLY = True');
    expect(r.stdout).toMatch(/summary: 2 high, 4 medium/);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('escapes control characters from the server in the table', async () => {
    const r = await runCli(['check', `${base}/nasty`]);
    expect(r.stdout).toContain('Cookie "x\\x9b2Jname"');
    expect(r.stdout).not.toContain('\u009b');
  });

  it('follows redirects; cookies set along the way count and are sent on', async () => {
    const r = await runCli(['check', `${base}/redirect`, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.redirects).toEqual([`${base}/landing`]);
    expect(out.cookies.map((c: { name: string }) => c.name)).toEqual(['sessionid', 'seen']);
    expect(out.findings.map((f: { cookie: string; rule: string }) => `${f.cookie} ${f.rule}`)).toEqual(['sessionid httponly-missing']);
    // The landing page saw the cookie from the redirect (a Secure cookie is still not sent over http).
    expect(out.cookies[1].setBy).toBe(`${base}/landing`);
  });

  it("keeps what a browser would reject out of the cookie jar (Domain=localhost set by 127.0.0.1, __Host- without Secure, Domain=com) and honours deletions", async () => {
    const r = await runCli(['check', `${base}/jar-set`, '--json', '--fail-on', 'none']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).redirects).toHaveLength(2);
    expect(jarSeen.get('hop')).toBe('kept=1; gone=1');
    expect(jarSeen.get('end')).toBeUndefined();
  });

  it('finds a session id leaked into a redirect URL', async () => {
    const r = await runCli(['check', `${base}/leak`, '--json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toContainEqual(expect.objectContaining({ cookie: 'sessionid', rule: 'session-id-in-url', severity: 'high' }));
  });

  it('several URLs give an array', async () => {
    const r = await runCli(['check', `${base}/good`, `${base}/bad`, '--json']);
    const out = JSON.parse(r.stdout);
    expect(Array.isArray(out)).toBe(true);
    expect(out.map((o: { url: string }) => o.url)).toEqual([`${base}/good`, `${base}/bad`]);
    expect(out[0].findings).toEqual([]);
  });

  it('--sarif validates against the SARIF 2.1.0 schema', async () => {
    const r = await runCli(['check', `${base}/bad`, `${base}/leak`, '--sarif']);
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    const schema = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/sarif/sarif-schema-2.1.0.json'), 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: under NodeNext its default import is module.exports.
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => unknown;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const results = log.runs[0].results;
    expect(results.length).toBeGreaterThan(5);
    expect(results[0]).toMatchObject({ ruleId: 'httponly-missing', level: 'error', properties: { 'security-severity': '8.0' } });
    expect(log.runs[0].tool.driver.rules).toHaveLength(13);
    // The validator is real: a broken log fails.
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
  });

  it('local-dev exempts 127.0.0.1 from Secure; --strict drops the exemption', async () => {
    const rules = async (args: string[]) =>
      JSON.parse((await runCli(['check', `${base}/bad`, '--json', ...args])).stdout).findings.map((f: { cookie: string; rule: string }) => `${f.cookie} ${f.rule}`);
    expect(await rules(['--preset', 'local-dev'])).not.toContain('sessionid secure-missing');
    expect(await rules(['--preset', 'local-dev', '--strict'])).toContain('sessionid secure-missing');
    expect(await rules([])).toContain('sessionid secure-missing');
  });

  it('--policy FILE applies, and a bad file says which field is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-check-'));
    try {
      const good = join(dir, 'good.json');
      writeFileSync(good, JSON.stringify({ extends: 'django-default', rules: { 'secure-missing': 'off' }, sessionCookieNames: ['cross'] }));
      const out = JSON.parse((await runCli(['check', `${base}/bad`, '--json', '--policy', good])).stdout);
      const got = out.findings.map((f: { cookie: string; rule: string; severity: string }) => `${f.cookie} ${f.rule} ${f.severity}`);
      expect(got.some((g: string) => g.includes('secure-missing'))).toBe(false);
      expect(got).toContain('cross httponly-missing high');
      const bad = join(dir, 'bad.json');
      writeFileSync(bad, JSON.stringify({ maxAge: 'two weeks', sites: [{ host: 'a.example', escalate: 1 }] }));
      const r = await runCli(['check', `${base}/bad`, '--policy', bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/maxAge: .*expected number/);
      expect(r.stderr).toMatch(/sites\[0\]\.escalate: .*expected boolean/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['check'], /give at least one URL/],
    [['check', 'example.com'], /not a URL/],
    [['check', 'ftp://example.com/'], /only http and https/],
    [['check', 'http://x/', '--json', '--sarif'], /not both/],
    [['check', 'http://x/', '--fail-on', 'severe'], /--fail-on must be/],
    [['check', 'http://x/', '--preset', 'paranoid'], /unknown preset/],
    [['check', 'http://x/', '--bogus'], /Unknown option/],
  ])('usage error %j exits 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe('session-lens check network errors exit 2 and say why', () => {
  it('connection refused', async () => {
    const s = createHttpServer();
    const port = await listen(s);
    await new Promise((r) => s.close(r));
    const r = await runCli(['check', `http://127.0.0.1:${port}/`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/connection refused by 127\.0\.0\.1:\d+/);
  });

  it('timeout', async () => {
    const r = await runCli(['check', `${base}/hang`, '--timeout', '300']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/timeout: .* did not answer within 300 ms/);
  });

  it('DNS', async () => {
    const r = await runCli(['check', 'http://no-such-host.invalid/']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/DNS lookup failed for no-such-host\.invalid/);
  });

  it('too many redirects', async () => {
    const r = await runCli(['check', `${base}/loop`, '--max-redirects', '3']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/too many redirects .*more than 3/);
  });

  it('TLS (self-signed certificate)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sl-tls-'));
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
    expect(gen.status).toBe(0);
    const s = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (_req, res) => res.end('hi'));
    const port = await listen(s as unknown as Server);
    try {
      const r = await runCli(['check', `https://127.0.0.1:${port}/`]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/TLS error with 127\.0\.0\.1:\d+: (DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID)/);
    } finally {
      await new Promise((r) => s.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the real CLI binary exits with the same codes', async () => {
    const exec = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(process.execPath, [join(ROOT, 'bin/session-lens.mjs'), ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } }, (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        );
      });
    expect((await exec(['check', `${base}/bad`])).code).toBe(1);
    expect((await exec(['check', `${base}/good`])).code).toBe(0);
    const bad = await exec(['check', 'http://no-such-host.invalid/']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('session-lens check against the real Django fixture site', () => {
  let dj: DjangoServer;
  beforeAll(async () => {
    dj = await startDjango({ engine: 'signed_cookies' });
  });
  afterAll(async () => {
    await dj?.stop();
  });

  it('/bad-cookies: each misconfigured cookie is reported', async () => {
    const r = await runCli(['check', `${dj.url}/bad-cookies`, '--json']);
    const out = JSON.parse(r.stdout);
    const got = out.findings.map((f: { cookie: string; rule: string }) => `${f.cookie} ${f.rule}`);
    expect(got).toEqual(expect.arrayContaining(['cross samesite-none-insecure', '__Host-bad prefix-invalid', 'tracker httponly-missing']));
    expect(r.code).toBe(0);
  });

  it('/login: the signed_cookies session is decoded, and Django defaults miss only Secure', async () => {
    const r = await runCli(['check', `${dj.url}/login?user=alice`, '--json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    const session = out.cookies.find((c: { name: string }) => c.name === 'sessionid');
    expect(session.session).toMatchObject({ format: 'django-signed', verified: null });
    expect(session.session.data).toMatchObject({ _auth_user_backend: 'django.contrib.auth.backends.ModelBackend' });
    const mine = out.findings.filter((f: { cookie: string }) => f.cookie === 'sessionid').map((f: { rule: string; severity: string }) => `${f.rule} ${f.severity}`);
    expect(mine).toEqual(['secure-missing high']);
  });
});
