/**
 * The Firefox build, for real: built with WXT, linted with web-ext (0 errors, 0 warnings),
 * installed in Debian's firefox-esr (headless) both with `web-ext run` and over Firefox's remote
 * debugging protocol (RDP: the protocol web-ext itself installs temporary add-ons with), and then
 * driven from one of its own extension pages: the background answers the protocol's messages,
 * reads the cookies a real HTTP server sets, and pushes a login on a `panel:<tabId>` port.
 *
 * BiDi cannot evaluate in extension pages (see docs/browser-testing.md), RDP can: that is why the
 * add-on is installed and driven over RDP here.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFirefoxExtension, connectWithRetry, FIREFOX, freePort, GECKO_ID, packetReader, stopProcessGroup, writePacket, type FirefoxBuild } from '../support/firefox.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const UUID = '3f5c2a51-8d0e-4b7a-9c61-2e4d6f8a0b13';
const EXT_ORIGIN = `moz-extension://${UUID}`;

let build: FirefoxBuild;
let extDir: string;

beforeAll(() => {
  build = buildFirefoxExtension();
  extDir = build.extDir;
});

afterAll(() => {
  build?.cleanup();
});

describe('Firefox build', () => {
  it('passes web-ext lint with 0 errors and 0 warnings', () => {
    const lint = spawnSync(join(ROOT, 'node_modules/.bin/web-ext'), ['lint', '--source-dir', extDir, '--output', 'json', '--no-input'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const report = JSON.parse(lint.stdout) as { summary: { errors: number; warnings: number; notices: number }; warnings: { code: string; file: string }[] };
    expect(report.warnings.map((w) => `${w.code} ${w.file}`)).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('asks for least privilege: local hosts at install, any other site at runtime', () => {
    const manifest = JSON.parse(readFileSync(join(extDir, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({
      manifest_version: 3,
      permissions: ['cookies', 'storage', 'webRequest'],
      host_permissions: ['http://localhost/*', 'http://127.0.0.1/*'],
      optional_host_permissions: ['*://*/*'],
      background: { scripts: ['background.js'] },
      devtools_page: 'devtools.html',
      options_ui: { page: 'options.html', open_in_tab: true },
      browser_specific_settings: { gecko: { id: GECKO_ID, strict_min_version: '142.0', data_collection_permissions: { required: ['none'] } } },
    });
  });

  it('installs as a temporary add-on with web-ext run (MOZ_HEADLESS)', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'sl-ff-webext-'));
    const child = spawn(
      join(ROOT, 'node_modules/.bin/web-ext'),
      ['run', '--source-dir', extDir, `--firefox=${FIREFOX}`, '--no-input', '--no-reload', '--firefox-profile', profile, '--keep-profile-changes', '--start-url', 'about:blank'],
      { env: { ...process.env, MOZ_HEADLESS: '1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    let out = '';
    try {
      await new Promise<void>((ok, fail) => {
        const timer = setTimeout(() => fail(new Error(`web-ext run did not install the add-on:\n${out}`)), 45_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          if (/Installed .* as a temporary add-on/.test(out)) {
            clearTimeout(timer);
            ok();
          }
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.once('exit', (code) => fail(new Error(`web-ext run exited (${code}):\n${out}`)));
      });
      expect(out).toMatch(/Installed .* as a temporary add-on/);
    } finally {
      await stopProcessGroup(child);
      rmSync(profile, { recursive: true, force: true });
    }
  });
});

// ─── A minimal Firefox remote debugging protocol client ─────────────────────────────────────────

type Packet = Record<string, unknown> & { from?: string; type?: string; error?: string };

class Rdp {
  private packets: Packet[] = [];
  private waiters: { match: (p: Packet) => boolean; resolve: (p: Packet) => void }[] = [];

  private constructor(private readonly sock: net.Socket) {
    sock.on(
      'data',
      packetReader((p) => {
        const packet = p as Packet;
        const w = this.waiters.find((x) => x.match(packet));
        if (w) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(packet);
        } else this.packets.push(packet);
      }),
    );
  }

  static connect(port: number, timeoutMs = 20_000): Promise<Rdp> {
    return connectWithRetry(port, timeoutMs, async (sock) => {
      const rdp = new Rdp(sock);
      await rdp.waitFor((p) => p.from === 'root' && 'applicationType' in p);
      return rdp;
    });
  }

  waitFor(match: (p: Packet) => boolean, timeoutMs = 15_000): Promise<Packet> {
    const hit = this.packets.find(match);
    if (hit) {
      this.packets.splice(this.packets.indexOf(hit), 1);
      return Promise.resolve(hit);
    }
    return new Promise((ok, fail) => {
      const w = { match, resolve: ok };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          fail(new Error('RDP: no answer in time'));
        }
      }, timeoutMs);
    });
  }

  async request(to: string, type: string, extra: Record<string, unknown> = {}): Promise<Packet> {
    const answer = this.waitFor((p) => p.from === to && (p.type === undefined || p.error !== undefined));
    writePacket(this.sock, { to, type, ...extra });
    const p = await answer;
    if (p.error) throw new Error(`RDP ${type}: ${p.error} ${String(p.message ?? '')}`);
    return p;
  }

  /** Evaluates an expression (awaited) in a console actor; the result must be a short string. */
  async evaluate(consoleActor: string, text: string): Promise<string> {
    const started = await this.request(consoleActor, 'evaluateJSAsync', { text, mapped: { await: true } });
    const res = await this.waitFor((p) => p.from === consoleActor && p.type === 'evaluationResult' && p.resultID === started.resultID, 30_000);
    if (res.exceptionMessage) throw new Error(`evaluation failed: ${String(res.exceptionMessage)}`);
    if (typeof res.result !== 'string') throw new Error(`evaluation gave ${JSON.stringify(res.result).slice(0, 200)}`);
    return res.result;
  }

  close(): void {
    this.sock.destroy();
  }
}

describe('Firefox background over the message protocol', () => {
  let firefox: ChildProcess;
  let rdp: Rdp;
  let profile: string;
  let site: Server;
  let siteUrl: string;
  /** Console actor of the extension's options page, opened in a tab. */
  let page: string;

  const KEY_A = 'a'.repeat(32);
  const KEY_B = 'b'.repeat(32);

  beforeAll(async () => {
    // A real HTTP server setting a Django-like session cookie, then rotating it on /login.
    site = createServer((req, res) => {
      if (req.url !== '/' && req.url !== '/login') {
        res.writeHead(404).end(); // /favicon.ico must not set cookies again
        return;
      }
      const cookies =
        req.url === '/login'
          ? [`sessionid=${KEY_B}; HttpOnly; Path=/; SameSite=Lax; Max-Age=1209600`]
          : [`sessionid=${KEY_A}; HttpOnly; Path=/; SameSite=Lax; Max-Age=1209600`, 'tracker=1; Path=/', 'cross=1; Path=/; SameSite=None'];
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'set-cookie': cookies });
      res.end('<!doctype html><title>site</title><p>ok</p>');
    });
    await new Promise<void>((ok) => site.listen(0, '127.0.0.1', ok));
    siteUrl = `http://127.0.0.1:${(site.address() as net.AddressInfo).port}`;

    profile = mkdtempSync(join(tmpdir(), 'sl-ff-rdp-'));
    const prefs: [string, unknown][] = [
      ['devtools.debugger.remote-enabled', true],
      ['devtools.chrome.enabled', true],
      ['devtools.debugger.prompt-connection', false],
      ['extensions.webextensions.uuids', JSON.stringify({ [GECKO_ID]: UUID })],
      ['browser.shell.checkDefaultBrowser', false],
      ['datareporting.policy.dataSubmissionEnabled', false],
      ['browser.aboutwelcome.enabled', false],
      ['browser.startup.homepage_override.mstone', 'ignore'],
      ['app.update.disabledForTesting', true],
    ];
    writeFileSync(join(profile, 'user.js'), prefs.map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});`).join('\n'));
    const port = await freePort();
    firefox = spawn(FIREFOX, ['--headless', '--no-remote', '--profile', profile, '--start-debugger-server', String(port), 'about:blank'], {
      stdio: 'ignore',
      detached: true,
    });
    rdp = await Rdp.connect(port);
    const root = await rdp.request('root', 'getRoot');
    const installed = await rdp.request(root.addonsActor as string, 'installTemporaryAddon', { addonPath: extDir });
    expect((installed.addon as { id: string }).id).toBe(GECKO_ID);
    // Open the extension's own options page in the first tab and evaluate in it.
    const tabs = (await rdp.request('root', 'listTabs')).tabs as { actor: string; url: string }[];
    const first = await rdp.request(tabs[0]!.actor, 'getTarget');
    await rdp.request((first.frame as { actor: string }).actor, 'navigateTo', { url: `${EXT_ORIGIN}/options.html` });
    const until = Date.now() + 15_000;
    for (;;) {
      const now = (await rdp.request('root', 'listTabs')).tabs as { actor: string; url: string }[];
      const ext = now.find((t) => t.url.startsWith(EXT_ORIGIN));
      if (ext) {
        const target = await rdp.request(ext.actor, 'getTarget');
        page = (target.frame as { consoleActor: string }).consoleActor;
        break;
      }
      if (Date.now() > until) throw new Error('the options page did not open');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    rdp?.close();
    if (firefox) await stopProcessGroup(firefox);
    await new Promise<void>((ok) => (site ? site.close(() => ok()) : ok()));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const send = async (message: Record<string, unknown>) =>
    JSON.parse(await rdp.evaluate(page, `browser.runtime.sendMessage(${JSON.stringify(message)}).then((r) => JSON.stringify(r))`)) as {
      ok: boolean;
      data?: Record<string, unknown>;
      code?: string;
      message?: string;
    };

  it('answers settings/get and renders the options page', async () => {
    const res = await send({ type: 'settings/get' });
    expect(res).toMatchObject({ ok: true, data: { sessionCookieNames: ['sessionid'], keys: [], companion: { url: '', hasToken: false } } });
    const until = Date.now() + 10_000;
    let name = '';
    while (name !== 'django-default' && Date.now() < until) {
      name = await rdp.evaluate(page, `String(document.querySelector('#policy-name')?.value)`);
      if (name !== 'django-default') await new Promise((r) => setTimeout(r, 100));
    }
    expect(name).toBe('django-default');
  });

  it('rejects a malformed request with a typed error', async () => {
    expect(await send({ type: 'cookies/list', tabId: 'x' })).toEqual({
      ok: false,
      code: 'ERR_BAD_REQUEST',
      message: 'Bad "cookies/list" request: tabId: Invalid input: expected number, received string',
    });
  });

  it('reads the cookies a real site sets, and pushes a login on the panel port', async () => {
    const tabId = Number(
      await rdp.evaluate(
        page,
        `new Promise((ok) => browser.tabs.create({ url: ${JSON.stringify(`${siteUrl}/`)}, active: false }).then((t) => {
           const done = (id, info) => { if (id === t.id && info.status === 'complete') { browser.tabs.onUpdated.removeListener(done); ok(String(t.id)); } };
           browser.tabs.onUpdated.addListener(done);
         }))`,
      ),
    );
    expect(tabId).toBeGreaterThan(0);
    // The dropped-cookie check runs when the response completes, which may be just after 'complete'.
    let list = await send({ type: 'cookies/list', tabId });
    for (let i = 0; i < 25; i++) {
      const d = list.data as { cookies: { name: string }[]; dropped: { cookie: string }[] };
      if (d.cookies.some((c) => c.name === 'cross') || d.dropped.some((f) => f.cookie === 'cross')) break;
      await new Promise((r) => setTimeout(r, 200));
      list = await send({ type: 'cookies/list', tabId });
    }
    expect(list.ok).toBe(true);
    const snap = list.data as { site: string; access: string; cookies: { name: string; sessionCookie: boolean; httpOnly: boolean; findings: { rule: string }[] }[]; dropped: { cookie: string; rule: string }[] };
    expect(snap).toMatchObject({ site: siteUrl, access: 'granted' });
    expect(snap.cookies[0]).toMatchObject({ name: 'sessionid', sessionCookie: true, httpOnly: true });
    expect(snap.cookies.find((c) => c.name === 'tracker')?.findings.map((f) => f.rule)).toContain('httponly-missing');
    // SameSite=None without Secure: either Firefox stored it (and the policy flags it) or it
    // dropped it (and the Set-Cookie header is reported).
    const cross = snap.cookies.find((c) => c.name === 'cross');
    if (cross) expect(cross.findings.map((f) => f.rule)).toContain('samesite-none-insecure');
    else expect(snap.dropped.map((f) => `${f.cookie}:${f.rule}`)).toContain('cross:dropped');

    // A panel's port, then a login that rotates the session key.
    await rdp.evaluate(
      page,
      `(() => { window.pushes = []; window.port = browser.runtime.connect({ name: 'panel:${tabId}' });
         window.port.onMessage.addListener((m) => window.pushes.push(m)); return 'ok'; })()`,
    );
    await rdp.evaluate(page, `browser.tabs.update(${tabId}, { url: ${JSON.stringify(`${siteUrl}/login`)} }).then(() => 'ok')`);
    const until = Date.now() + 15_000;
    let kinds: string[] = [];
    while (!kinds.includes('rotated') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      kinds = JSON.parse(await rdp.evaluate(page, `JSON.stringify(window.pushes.filter((p) => p.type === 'timeline/event').map((p) => p.event.kind))`)) as string[];
    }
    expect(kinds).toContain('rotated');
    // Each push as its type and the sessionid values it carries.
    const seen = JSON.parse(
      await rdp.evaluate(
        page,
        `JSON.stringify(window.pushes.map((p) => ({ type: p.type, values: (p.type === 'cookies/changed' ? [p.cookie] : p.type === 'cookies/snapshot' ? p.snapshot.cookies : []).filter((c) => c.name === 'sessionid').map((c) => c.value) })))`,
      ),
    ) as { type: string; values: string[] }[];
    expect(seen[0]!.type).toBe('cookies/snapshot');
    // The rotated key reaches the panel: as a cookies/changed push, or in the fresh snapshot that the
    // login's navigation brings (which of the two comes first depends on timing).
    const before = new Set(seen[0]!.values);
    const after = seen.slice(1).flatMap((p) => p.values).filter((v) => !before.has(v));
    expect(after, JSON.stringify(seen.map((p) => p.type))).not.toEqual([]);
    const timeline = await send({ type: 'timeline/get', site: siteUrl });
    expect((timeline.data as { events: { kind: string; detail: string }[] }).events.map((e) => e.kind)).toEqual(['created', 'rotated']);
  });
});
