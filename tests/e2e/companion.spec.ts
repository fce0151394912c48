/**
 * Server-side data for an opaque `sessionid`: the real companion server (lib/companion) reading the
 * fixture site's SQLite session table, configured through the settings message as the Options page
 * does. The panel shows the connection state and stays useful when the companion goes away.
 */
import { startCompanionServer } from '../../lib/companion/index.ts';
import { parseServeConfig } from '../../lib/companion/config.ts';
import { DJANGO_SECRET_KEY } from '../support/django.ts';
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
