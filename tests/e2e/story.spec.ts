/**
 * The session's story in the REAL DevTools panel against the real Django site (signed_cookies, so
 * the data is readable): a form POST to /login shows up as a "key rotated" event that names the
 * request (POST /login → 302) and the keys it added (`_auth_user_id`, the hash masked); a click
 * shows the before/after; the JSON export carries the same event; a logout names its GET.
 */
import type { Download, Frame } from '@playwright/test';
import { resolve } from 'node:path';
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { postLogin, setPath, withDjango } from './site.ts';

/** The text of a download the panel started, however the browser delivered it. */
async function downloadedText(download: Download): Promise<string> {
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function exportJson(devtools: import('@playwright/test').Page, frame: Frame): Promise<unknown> {
  const download = devtools.waitForEvent('download', { timeout: 15_000 });
  await frame.locator('[data-testid="export-json"]').click();
  const d = await download;
  expect(d.suggestedFilename()).toMatch(/^session-lens-127\.0\.0\.1-\d+-[\dT-]+Z\.json$/);
  return JSON.parse(await downloadedText(d));
}

test('signed_cookies: a POSTed login is a timeline event with its request and the keys it added; exported as JSON', async ({ context, extensionId }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
    const { devtools, panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.row('sessionid')).toBeVisible();

    // A real login form: POST /login, Django answers 302 to /.
    await postLogin(site, dj.url);

    const login = panel.timelineEntries('rotated').first();
    await expect(login).toContainText('login: user 1');
    await expect(login.locator('[data-testid="tl-request"]')).toHaveText('POST /login → 302');
    await expect(login.locator('.tl-key[data-change="added"]', { hasText: '_auth_user_id' })).toBeVisible();
    await expect(login.locator('.tl-key[data-change="added"]', { hasText: '_auth_user_hash' })).toBeVisible();
    await expect(login.locator('.tl-key', { hasText: 'theme' })).toHaveCount(0); // unchanged

    await panel.toggleEvent(login);
    const details = panel.eventDetails;
    await expect(details).toContainText(`POST ${dj.url}/login → status 302`);
    await expect(details.locator('tr[data-key="_auth_user_id"] td').nth(0)).toHaveText('(absent)');
    await expect(details.locator('tr[data-key="_auth_user_id"] td').nth(1)).toHaveText('"1"');
    await expect(details.locator('tr[data-key="_auth_user_hash"] td').nth(1)).toHaveText('••••');
    // The README's picture of it.
    await frame.locator('[data-testid="timeline"]').screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/panel-timeline-story.png') });

    const report = (await exportJson(devtools, frame)) as { site: string; timeline: { kind: string; request?: unknown; diff?: { entries: { key: string; change: string }[] } }[] };
    expect(report.site).toBe(dj.url);
    const exported = report.timeline.find((e) => e.kind === 'rotated');
    expect(exported?.request).toEqual({ method: 'POST', url: `${dj.url}/login`, status: 302 });
    expect(exported?.diff?.entries).toEqual(expect.arrayContaining([{ key: '_auth_user_id', change: 'added', after: '"1"' }]));
    expect(JSON.stringify(report)).not.toMatch(/_auth_user_hash","change":"added","after":"[^•]/);

    // The logout names its request too, and every key it dropped.
    await site.goto(`${dj.url}/logout`);
    const logout = panel.timeline.locator('li[data-kind="flushed"], li[data-kind="removed"], li[data-kind="rotated"]').first();
    await expect(logout.locator('[data-testid="tl-request"]')).toHaveText('GET /logout → 200');
    await expect(logout.locator('.tl-key[data-change="removed"]', { hasText: '_auth_user_id' })).toBeVisible();
  });
});
