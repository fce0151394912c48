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
