import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';

test('the Sessions panel opens in the real DevTools', async ({ context, extensionId }) => {
  const page = await context.newPage();
  await page.goto('about:blank');
  const { panel } = await openDevToolsPanel(context, page, extensionId);
  await expect(panel.locator('[data-testid="app"]')).toBeVisible();
});
