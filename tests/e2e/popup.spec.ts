/**
 * The toolbar popup, opened for real with chrome.action.openPopup(): the active site's summary
 * (session cookies, findings = the badge count) and the way into the full-window panel.
 */
import { expect, tabIdOf, test } from './fixtures.ts';
import { setPath, withDjango } from './site.ts';

test('the popup summarises the active site and opens the panel for its tab', async ({ context, serviceWorker }) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
    await site.goto(`${dj.url}/bad-cookies`);
    await site.bringToFront();
    const tabId = await tabIdOf(serviceWorker, dj.url);
    const popupPromise = context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/popup.html') });
    await serviceWorker.evaluate(() => (chrome.action as unknown as { openPopup(): Promise<void> }).openPopup());
    const popup = await popupPromise;
    await expect(popup.locator('[data-testid="popup"]')).toContainText(dj.url);
    const summary = popup.locator('[data-testid="popup-summary"]');
    await expect(summary).toContainText('1 session cookie');
    await expect(summary).not.toContainText(' 0 findings');
    const badge = await serviceWorker.evaluate((id) => chrome.action.getBadgeText({ tabId: id }), tabId);
    await expect(summary).toContainText(`${badge} finding`);

    const panelPromise = context.waitForEvent('page', { predicate: (p) => p.url().includes('/devtools-panel.html?tabId=') });
    await popup.getByRole('button', { name: 'Open the Sessions view for this tab' }).click();
    const panel = await panelPromise;
    expect(panel.url()).toContain(`tabId=${tabId}`);
    await expect(panel.locator('.ct-body [data-cookie="sessionid"]')).toBeVisible();
  });
});
