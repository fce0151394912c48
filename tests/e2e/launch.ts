/**
 * Launching Debian's Chromium with the built extension (shared by the e2e fixtures and
 * bench/panel.bench.ts). No @playwright/test runner objects here, so scripts can import it.
 */
import { chromium, type BrowserContext, type Worker } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The extension directory the browser loads (a private copy made by global-setup.ts). */
export function extensionDir(): string {
  return process.env.SL_EXTENSION_DIR ?? resolve(import.meta.dirname, '../../.output/chrome-mv3');
}

/** Chromium flags for a quiet, deterministic headless run with the extension loaded. */
export function chromiumArgs(dir: string): string[] {
  return [
    `--disable-extensions-except=${dir}`,
    `--load-extension=${dir}`,
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
}

/**
 * Launches Chromium with the extension. `PW_CHROMIUM_ATTACH_TO_OTHER=1` makes devtools:// windows
 * Playwright pages, so the real DevTools panel can be driven (see devtools.ts).
 */
export async function launchWithExtension(options: { colorScheme?: 'light' | 'dark' } = {}): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  process.env.PW_CHROMIUM_ATTACH_TO_OTHER = '1';
  const profile = mkdtempSync(join(tmpdir(), 'sl-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: chromiumArgs(extensionDir()),
    viewport: { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The extension's service worker, once its listeners are registered. */
export async function extensionWorker(context: BrowserContext): Promise<Worker> {
  let [sw] = context.serviceWorkers().filter((w) => w.url().startsWith('chrome-extension://'));
  if (!sw) sw = await context.waitForEvent('serviceworker', (w) => w.url().startsWith('chrome-extension://'));
  await sw.evaluate(() => true);
  return sw;
}

/** The few `chrome.*` calls the tests evaluate inside extension contexts (no @types/chrome here). */
declare global {
  const chrome: {
    runtime: { sendMessage(message: unknown): Promise<unknown> };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
    action: { getBadgeText(d: { tabId: number }): Promise<string> };
    cookies: {
      getAll(d: object): Promise<{ name: string; value: string }[]>;
      set(d: object): Promise<unknown>;
      remove(d: object): Promise<unknown>;
      onChanged: {
        addListener(cb: (c: { removed: boolean; cookie: { name: string; value: string } }) => void): void;
        removeListener(cb: (c: { removed: boolean; cookie: { name: string; value: string } }) => void): void;
      };
    };
  };
}
