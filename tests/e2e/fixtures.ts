/**
 * Playwright fixtures: Debian's Chromium (never a downloaded one) with the built extension loaded,
 * headless, as ../../../shared/reference/browser-testing.md describes; the extension's service
 * worker (ready, listeners registered) and id; helpers that talk to the background like a page.
 */
import { test as base, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { extensionWorker, launchWithExtension } from './launch.ts';

interface Fixtures {
  context: BrowserContext;
  serviceWorker: Worker;
  extensionId: string;
  /** An extension page (the paste-and-decode page) to send protocol messages from. */
  extensionPage: Page;
}

export const test = base.extend<Fixtures>({
  context: async ({ colorScheme }, use) => {
    const { context, close } = await launchWithExtension({ colorScheme: colorScheme === 'dark' ? 'dark' : 'light' });
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
