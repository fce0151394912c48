/**
 * Editing in the REAL DevTools panel against the real Django fixture site: Edit session re-signs
 * with the stored SECRET_KEY and Django itself reads the new session; a cookie is deleted; the
 * site's cookies go out as a file, are all deleted, and come back from it (Django reads the
 * restored session). Both file formats.
 */
import type { BrowserContext, Frame } from '@playwright/test';
import { resolve } from 'node:path';
import { DJANGO_SECRET_KEY } from '../support/django.ts';
import { openDevToolsPanel } from './devtools.ts';
import { expect, sendMessage, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

/** The site's cookies as the browser holds them, by name, without volatile fields. */
async function jar(context: BrowserContext, url: string) {
  const cookies = await context.cookies(url);
  return cookies
    .map((c) => ({ name: c.name, value: c.value, domain: c.domain, path: c.path, expires: Math.floor(c.expires), httpOnly: c.httpOnly, secure: c.secure, sameSite: c.sameSite }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** What Django's page shows of request.session (the fixture renders it as JSON). */
async function djangoSession(frame: { locator(s: string): { textContent(): Promise<string | null> } }): Promise<Record<string, unknown>> {
  return JSON.parse((await frame.locator('#session').textContent()) ?? '{}') as Record<string, unknown>;
}

const button = (frame: Frame, name: string) => frame.getByRole('button', { name, exact: true });

test('signed_cookies: Edit session re-signs with the stored key and Django reads the new session', async ({ context, extensionId, extensionPage }) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    expect(((await sendMessage(extensionPage, { type: 'keys/add', key: DJANGO_SECRET_KEY, label: 'fixture' })) as { ok: boolean }).ok).toBe(true);
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    await site.goto(`${dj.url}${setPath('flag', false)}`);
    await site.goto(`${dj.url}/`); // what the reload reloads: a page that only reads the session
    expect(await djangoSession(site)).toMatchObject({ flag: false });
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.signature).toHaveAttribute('data-state', 'verified');
    await button(frame, 'Edit session').click();
    const editor = frame.locator('[data-testid="session-editor"]');
    await expect(editor.locator('[data-testid="forge-warning"]')).toContainText('forging a session');
    // Flip a feature flag, add a big integer (exact), drop nothing else.
    await editor.getByLabel('Type of session.flag').selectOption('boolean');
    await editor.getByLabel('Value of session.flag').check();
    await editor.getByRole('button', { name: 'Add to session', exact: true }).click();
    await editor.getByLabel('Key session.new_key').fill('big');
    await editor.getByLabel('Type of session.big').selectOption('number');
    await editor.getByLabel('Value of session.big').fill('12345678901234567890');
    await editor.getByLabel('Reload the page after saving').check();
    // The README's picture of the editor (docs/screenshots, as screenshots.spec.ts writes the others).
    await frame.locator('[data-testid="app"]').screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/panel-edit-session.png') });
    const reloaded = site.waitForEvent('load');
    await button(frame, 'Save and re-sign').click();
    await reloaded;
    await expect(editor).toHaveCount(0);
    // Django itself verified the re-signed cookie and reads the new data (the page renders request.session).
    const text = (await site.locator('#session').textContent()) ?? '';
    expect(text).toContain('"big": 12345678901234567890');
    expect(JSON.parse(text)).toMatchObject({ flag: true, _auth_user_id: expect.any(String) });
    await expect(site.locator('#user')).toHaveText('alice');
    // The panel shows the new value, still verified, with the same attributes.
    await expect(panel.signature).toHaveAttribute('data-state', 'verified');
    await expect(panel.tree).toContainText('12345678901234567890');
    const session = (await jar(context, dj.url)).find((c) => c.name === 'sessionid')!;
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  });
});

test('db: a cookie is deleted from the panel after a confirmation', async ({ context, extensionId }) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/bad-cookies`);
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.row('tracker')).toBeVisible();
    const count = await panel.rows.count();
    await panel.select('tracker');
    await button(frame, 'Delete').click();
    expect((await jar(context, dj.url)).map((c) => c.name)).toContain('tracker'); // not before the confirmation
    await button(frame, 'Delete cookie').click();
    await expect(panel.row('tracker')).toHaveCount(0);
    expect((await jar(context, dj.url)).map((c) => c.name)).not.toContain('tracker');
    await expect(panel.rows).toHaveCount(count - 1);
  });
});

for (const format of ['JSON', 'cookies.txt'] as const) {
  test(`db: export (${format}) → delete all → import restores the cookies, and Django the session`, async ({ context, extensionId }) => {
    await withDjango({ engine: 'db' }, async (dj) => {
      const site = await context.newPage();
      await site.goto(`${dj.url}/login?user=alice`);
      await site.goto(`${dj.url}${setPath('theme', 'dark')}`);
      await site.goto(`${dj.url}/`);
      const before = await jar(context, dj.url);
      expect(before.map((c) => c.name)).toContain('sessionid');
      const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
      const panel = new SessionsPanel(frame);
      await expect(panel.row('sessionid')).toBeVisible();

      await button(frame, `Export ${format}`).click();
      const text = await frame.locator('[data-testid="export-text"]').inputValue();
      expect(text).toContain('sessionid');

      await button(frame, 'Delete all…').click();
      await button(frame, 'Delete all cookies').click();
      await expect(panel.rows).toHaveCount(0);
      expect(await jar(context, dj.url)).toEqual([]);
      await site.reload();
      await expect(site.locator('#user')).toHaveText('');

      await button(frame, 'Import…').click();
      await frame.getByLabel('Cookies to import').fill(text);
      await button(frame, 'Preview import').click();
      const preview = frame.locator('[data-testid="import-preview"]');
      await expect(preview.locator('li[data-cookie="sessionid"]')).toBeVisible();
      // Nothing is written before the confirmation; the policy's findings are shown first.
      expect(await jar(context, dj.url)).toEqual([]);
      await expect(preview).toContainText(`${before.length} cookie`);
      await button(frame, `Import ${before.length} cookie${before.length === 1 ? '' : 's'}`).click();
      await expect(panel.row('sessionid')).toBeVisible();
      const after = await jar(context, dj.url);
      // cookies.txt has no SameSite: the browser's default stands in for it.
      const strip = (cs: typeof before) => cs.map((c) => (format === 'JSON' ? c : { ...c, sameSite: undefined }));
      expect(strip(after)).toEqual(strip(before));
      await site.reload();
      await expect(site.locator('#user')).toHaveText('alice');
    });
  });
}
