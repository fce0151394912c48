/**
 * Real browsing in the REAL DevTools panel (opened over CDP, devtools.ts): the panel follows the
 * inspected tab across sites within a second, shows the "no access — grant" state on hosts the
 * extension may not read (never the previous site's cookies, badge or findings), and an honest
 * empty state on about:blank and error pages. The popup likewise.
 */
import { createServer } from 'node:net';
import { openDevToolsPanel } from './devtools.ts';
import { badgeText, expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { startSite, type TestSite } from './servers.ts';

/** What "within one second" means here: the target for showing the new site. */
const NEW_SITE_MS = 1000;

let sites: TestSite[] = [];
test.afterEach(async () => {
  await Promise.all(sites.map((s) => s.close()));
  sites = [];
});

async function site(listen: string, host: string, name: string): Promise<TestSite> {
  const s = await startSite({
    listen,
    host,
    title: name,
    // A cookie per site, and a session cookie without HttpOnly: a finding on the granted sites.
    setCookies: [`site_${name}=1; Path=/; SameSite=Lax`, `sessionid=${name}-session-key-0123456789abcdef; Path=/; SameSite=Lax`],
  });
  sites.push(s);
  return s;
}

/** The panel shows `s` (its own cookie, its origin) and nothing of `others`, within a second. */
async function expectShows(panel: SessionsPanel, s: TestSite, name: string, others: string[]): Promise<void> {
  await expect(panel.row(`site_${name}`)).toBeVisible({ timeout: NEW_SITE_MS });
  for (const o of others) await expect(panel.row(`site_${o}`)).toHaveCount(0, { timeout: NEW_SITE_MS });
  await expect(panel.root.locator('[data-testid="site"]')).toHaveText(s.url, { timeout: NEW_SITE_MS });
  await expect(panel.root.locator('[data-testid="access-banner"]')).toHaveCount(0);
}

test('the panel follows cross-origin navigation within a second, every time', async ({ context, extensionId }) => {
  const a = await site('127.0.0.1', '127.0.0.1', 'a');
  const b = await site('127.0.0.1', 'localhost', 'b');
  const third = await site('127.0.0.2', '127.0.0.2', 'third');
  const page = await context.newPage();
  await page.goto(`${a.url}/`);
  const panel = new SessionsPanel((await openDevToolsPanel(context, page, extensionId)).panel);
  await expectShows(panel, a, 'a', ['b']);
  for (let round = 0; round < 3; round++) {
    await page.goto(`${b.url}/`);
    await expectShows(panel, b, 'b', ['a']);
    await page.goto(`${a.url}/`);
    await expectShows(panel, a, 'a', ['b']);
    // Via a third host (one without access) first.
    await page.goto(`${third.url}/`);
    await expect(panel.root.locator('[data-testid="access-banner"]')).toContainText(`no access to ${third.url}`, { timeout: NEW_SITE_MS });
    await expect(panel.rows).toHaveCount(0);
    await page.goto(`${b.url}/`);
    await expectShows(panel, b, 'b', ['a']);
    await page.goto(`${a.url}/`);
    await expectShows(panel, a, 'a', ['b']);
  }
});

test('a host without access shows "no access — grant", never the previous site; about:blank and error pages are empty', async ({
  context,
  serviceWorker,
  extensionId,
}) => {
  const a = await site('127.0.0.1', '127.0.0.1', 'a');
  const other = await site('127.0.0.2', '127.0.0.2', 'other');
  const page = await context.newPage();
  await page.goto(`${a.url}/`);
  await page.bringToFront();
  const tabId = await serviceWorker.evaluate(async () => (await chrome.tabs.query({ active: true, lastFocusedWindow: true }))[0]?.id ?? -1);
  const panel = new SessionsPanel((await openDevToolsPanel(context, page, extensionId)).panel);
  await expectShows(panel, a, 'a', []);
  await expect(panel.findingTotal).toHaveText(/^\d+ findings?$/);
  await expect.poll(() => badgeText(serviceWorker, tabId)).not.toBe('');

  const banner = panel.root.locator('[data-testid="access-banner"]');
  const noAccess = async (s: TestSite) => {
    await expect(banner).toHaveAttribute('data-state', 'no-access', { timeout: NEW_SITE_MS });
    await expect(banner).toContainText(`no access to ${s.url}`);
    await expect(banner.getByRole('button', { name: `Grant access to ${s.url}` })).toBeVisible();
    await expect(panel.rows).toHaveCount(0);
    await expect(panel.findingTotal).toHaveText('no access');
    await panel.showSiteFindings();
    await expect(panel.findings.locator('.finding')).toHaveCount(0);
    await expect(panel.timeline.locator('li')).toHaveCount(0);
    // The toolbar badge is not the previous site's.
    await expect.poll(() => badgeText(serviceWorker, tabId)).toBe('');
  };
  await page.goto(`${other.url}/`);
  await noAccess(other);

  // [::1] where this machine has IPv6 loopback.
  const v6 = await startSite({ listen: '::1', host: '[::1]', title: 'v6', setCookies: ['site_v6=1'] }).catch(() => null);
  if (v6) {
    sites.push(v6);
    await page.goto(`${a.url}/`);
    await expectShows(panel, a, 'a', []);
    await page.goto(`${v6.url}/`);
    await noAccess(v6);
  }

  // about:blank: an honest empty state.
  await page.goto(`${a.url}/`);
  await expectShows(panel, a, 'a', []);
  await page.goto('about:blank');
  await expect(banner).toHaveAttribute('data-state', 'not-a-site', { timeout: NEW_SITE_MS });
  await expect(panel.rows).toHaveCount(0);
  await expect(panel.findingTotal).toHaveText('no site');

  // An error page (nothing listens on the port): no cookies of the previous site.
  await page.goto(`${a.url}/`);
  await expectShows(panel, a, 'a', []);
  const closed = await freePort();
  await page.goto(`http://127.0.0.1:${closed}/`).catch(() => undefined);
  await expect(panel.row('site_a')).toHaveCount(0, { timeout: NEW_SITE_MS });
  await expect(panel.rows).toHaveCount(0);
  await expect(panel.findingTotal).not.toHaveText(/findings?$/);
});

test('the popup on a host without access offers the grant, not the previous site', async ({ context, serviceWorker }) => {
  const a = await site('127.0.0.1', '127.0.0.1', 'a');
  const other = await site('127.0.0.2', '127.0.0.2', 'other');
  const page = await context.newPage();
  await page.goto(`${a.url}/`);
  await page.goto(`${other.url}/`);
  await page.bringToFront();
  const popupPromise = context.waitForEvent('page', { predicate: (p) => p.url().endsWith('/popup.html') });
  await serviceWorker.evaluate(() => (chrome.action as unknown as { openPopup(): Promise<void> }).openPopup());
  const popup = await popupPromise;
  const root = popup.locator('[data-testid="popup"]');
  // Without host access the browser does not even tell the extension the tab's address.
  await expect(root.locator('[data-testid="popup-no-access"]')).toContainText('No access to this page');
  await expect(root).not.toContainText(a.url);
  await expect(root).not.toContainText('finding');
});

/** A TCP port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
