/**
 * The main flows in the REAL DevTools panel, opened over CDP (devtools.ts): the panel reads the
 * inspected tab itself, lists and decodes its cookies, updates live, and is keyboard navigable.
 */
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

test('db: the real DevTools panel lists the session, and a login shows up live', async ({ context, extensionId }) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.row('sessionid')).toBeVisible();
    await expect(panel.selectedRow).toHaveAttribute('data-cookie', 'sessionid');
    await expect(panel.format).toContainText('django-session-key');
    await expect(panel.companion).toBeVisible();

    await site.goto(`${dj.url}/login?user=alice`);
    await expect(panel.timelineEntries('rotated').first()).toBeVisible();
    await site.goto(`${dj.url}/logout`);
    await expect(panel.timeline.locator('li[data-kind="removed"], li[data-kind="flushed"]').first()).toBeVisible();

    // "Open in tab": the same panel full-window, for the inspected tab.
    const opened = context.waitForEvent('page', { predicate: (p) => p.url().includes('/devtools-panel.html?tabId=') });
    await frame.getByRole('button', { name: 'Open in tab' }).click();
    const full = new SessionsPanel(await opened);
    await expect(full.timelineEntries('rotated').first()).toBeVisible();
  });
});

test('signed_cookies: decoded in the real DevTools panel, keyboard navigable', async ({ context, extensionId }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}/html`);
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.format).toContainText('django-signed');
    await expect(panel.tree).toContainText('_auth_user_id');
    await expect(panel.tree).toContainText('<script>alert(1)</script>');
    await expect(panel.tree.locator('img, script')).toHaveCount(0);

    // Keyboard: focus the grid, move down to the next cookie, Enter opens its details.
    const count = await panel.rows.count();
    await panel.table.focus();
    await panel.table.press('Home');
    await expect(panel.selectedRow).toHaveAttribute('data-cookie', 'sessionid');
    if (count > 1) {
      await panel.table.press('ArrowDown');
      await expect(panel.selectedRow).not.toHaveAttribute('data-cookie', 'sessionid');
      await panel.table.press('Enter');
      await expect(panel.details).toBeFocused();
    }
  });
});

test.describe('dark DevTools', () => {
  test.use({ colorScheme: 'dark' });
  test('the panel follows the DevTools theme', async ({ context, extensionId }) => {
    const site = await context.newPage();
    await site.goto('about:blank');
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    await expect(frame.locator('[data-testid="app"]')).toHaveAttribute('data-theme', 'dark');
  });
});

test('the panel switches theme live when DevTools does', async ({ context, extensionId }) => {
  const site = await context.newPage();
  await site.goto('about:blank');
  const { devtools, panel } = await openDevToolsPanel(context, site, extensionId);
  const app = panel.locator('[data-testid="app"]');
  await expect(app).toHaveAttribute('data-theme', 'light');
  // DevTools follows the system theme by default: switch it and the panel follows, no reload.
  await devtools.emulateMedia({ colorScheme: 'dark' });
  await expect(app).toHaveAttribute('data-theme', 'dark');
  await devtools.emulateMedia({ colorScheme: 'light' });
  await expect(app).toHaveAttribute('data-theme', 'light');
});
