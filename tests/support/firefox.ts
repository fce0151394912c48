/**
 * What the Firefox tests share: the Firefox build of the extension (built with WXT into a
 * directory of its own), the `<length>:<JSON>` framing both of Firefox's remote protocols use
 * (Marionette and the remote debugging protocol), a connect that waits for the server to listen,
 * and stopping a detached browser with everything it started. Node only.
 *
 * @example
 * const build = buildFirefoxExtension();
 * try {
 *   // … install build.extDir …
 * } finally {
 *   build.cleanup();
 * }
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Debian's Firefox ESR (scripts/setup.sh installs it). */
export const FIREFOX = '/usr/bin/firefox-esr';
/** The extension's id in Firefox (wxt.config.ts: `browser_specific_settings.gecko.id`). */
export const GECKO_ID = 'session-lens@session-lens.dev';

const ROOT = resolve(import.meta.dirname, '../..');

/** A Firefox build in a temporary directory: `extDir` is the unpacked add-on. */
export interface FirefoxBuild {
  outDir: string;
  extDir: string;
  cleanup(): void;
}

/** `wxt build -b firefox` into a fresh directory (SESSION_LENS_OUT_DIR), so parallel builds never collide. */
export function buildFirefoxExtension(): FirefoxBuild {
  const outDir = mkdtempSync(join(tmpdir(), 'sl-ff-build-'));
  const build = spawnSync('npx', ['wxt', 'build', '-b', 'firefox'], {
    cwd: ROOT,
    env: { ...process.env, SESSION_LENS_OUT_DIR: outDir },
    encoding: 'utf8',
    timeout: 110_000,
  });
  if (build.status !== 0) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`wxt build -b firefox failed:\n${build.stdout}\n${build.stderr}`);
  }
  return { outDir, extDir: join(outDir, 'firefox-mv3'), cleanup: () => rmSync(outDir, { recursive: true, force: true }) };
}

/**
 * Connects to 127.0.0.1:`port` and runs `open` on the socket (e.g. reading the greeting), retrying
 * both until `timeoutMs` while the browser is still starting its server.
 */
export async function connectWithRetry<T>(port: number, timeoutMs: number, open: (sock: net.Socket) => Promise<T>): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let sock: net.Socket | undefined;
    try {
      sock = await new Promise<net.Socket>((ok, fail) => {
        const s = net.connect(port, '127.0.0.1');
        s.once('connect', () => ok(s));
        s.once('error', fail);
      });
      return await open(sock);
    } catch (e) {
      sock?.destroy();
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 150));
    }
  }
}

/**
 * Reads `<byte length>:<JSON>` packets from a socket: returns the `data` listener, which calls
 * `onPacket` once per complete packet.
 */
export function packetReader(onPacket: (packet: unknown) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const colon = buf.indexOf(58); // ':'
      if (colon < 0) return;
      const len = Number(buf.subarray(0, colon).toString());
      if (buf.length < colon + 1 + len) return;
      const packet = JSON.parse(buf.subarray(colon + 1, colon + 1 + len).toString('utf8')) as unknown;
      buf = buf.subarray(colon + 1 + len);
      onPacket(packet);
    }
  };
}

/** Writes one `<byte length>:<JSON>` packet. */
export function writePacket(sock: net.Socket, packet: unknown): void {
  const text = JSON.stringify(packet);
  sock.write(`${Buffer.byteLength(text)}:${text}`);
}

/** SIGTERM to the process group of a detached child, SIGKILL after `graceMs`; resolves once it exited. */
export async function stopProcessGroup(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const pid = child.pid;
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      child.kill(sig);
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A TCP port free right now on 127.0.0.1 (bound, then released). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => ok(port));
    });
    s.once('error', fail);
  });
}

/**
 * Starts everything a test needs at once and lets every start settle before the first failure is
 * thrown, so the test's afterAll can stop whatever did start.
 * @example await startAll([startDjango().then((d) => (django = d)), launchFirefox().then((f) => (ff = f))]);
 */
export async function startAll(starts: Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(starts)).find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
}
