/**
 * The main flows against the real Django fixture site under the signed_cookies, db and cache
 * (Redis) engines, in the full-window view of the panel (the same App the DevTools panel renders;
 * devtools.spec.ts runs the main flows in the real DevTools panel).
 */
import { DJANGO_SECRET_KEY } from '../support/django.ts';
import { badgeText, expect, sendMessage, tabIdOf, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { ENGINES, setPath, withDjango } from './site.ts';

for (const { engine, cache } of ENGINES) {
  test(`${engine}: a login rotates the key and the timeline shows it live; a logout removes it`, async ({
    context,
    serviceWorker,
    extensionId,
  }) => {
    await withDjango({ engine, cache }, async (dj) => {
      const site = await context.newPage();
      await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
      const tabId = await tabIdOf(serviceWorker, dj.url);
      const { panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
      await expect(panel.row('sessionid')).toBeVisible();
      await expect(panel.row('sessionid')).toHaveClass(/session/);
      // Session cookies come first.
      await expect(panel.rows.first()).toHaveAttribute('data-cookie', 'sessionid');
      await expect(panel.selectedRow).toHaveAttribute('data-cookie', 'sessionid');
      await expect(panel.format).toContainText(engine === 'signed_cookies' ? 'django-signed' : 'django-session-key');

      const before = await panel.row('sessionid').locator('.ct-value').textContent();
      await site.goto(`${dj.url}/login?user=alice`);
      await expect(panel.timelineEntries('rotated').first()).toBeVisible();
      await expect(panel.row('sessionid').locator('.ct-value')).not.toHaveText(before ?? '');
      if (engine === 'signed_cookies') await expect(panel.tree).toContainText('_auth_user_id');

      await site.goto(`${dj.url}/logout`);
      await expect(panel.timeline.locator('li[data-kind="removed"], li[data-kind="flushed"]').first()).toBeVisible();
    });
  });
}

test('signed_cookies: the session shows decoded, and verified once the key is stored', async ({
  context,
  serviceWorker,
  extensionId,
  extensionPage,
}) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}${setPath('cart', { items: [1, 2, 3], big: 12345678901234567890n.toString() })}`);
    const tabId = await tabIdOf(serviceWorker, dj.url);
    const { panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
    await expect(panel.format).toContainText('django-signed');
    await expect(panel.signature).toHaveAttribute('data-state', 'unverified');
    await expect(panel.tree).toContainText('_auth_user_id');
    await expect(panel.tree).toContainText('cart');

    // Store keys the way the Options page does (keys/add); any change of the cookie re-verifies.
    // A wrong key first: the signature is bad.
    const add = async (key: string, label: string) =>
      expect(((await sendMessage(extensionPage, { type: 'keys/add', key, label })) as { ok: boolean }).ok).toBe(true);
    await add('not-the-secret-key-of-this-site-0123456789-abcdefghijklmnop', 'wrong');
    await site.goto(`${dj.url}/touch`);
    await expect(panel.signature).toHaveAttribute('data-state', 'bad');
    // Then the real SECRET_KEY as a second key (a fallback): verified with key 1.
    await add(DJANGO_SECRET_KEY, 'fixture');
    await site.goto(`${dj.url}/touch`);
    await expect(panel.signature).toHaveAttribute('data-state', 'verified');
    await expect(panel.signature).toContainText('key 1 (fixture, fallback)');
    await expect(panel.signature).toContainText('django.contrib.sessions.backends.signed_cookies');
    await expect(panel.details.locator('[data-testid="timestamp"]')).toContainText('ago');
  });
});

test('signed_cookies: session data with HTML in it renders as text', async ({ context, serviceWorker, extensionId }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/html`);
    const tabId = await tabIdOf(serviceWorker, dj.url);
    const { page, panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
    await expect(panel.tree).toContainText('<img src=x onerror=');
    await expect(panel.tree).toContainText('<script>alert(1)</script>');
    await expect(panel.tree.locator('img, script')).toHaveCount(0);
    await expect(page.locator('img')).toHaveCount(0);
    expect(await page.title()).not.toBe('pwned');
  });
});

test('a misconfigured cookie raises the badge, kept across navigations, and a dropped SameSite=None cookie is reported', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/bad-cookies`);
    const tabId = await tabIdOf(serviceWorker, dj.url);
    await expect.poll(async () => Number(await badgeText(serviceWorker, tabId)) || 0).toBeGreaterThan(0);
    // The badge survives the next navigation (Chrome resets per-tab badges when a tab navigates).
    await site.goto(`${dj.url}/`);
    await expect.poll(async () => Number(await badgeText(serviceWorker, tabId)) || 0).toBeGreaterThan(0);

    await site.goto(`${dj.url}/bad-cookies`);
    const { panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
    await expect(panel.findingTotal).not.toHaveText(/^0 /);
    await panel.showSiteFindings();
    // `cross` (SameSite=None without Secure) never reaches the cookie jar: only its header shows it.
    await expect(panel.row('cross')).toHaveCount(0);
    const dropped = panel.findings.locator('li', { hasText: 'dropped by the browser' }).filter({ hasText: 'cross' });
    await expect(dropped.first()).toBeVisible();
    // The cookie readable from JavaScript is a finding too.
    await expect(panel.findings).toContainText('tracker');
  });
});

test('db with SESSION_SAVE_EVERY_REQUEST: a plain page view refreshes the session, live in the timeline', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  await withDjango({ engine: 'db', env: { SL_SESSION_SAVE_EVERY_REQUEST: '1' } }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
    const tabId = await tabIdOf(serviceWorker, dj.url);
    const { panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
    await expect(panel.row('sessionid')).toBeVisible();
    // The cookie's expiry has one-second resolution: let a second pass so the refresh extends it.
    // (The browser's own /favicon.ico request refreshes it too: count, do not expect zero.)
    await site.waitForTimeout(1_100);
    const before = await panel.eventCount('refreshed');
    await site.goto(`${dj.url}/`);
    await expect.poll(() => panel.eventCount('refreshed')).toBeGreaterThan(before);
    await expect(panel.timelineEntries('refreshed').first()).toContainText('expiry extended');
    await expect(panel.timelineEntries('rotated')).toHaveCount(0);
  });
});
