/**
 * Server-side data for an opaque `sessionid`: the real companion server (lib/companion) reading the
 * fixture site's SQLite session table, configured through the settings message as the Options page
 * does. The panel shows the connection state and stays useful when the companion goes away; with
 * `--allow-write`, the real DevTools panel edits the server-side session (Django reads it), lists and
 * filters the store, and logs the session out.
 */
import { resolve } from 'node:path';
import { startCompanionServer } from '../../lib/companion/index.ts';
import { parseServeConfig } from '../../lib/companion/config.ts';
import { DJANGO_SECRET_KEY } from '../support/django.ts';
import { openDevToolsPanel } from './devtools.ts';
import { expect, sendMessage, tabIdOf, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { setPath, withDjango } from './site.ts';

test('db: the companion shows the server-side session of an opaque key, and its state when it is down', async ({
  context,
  serviceWorker,
  extensionId,
  extensionPage,
}) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const token = 'e2e-companion-token-0123456789';
    const config = parseServeConfig(
      ['--store', dj.database, '--secret-key', DJANGO_SECRET_KEY, '--port', '0', '--token', token],
      {},
      process.cwd(),
    );
    if (config === 'help') throw new Error('unexpected --help');
    const companion = await startCompanionServer({ config });
    let stopped = false;
    try {
      const set = (await sendMessage(extensionPage, { type: 'settings/set', companion: { url: companion.url, token } })) as {
        ok: boolean;
      };
      expect(set.ok).toBe(true);

      const site = await context.newPage();
      await site.goto(`${dj.url}/login?user=alice`);
      await site.goto(`${dj.url}${setPath('note', '<i>server side</i>')}`);
      const tabId = await tabIdOf(serviceWorker, dj.url);
      const { panel } = await SessionsPanel.openInTab(context, extensionId, tabId);
      await expect(panel.format).toContainText('django-session-key');
      await expect(panel.companion).toHaveAttribute('data-status', 'up');
      await expect(panel.companion).toContainText('connected');
      await expect(panel.companion).toContainText('_auth_user_id');
      await expect(panel.companion).toContainText('"<i>server side</i>"');
      await expect(panel.companion.locator('i')).toHaveCount(0);
      await expect(panel.companion).toContainText('verified');

      await companion.close(100);
      stopped = true;
      // The next change of the session (same key, new server-side data) looks it up again.
      await site.goto(`${dj.url}${setPath('note', 'again')}`);
      await expect(panel.companion).toHaveAttribute('data-status', 'down');
      await expect(panel.companion).toContainText('unreachable');
      // The rest of the panel keeps working.
      await expect(panel.row('sessionid')).toBeVisible();
      await expect(panel.timeline).toBeVisible();
    } finally {
      if (!stopped) await companion.close(100);
    }
  });
});

test('db, --allow-write, in the real DevTools panel: edit the server-side session (Django reads it), list and filter the store, log the session out', async ({
  context,
  extensionId,
  extensionPage,
}) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const token = 'e2e-companion-token-0123456789';
    const config = parseServeConfig(['--store', dj.database, '--port', '0', '--token', token, '--allow-write'], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY }, process.cwd());
    if (config === 'help') throw new Error('unexpected --help');
    const companion = await startCompanionServer({ config });
    try {
      expect(((await sendMessage(extensionPage, { type: 'settings/set', companion: { url: companion.url, token } })) as { ok: boolean }).ok).toBe(true);
      const site = await context.newPage();
      await site.goto(`${dj.url}/login?user=alice`);
      await site.goto(`${dj.url}${setPath('flag', false)}`);
      await site.goto(`${dj.url}/`);
      const before = JSON.parse((await site.locator('#session').textContent()) ?? '{}') as Record<string, unknown>;
      expect(before).toMatchObject({ flag: false });
      const userId = String(before._auth_user_id);
      const key = (await context.cookies(dj.url)).find((c) => c.name === 'sessionid')!.value;
      // Another session of the same user (another browser, say), and one of someone else.
      const [other] = (await dj.tool(['write', '--data', JSON.stringify({ _auth_user_id: userId })])).sessions as { key: string }[];
      await dj.tool(['write', '--data', '{"_auth_user_id": "999"}']);

      const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
      const panel = new SessionsPanel(frame);
      await expect(panel.companion).toHaveAttribute('data-status', 'up');
      await expect(panel.companion).toContainText('flag: false');

      // Edit: the companion re-signs session_data with the SECRET_KEY; Django reads the new session.
      await panel.companion.getByRole('button', { name: 'Edit server data', exact: true }).click();
      const area = panel.companion.locator('[data-testid="companion-edit-json"]');
      await expect(panel.companion).toContainText("signed with the companion's SECRET_KEY");
      const edited = (await area.inputValue()).replace('"flag": false', '"flag": true, "big": 12345678901234567890');
      await area.fill(edited);
      await panel.companion.getByRole('button', { name: 'Save on server', exact: true }).click();
      await expect(panel.companion.locator('[data-testid="companion-action-note"]')).toContainText('Saved on the server');
      await expect(panel.companion).toContainText('12345678901234567890');
      await site.reload();
      const text = (await site.locator('#session').textContent()) ?? '';
      expect(text).toContain('"big": 12345678901234567890');
      expect(JSON.parse(text)).toMatchObject({ flag: true, _auth_user_id: userId });
      await expect(site.locator('#user')).toHaveText('alice');

      // The Sessions view: the store's latest sessions; this user's other sessions from the selected one.
      const sessions = frame.locator('[data-testid="companion-sessions"]');
      await sessions.locator('summary').click();
      await expect(sessions.locator('[data-testid="cs-row"]')).toHaveCount(3);
      await sessions.locator(`[data-testid="cs-row"][data-key="${key}"] button`).click();
      await expect(sessions.locator('[data-testid="cs-detail"]')).toContainText('12345678901234567890');
      await sessions.getByRole('button', { name: `Other sessions of user ${userId}`, exact: true }).click();
      await expect(sessions.locator('[data-testid="cs-row"]')).toHaveCount(2);
      await expect(sessions.locator(`[data-testid="cs-row"][data-key="${other!.key}"]`)).toBeVisible();
      // The README's picture of the Sessions view's list (docs/screenshots, as screenshots.spec.ts writes the others).
      await sessions.locator('[data-testid="cs-list"]').screenshot({ path: resolve(import.meta.dirname, '../../docs/screenshots/panel-companion-sessions.png') });

      // Log this session out (the inspected site's own cookie): Django no longer knows it.
      await panel.companion.getByRole('button', { name: 'Log this session out', exact: true }).click();
      await panel.companion.getByRole('button', { name: 'Yes, delete it on the server', exact: true }).click();
      await expect(panel.companion).toContainText('No session with this key on the server');
      await site.reload();
      await expect(site.locator('#user')).toHaveText('');
      expect((await dj.tool(['load', '--key', key])).exists).toBe(false);
      await sessions.getByRole('button', { name: 'Refresh', exact: true }).click();
      await expect(sessions.locator('[data-testid="cs-row"]')).toHaveCount(1);
    } finally {
      await companion.close(100);
    }
  });
});

test('a read-only companion offers no edit or delete, in the panel or the Sessions view', async ({ context, extensionId, extensionPage }) => {
  await withDjango({ engine: 'db' }, async (dj) => {
    const token = 'e2e-companion-token-0123456789';
    const config = parseServeConfig(['--store', dj.database, '--port', '0', '--token', token], { SESSION_LENS_SECRET_KEY: DJANGO_SECRET_KEY }, process.cwd());
    if (config === 'help') throw new Error('unexpected --help');
    const companion = await startCompanionServer({ config });
    try {
      expect(((await sendMessage(extensionPage, { type: 'settings/set', companion: { url: companion.url, token } })) as { ok: boolean }).ok).toBe(true);
      const site = await context.newPage();
      await site.goto(`${dj.url}/login?user=alice`);
      const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
      const panel = new SessionsPanel(frame);
      await expect(panel.companion).toContainText('_auth_user_id');
      const sessions = frame.locator('[data-testid="companion-sessions"]');
      await sessions.locator('summary').click();
      await expect(sessions).toContainText('read-only companion');
      await sessions.locator('[data-testid="cs-row"] button').first().click();
      await expect(sessions.locator('[data-testid="cs-detail"]')).toContainText('_auth_user_id');
      await expect(frame.locator('[data-testid="companion-edit"], [data-testid="companion-delete"]')).toHaveCount(0);
    } finally {
      await companion.close(100);
    }
  });
});
