/**
 * The paste-and-decode page: a real signed_cookies session value from the fixture site, decoded
 * inside the extension and verified once the SECRET_KEY is stored — no network involved.
 */
import { DJANGO_SECRET_KEY } from '../support/django.ts';
import { expect, sendMessage, test } from './fixtures.ts';
import { DecodePage } from './pages/decode-page.ts';
import { setPath, withDjango } from './site.ts';

test('a pasted Django session decodes, then verifies with the stored key', async ({ context, extensionId, extensionPage }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}${setPath('note', '<b>hi</b>')}`);
    const cookie = (await context.cookies(dj.url)).find((c) => c.name === 'sessionid');
    expect(cookie).toBeDefined();

    const page = await DecodePage.open(context, extensionId);
    // Nothing leaves the browser: no request is made while decoding.
    const requests: string[] = [];
    page.page.on('request', (r) => requests.push(r.url()));
    await page.paste(cookie!.value, 'sessionid');
    await expect(page.format).toContainText('django-signed');
    await expect(page.signature).toHaveAttribute('data-state', 'unverified');
    await expect(page.tree).toContainText('"<b>hi</b>"');
    await expect(page.tree.locator('b')).toHaveCount(0);

    expect(((await sendMessage(extensionPage, { type: 'keys/add', key: DJANGO_SECRET_KEY, label: 'fixture' })) as { ok: boolean }).ok).toBe(true);
    await page.page.reload();
    await page.paste(cookie!.value, 'sessionid');
    await expect(page.signature).toHaveAttribute('data-state', 'verified');
    await expect(page.signature).toContainText('fixture');
    expect(requests.filter((u) => !u.startsWith('chrome-extension://'))).toEqual([]);

    await page.paste('definitely not a session');
    await expect(page.error).toContainText('ERR_');
  });
});

test('a HAR file recorded from the Django site: every session cookie decoded and verified, findings per Set-Cookie', async ({ context, extensionId, extensionPage }) => {
  // tests/fixtures/har/record-har.ts recorded it with Chromium against the fixture site.
  const har = new URL('../fixtures/har/django-login.har', import.meta.url).pathname;
  expect(((await sendMessage(extensionPage, { type: 'keys/add', key: DJANGO_SECRET_KEY, label: 'fixture' })) as { ok: boolean }).ok).toBe(true);
  const page = await DecodePage.open(context, extensionId);
  await page.harFile.setInputFiles(har);
  await expect(page.harSummary).toContainText('5 requests, 5 session cookie values');
  const login = page.harCookies.filter({ hasText: 'set by POST /login → 302' });
  await expect(login.locator('[data-testid="signature"]')).toHaveAttribute('data-state', 'verified');
  await expect(login.locator('[data-testid="decoded-tree"]').first()).toContainText('_auth_user_id');
  await expect(page.harCookies.filter({ hasText: 'sent with GET / → 200' })).toContainText('seen 3×');
  await expect(page.page.locator('[data-testid="har-findings"]').filter({ hasText: '/bad-cookies' })).toContainText('samesite-none-insecure');
  await page.page.setViewportSize({ width: 1000, height: 900 });
  await page.page.screenshot({ path: new URL('../../docs/screenshots/decode-har.png', import.meta.url).pathname });
});
