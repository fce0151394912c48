/**
 * Least privilege: only localhost/127.0.0.1 are granted at install. On any other site the panel
 * says it has no access and offers the one-click grant, instead of showing an empty table.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';

test('a site without host access shows the grant banner', async ({ context, serviceWorker, extensionId }) => {
  // 127.0.0.2 is loopback too, but not one of the install-time hosts.
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'sessionid=abc; Path=/; HttpOnly' });
    res.end('<!doctype html><title>elsewhere</title>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.2', r));
  const url = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  try {
    const site = await context.newPage();
    await site.goto(`${url}/`);
    // Without host access the tabs API hides the tab's URL: take the active tab (the one just opened).
    await site.bringToFront();
    const tabId = await serviceWorker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id ?? -1);
    expect(tabId).toBeGreaterThan(-1);
    // Full-window view: the background cannot even read the tab's address, so it points to DevTools.
    const { page, panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
    await expect(page.locator('[data-testid="access-banner"]')).toContainText('no access to this page');
    await expect(panel.rows).toHaveCount(0);
    await page.close();
    // The real DevTools panel knows the inspected origin and offers the one-click grant for it.
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const banner = frame.locator('[data-testid="access-banner"]');
    await expect(banner).toContainText(`no access to ${url}`);
    await expect(banner.getByRole('button', { name: `Grant access to ${url}` })).toBeVisible();
    await expect(new SessionsPanel(frame).rows).toHaveCount(0);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
