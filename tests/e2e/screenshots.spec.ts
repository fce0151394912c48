/**
 * Writes docs/screenshots/panel-light.png and panel-dark.png (used in the README): the panel's
 * full-window view on a logged-in signed_cookies session of the fixture site.
 */
import { resolve } from 'node:path';
import { expect, tabIdOf, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');

test('screenshots of the panel, light and dark', async ({ context, serviceWorker, extensionId }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
    await site.goto(`${dj.url}/bad-cookies`);
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}${setPath('cart', { items: ['book', 'pen'], total: 12.5 })}`);
    const tabId = await tabIdOf(serviceWorker, dj.url);
    for (const theme of ['light', 'dark'] as const) {
      const { page, panel } = await SessionsPanel.openInTab(context, extensionId, tabId, theme);
      await page.setViewportSize({ width: 1280, height: 640 });
      await expect(panel.app).toHaveAttribute('data-theme', theme);
      await expect(panel.tree).toContainText('cart');
      await expect(panel.timelineEntries('rotated').first()).toBeVisible();
      await page.screenshot({ path: `${OUT}/panel-${theme}.png` });
      await page.close();
    }
  });
});
