/**
 * Writes docs/screenshots/panel-light.png and panel-dark.png (used in the README): the REAL
 * DevTools with the Sessions panel shown, on a logged-in signed_cookies session of the fixture
 * site, once with a light and once with a dark DevTools theme.
 */
import { test } from '@playwright/test';
import { resolve } from 'node:path';
import { openDevToolsPanel } from './devtools.ts';
import { expect } from './fixtures.ts';
import { extensionWorker, launchWithExtension } from './launch.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');

test('screenshots of the panel in DevTools, light and dark', async () => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    for (const theme of ['light', 'dark'] as const) {
      const { context, close } = await launchWithExtension({ colorScheme: theme });
      try {
        const sw = await extensionWorker(context);
        const site = await context.newPage();
        await site.goto(`${dj.url}${setPath('theme', theme)}`);
        await site.goto(`${dj.url}/bad-cookies`);
        await site.goto(`${dj.url}/login?user=alice`);
        await site.goto(`${dj.url}${setPath('cart', { items: ['book', 'pen'], total: 12.5 })}`);
        const { devtools, panel: frame } = await openDevToolsPanel(context, site, new URL(sw.url()).host);
        // Undock DevTools so the panel gets the whole window, as a developer would for a wide view.
        await devtools.evaluate(async () => {
          const UI = await import('devtools://devtools/bundled/ui/legacy/legacy.js' as string);
          UI.DockController.DockController.instance().setDockSide('undocked');
        });
        await devtools.setViewportSize({ width: 1280, height: 640 });
        await devtools.waitForTimeout(300);
        const panel = new SessionsPanel(frame);
        await expect(panel.app).toHaveAttribute('data-theme', theme);
        await expect(panel.tree).toContainText('cart');
        await expect(panel.timelineEntries('rotated').first()).toBeVisible();
        await devtools.screenshot({ path: `${OUT}/panel-${theme}.png` });
      } finally {
        await close();
      }
    }
  });
});
