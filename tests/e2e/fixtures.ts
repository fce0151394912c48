/**
 * Playwright fixtures: Debian's Chromium (never a downloaded one) with the built extension loaded,
 * headless, as ../../../shared/reference/browser-testing.md describes; the extension's service
 * worker (ready, listeners registered) and id; helpers that talk to the background like a page.
 */
import { test as base, chromium, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
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

interface Fixtures {
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  /** An extension page (the paste-and-decode page) to send protocol messages from. */
  extensionPage: Page;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  context: async ({}, use) => {
    const { context, close } = await launchWithExtension();
    await use(context);
    await close();
  },
  serviceWorker: async ({ context }, use) => {
    await use(await extensionWorker(context));
  },
  extensionId: async ({ serviceWorker }, use) => {
    await use(new URL(serviceWorker.url()).host);
  },
  extensionPage: async ({ context, extensionId }, use) => {
    const page = await context.newPage();
    await page.goto(`chrome-extension://${extensionId}/decode.html`);
    await use(page);
    await page.close();
  },
});

export { expect };

/** The few `chrome.*` calls the tests evaluate inside extension contexts (no @types/chrome here). */
declare global {
  const chrome: {
    runtime: { sendMessage(message: unknown): Promise<unknown> };
    tabs: { query(q: object): Promise<{ id?: number; url?: string }[]> };
    action: { getBadgeText(d: { tabId: number }): Promise<string> };
    cookies: { getAll(d: object): Promise<{ name: string; value: string }[]>; set(d: object): Promise<unknown> };
  };
}

/**
 * Sends one protocol request from an extension page, as the panel would, and returns the raw
 * wire response (`{ ok, data }` or `{ ok: false, code, message }`).
 */
export async function sendMessage(page: Page, message: Record<string, unknown>): Promise<unknown> {
  return page.evaluate((m) => chrome.runtime.sendMessage(m), message);
}

/** The tab id of the first tab whose URL starts with `urlPrefix`, asked from the service worker. */
export async function tabIdOf(sw: Worker, urlPrefix: string): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const id = await sw.evaluate(async (prefix) => {
      const tabs = await chrome.tabs.query({});
      return tabs.find((t) => t.url?.startsWith(prefix))?.id ?? -1;
    }, urlPrefix);
    if (id !== -1) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`No tab at ${urlPrefix}`);
}

/** The toolbar badge text of a tab, read through the service worker (chrome.action.getBadgeText). */
export async function badgeText(sw: Worker, tabId: number): Promise<string> {
  return sw.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
}
