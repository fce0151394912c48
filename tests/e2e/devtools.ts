/**
 * Opens the REAL Chrome DevTools on a page and shows the "Sessions" panel, over CDP (the recipe in
 * browser-testing.md): Target.openDevTools on a browser CDP session, wait for the front end to
 * boot, then InspectorView.showPanel. The panel is then an ordinary Playwright Frame.
 */
import type { BrowserContext, Frame, Page } from '@playwright/test';

/** The panel's id in DevTools: `chrome-extension://<id>` + the title without whitespace. */
export function panelId(extensionId: string, title = 'Sessions'): string {
  return `chrome-extension://${extensionId}${title.replace(/\s+/g, '')}`;
}

/** The DevTools window of `page` and the Sessions panel frame inside it. */
export interface OpenedPanel {
  devtools: Page;
  panel: Frame;
}

/**
 * Opens DevTools for `page` and selects the extension's Sessions panel.
 * Needs `PW_CHROMIUM_ATTACH_TO_OTHER=1` before launch (fixtures.ts sets it).
 */
export async function openDevToolsPanel(context: BrowserContext, page: Page, extensionId: string): Promise<OpenedPanel> {
  const pageSession = await context.newCDPSession(page);
  const { targetInfo } = (await pageSession.send('Target.getTargetInfo')) as { targetInfo: { targetId: string } };
  await pageSession.detach();
  const devtoolsPromise = context.waitForEvent('page', {
    predicate: (p) => p.url().startsWith('devtools://'),
    timeout: 30_000,
  });
  const browser = context.browser();
  if (browser) {
    const session = await browser.newBrowserCDPSession();
    await session.send('Target.openDevTools' as never, { targetId: targetInfo.targetId } as never);
  } else {
    // A persistent context has no Browser object: the page's own session reaches the Target domain.
    const session = await context.newCDPSession(page);
    await session.send('Target.openDevTools' as never, { targetId: targetInfo.targetId } as never);
  }
  const devtools = await devtoolsPromise;
  await devtools.waitForSelector('[role="tab"][id="tab-elements"]', { state: 'attached', timeout: 30_000 });
  const id = panelId(extensionId);
  // The extension panel registers shortly after the front end boots: retry until it exists.
  for (let i = 0; ; i++) {
    const shown = await devtools.evaluate(async (panel) => {
      const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js' as string);
      const iv = UI.InspectorView.InspectorView.instance();
      if (!iv.hasPanel(panel)) return false;
      await iv.showPanel(panel);
      return true;
    }, id);
    if (shown) break;
    if (i > 100) throw new Error(`DevTools has no panel ${id}`);
    await devtools.waitForTimeout(100);
  }
  const prefix = `chrome-extension://${extensionId}/devtools-panel.html`;
  for (let i = 0; i < 200; i++) {
    const panel = devtools.frames().find((f) => f.url().startsWith(prefix));
    if (panel) {
      await panel.waitForSelector('[data-testid="app"]', { timeout: 30_000 });
      return { devtools, panel };
    }
    await devtools.waitForTimeout(50);
  }
  throw new Error('The Sessions panel frame did not appear');
}
