/**
 * Findings belong to one cookie — name, domain, path and partition — in the REAL DevTools panel:
 * two `sessionid` cookies at `/` and `/app` with different flags each show their own findings
 * and their own Domain and Path in the details pane, never the other's.
 */
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { startSite, type TestSite } from './servers.ts';

let site: TestSite | null = null;
test.afterEach(async () => {
  await site?.close();
  site = null;
});

test('two sessionid cookies at / and /app: each row has its own findings and details', async ({ context, extensionId }) => {
  site = await startSite({
    listen: '127.0.0.1',
    setCookies: [
      // At /: HttpOnly and SameSite=Lax (over plain HTTP, so not Secure).
      'sessionid=root0000000000000000000000000000; Path=/; HttpOnly; SameSite=Lax',
      // At /app: readable from JavaScript, no SameSite.
      'sessionid=app00000000000000000000000000000; Path=/app',
    ],
  });
  const page = await context.newPage();
  await page.goto(`${site.url}/app/`);
  const panel = new SessionsPanel((await openDevToolsPanel(context, page, extensionId)).panel);
  const root = panel.rowAt('sessionid', '/');
  const app = panel.rowAt('sessionid', '/app');
  await expect(root).toBeVisible();
  await expect(app).toBeVisible();

  const findingsOf = async (path: string) => {
    const list = panel.details.locator('[data-testid="findings"] .finding');
    // Every finding the details pane shows is this cookie's (its path), none the other's.
    for (const p of await list.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.path))) expect(p).toBe(path);
    return list.evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.rule ?? ''));
  };

  await app.click();
  await expect(panel.fact('path')).toHaveText('/app');
  await expect(panel.fact('domain')).toHaveText('127.0.0.1');
  await expect(panel.fact('httponly')).toContainText('no');
  await expect(panel.fact('samesite')).toContainText('not set');
  await expect(panel.details.locator('[data-testid="findings"] .finding[data-rule="httponly-missing"]')).toHaveCount(1);
  const appRules = await findingsOf('/app');
  // The row's count is this cookie's findings only.
  await expect(app.locator('.finding-count')).toHaveAttribute('aria-label', `${appRules.length} finding${appRules.length === 1 ? '' : 's'}`);

  await root.click();
  await expect(panel.fact('path')).toHaveText('/');
  await expect(panel.fact('domain')).toHaveText('127.0.0.1');
  await expect(panel.fact('httponly')).toHaveText('yes');
  await expect(panel.fact('samesite')).toContainText('Lax');
  await expect(panel.details.locator('[data-testid="findings"] .finding[data-rule="httponly-missing"]')).toHaveCount(0);
  const rootRules = await findingsOf('/');
  expect(rootRules).not.toContain('httponly-missing');
  expect(rootRules).not.toContain('samesite-missing');
  expect(appRules.length).toBeGreaterThan(rootRules.length);
  if (rootRules.length > 0) {
    await expect(root.locator('.finding-count')).toHaveAttribute('aria-label', `${rootRules.length} finding${rootRules.length === 1 ? '' : 's'}`);
  } else await expect(root.locator('.finding-count')).toHaveCount(0);

  // Site-wide, each finding names its cookie's path, since two cookies share the name.
  await panel.showSiteFindings();
  await expect(panel.findings.locator('.finding[data-rule="httponly-missing"]')).toHaveCount(1);
  await expect(panel.findings.locator('.finding[data-rule="httponly-missing"]')).toHaveAttribute('data-path', '/app');
  await expect(panel.findings.locator('.finding[data-rule="httponly-missing"] .finding-cookie')).toContainText('/app');
});
