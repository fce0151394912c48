/**
 * A small Marionette client (Firefox's own remote protocol, what geckodriver speaks) over node:net,
 * and a launcher for Debian's firefox-esr with a throwaway profile. Node only.
 *
 * Wire format: each packet is `<byte length>:<JSON>`. The server greets with
 * `{"applicationType":"gecko","marionetteProtocol":3}`; a command is `[0, id, "Name", params]`,
 * its answer `[1, id, error | null, result]`.
 *
 * @example
 * const ff = await launchFirefox({ prefs: { 'extensions.webextensions.uuids': '{…}' } });
 * try {
 *   await ff.marionette.installAddon('/path/to/firefox-mv3');
 *   await ff.marionette.setContext('chrome');
 *   const title = await ff.marionette.executeScript<string>('return document.title;');
 * } finally {
 *   await ff.close();
 * }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWithRetry, FIREFOX, packetReader, stopProcessGroup, writePacket } from './firefox.ts';

/** A Marionette command failed: `error` is the WebDriver error code (`javascript error`, …). */
export class MarionetteError extends Error {
  constructor(
    readonly command: string,
    readonly error: string,
    message: string,
  ) {
    super(`Marionette ${command}: ${error}: ${message}`);
    this.name = 'MarionetteError';
  }
}

type Pending = { name: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class Marionette {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private greeting?: (hello: Record<string, unknown>) => void;
  private closed: Error | null = null;

  private constructor(private readonly sock: net.Socket) {
    sock.on('data', packetReader((p) => this.onPacket(p)));
    sock.on('error', (e) => this.fail(e));
    sock.on('close', () => this.fail(new Error('connection closed')));
  }

  /** Connects to 127.0.0.1:`port` (retrying until `timeoutMs`) and reads the server's greeting. */
  static connect(port: number, timeoutMs = 20_000): Promise<Marionette> {
    return connectWithRetry(port, timeoutMs, async (sock) => {
      const m = new Marionette(sock);
      const hello = await new Promise<Record<string, unknown>>((ok, fail) => {
        m.greeting = ok;
        setTimeout(() => fail(new Error('Marionette: no greeting')), 5_000);
      });
      if (hello.applicationType !== 'gecko') throw new Error(`Marionette: unexpected greeting ${JSON.stringify(hello)}`);
      return m;
    });
  }

  private onPacket(packet: unknown): void {
    if (!Array.isArray(packet)) {
      this.greeting?.(packet as Record<string, unknown>);
      this.greeting = undefined;
      return;
    }
    const [, id, error, result] = packet as [1, number, { error: string; message: string; stacktrace?: string } | null, unknown];
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    clearTimeout(p.timer);
    if (error) p.reject(new MarionetteError(p.name, error.error, error.message));
    else p.resolve(result);
  }

  private fail(e: Error): void {
    this.closed ??= e;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(new Error(`Marionette ${p.name}: ${e.message}`));
    }
    this.pending.clear();
  }

  /** Sends one command and waits for its answer (a WebDriver error rejects with {@link MarionetteError}). */
  command<T = unknown>(name: string, params: Record<string, unknown> = {}, timeoutMs = 30_000): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`Marionette ${name}: ${this.closed.message}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`Marionette ${name}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { name, resolve: resolve as (v: unknown) => void, reject, timer });
      writePacket(this.sock, [0, id, name, params]);
    });
  }

  newSession(capabilities: Record<string, unknown> = {}): Promise<{ sessionId: string; capabilities: Record<string, unknown> }> {
    return this.command('WebDriver:NewSession', { capabilities: { alwaysMatch: capabilities } });
  }

  /** `chrome` runs scripts in the browser window with system privileges (needs system access). */
  async setContext(value: 'chrome' | 'content'): Promise<void> {
    await this.command('Marionette:SetContext', { value });
  }

  /** Runs `script` as a function body (with `arguments`); a returned promise is awaited. */
  async executeScript<T = unknown>(script: string, args: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    const res = await this.command<{ value: T }>('WebDriver:ExecuteScript', { script, args }, timeoutMs);
    return res.value;
  }

  /** Runs `body` as the body of an async function (so it may `await`); `args` are its `arguments`. */
  evaluate<T = unknown>(body: string, args: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    return this.executeScript<T>(`return (async function () {\n${body}\n}).apply(null, arguments);`, args, timeoutMs);
  }

  /** Runs `script`; its last argument is the callback that ends it with a value. */
  async executeAsyncScript<T = unknown>(script: string, args: unknown[] = [], timeoutMs = 30_000): Promise<T> {
    const res = await this.command<{ value: T }>('WebDriver:ExecuteAsyncScript', { script, args }, timeoutMs);
    return res.value;
  }

  /** Loads `url` in the current tab (content context) and waits for it like WebDriver does. */
  async navigate(url: string): Promise<void> {
    await this.command('WebDriver:Navigate', { url });
  }

  /** The current tab's handle (content context). */
  async windowHandle(): Promise<string> {
    return (await this.command<{ value: string }>('WebDriver:GetWindowHandle')).value;
  }

  /** Every tab's handle (content context). */
  windowHandles(): Promise<string[]> {
    return this.command<string[]>('WebDriver:GetWindowHandles');
  }

  /** Makes the tab `handle` current (and selects it). */
  async switchToWindow(handle: string): Promise<void> {
    await this.command('WebDriver:SwitchToWindow', { handle, focus: true });
  }

  async currentUrl(): Promise<string> {
    return (await this.command<{ value: string }>('WebDriver:GetCurrentURL')).value;
  }

  /** Clicks the first element matching `selector` as a user would (real input events, user activation). */
  async click(selector: string): Promise<void> {
    const found = await this.command<{ value: Record<string, string> }>('WebDriver:FindElement', { using: 'css selector', value: selector });
    await this.command('WebDriver:ElementClick', { id: Object.values(found.value)[0] });
  }

  /** The rendered text of the first element matching `selector`. */
  async text(selector: string): Promise<string> {
    const found = await this.command<{ value: Record<string, string> }>('WebDriver:FindElement', { using: 'css selector', value: selector });
    return (await this.command<{ value: string }>('WebDriver:GetElementText', { id: Object.values(found.value)[0] })).value;
  }

  /** Closes the current tab; switch to another handle afterwards. */
  async closeWindow(): Promise<void> {
    await this.command('WebDriver:CloseWindow');
  }

  /** Installs an add-on (a directory or .xpi) and returns its id; `temporary` as about:debugging does. */
  async installAddon(path: string, temporary = true): Promise<string> {
    const res = await this.command<{ value: string }>('Addon:Install', { path, temporary });
    return res.value;
  }

  /** A PNG (base64) of the current window: in the chrome context, the whole browser window. */
  async screenshot(): Promise<string> {
    const res = await this.command<{ value: string }>('WebDriver:TakeScreenshot', { full: false });
    return res.value;
  }

  close(): void {
    this.closed ??= new Error('closed');
    this.sock.destroy();
  }
}

/** A running firefox-esr with its own profile and a Marionette session. */
export interface FirefoxInstance {
  marionette: Marionette;
  process: ChildProcess;
  profile: string;
  /** Ends the session, stops Firefox (its whole process group) and deletes the profile. */
  close(): Promise<void>;
}

const BASE_PREFS: Record<string, unknown> = {
  // Marionette picks a free port and writes it to <profile>/MarionetteActivePort.
  'marionette.port': 0,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'browser.aboutwelcome.enabled': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.startup.page': 0,
  'app.update.disabledForTesting': true,
  'browser.tabs.warnOnClose': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  // DevTools: no first-run notices, the toolbox docked at the bottom of the tab.
  'devtools.toolbox.host': 'bottom',
  'devtools.everOpened': true,
};

/** Firefoxes started here and not yet stopped, with their profiles: killed if this process exits first. */
const LIVE = new Map<ChildProcess, string>();
let exitHook = false;

function killLiveOnExit(): void {
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const [child, profile] of LIVE) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      rmSync(profile, { recursive: true, force: true });
    }
  });
}

/**
 * Starts firefox-esr headless with `--marionette` on a fresh profile (`prefs` on top of quiet
 * defaults), connects, and opens a session. System access is allowed so the chrome context works.
 */
export async function launchFirefox(options: { prefs?: Record<string, unknown>; timeoutMs?: number } = {}): Promise<FirefoxInstance> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const profile = mkdtempSync(join(tmpdir(), 'sl-ff-marionette-'));
  const prefs = { ...BASE_PREFS, ...options.prefs };
  writeFileSync(join(profile, 'user.js'), Object.entries(prefs).map(([k, v]) => `user_pref(${JSON.stringify(k)}, ${JSON.stringify(v)});\n`).join(''));
  const child = spawn(FIREFOX, ['--headless', '--no-remote', '--marionette', '--remote-allow-system-access', '--profile', profile, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    env: { ...process.env, MOZ_HEADLESS: '1' },
  });
  killLiveOnExit();
  LIVE.set(child, profile);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4_000);
  });
  const stop = async () => {
    await stopProcessGroup(child);
    rmSync(profile, { recursive: true, force: true });
    LIVE.delete(child);
  };
  try {
    const portFile = join(profile, 'MarionetteActivePort');
    const until = Date.now() + timeoutMs;
    while (!existsSync(portFile) || readFileSync(portFile, 'utf8').trim() === '') {
      if (child.exitCode !== null) throw new Error(`firefox-esr exited (${child.exitCode}):\n${stderr}`);
      if (Date.now() > until) throw new Error(`firefox-esr did not start Marionette in ${timeoutMs} ms:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const marionette = await Marionette.connect(Number(readFileSync(portFile, 'utf8').trim()), Math.max(1_000, until - Date.now()));
    await marionette.newSession();
    return {
      marionette,
      process: child,
      profile,
      close: async () => {
        await marionette.command('WebDriver:DeleteSession', {}, 5_000).catch(() => undefined);
        marionette.close();
        await stop();
      },
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
