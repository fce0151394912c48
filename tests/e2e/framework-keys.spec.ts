/**
 * Keys per framework, in the REAL DevTools panel: a page sets a real Rails 6.1 encrypted session
 * cookie and a real Laravel 8 one (made by the frameworks themselves: tests/fixtures/frameworks,
 * generators make_ruby.rb and make_php.php). The panel names each and the setting whose key it
 * needs; its "add the secret_key_base" link opens Options at the Rails family; the key stored there
 * (under its family) decrypts the cookie in the open panel, payload shown. Then the Laravel
 * APP_KEY, chosen in the same form, opens the Laravel cookie.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { startSite, type TestSite } from './servers.ts';

type Vector = Record<string, string>;
const fx = (n: string) => JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/frameworks', n), 'utf8')) as Record<string, Vector[]>;
const rails = fx('ruby.json').rails!.find((v) => v.cookieName === '_app_session' && v.cipher === 'aes-256-gcm' && v.keyDigest === 'sha1')!;
const laravel = fx('php.json').laravel!.find((v) => v.cookieName === 'laravel_session' && v.cipher === 'aes-256-cbc')!;

let site: TestSite;
test.beforeEach(async () => {
  site = await startSite({
    listen: '127.0.0.1',
    host: 'localhost',
    title: 'frameworks',
    setCookies: [
      // both frameworks URL-encode the cookie value (Rack::Utils.escape, PHP setcookie)
      `_app_session=${encodeURIComponent(rails.value!)}; Path=/; HttpOnly; SameSite=Lax`,
      `laravel_session=${encodeURIComponent(laravel.value!)}; Path=/; HttpOnly; SameSite=Lax`,
    ],
  });
});
test.afterEach(async () => site.close());

test('a Rails and a Laravel key stored in Options decrypt their cookies in the open DevTools panel', async ({ context, extensionId }) => {
  const page = await context.newPage();
  await page.goto(`${site.url}/`);
  const { panel: frame } = await openDevToolsPanel(context, page, extensionId);
  const panel = new SessionsPanel(frame);

  // Without a key: the family and the setting it needs, no payload.
  await panel.select('_app_session');
  await expect(panel.format).toContainText('rails-encrypted');
  await expect(panel.details.getByTestId('framework')).toContainText('secret_key_base');
  await expect(panel.signature).toHaveAttribute('data-state', 'unverified');
  const addKey = panel.signature.getByTestId('add-key');
  await expect(addKey).toHaveText('add the secret_key_base');
  await expect(panel.signature).toContainText('in Options to decrypt');

  // The link opens Options at the Keys section, Rails chosen.
  // (by keyboard: under the editing actions the link can sit below the DevTools window's fold,
  // where a mouse click at its coordinates lands on DevTools itself)
  const opened = context.waitForEvent('page', { predicate: (p) => p.url().includes('/options.html') });
  await addKey.focus();
  await addKey.press('Enter');
  const options = await opened;
  expect(new URL(options.url()).hash).toBe('#keys=rails');
  const keys = options.locator('#keys');
  await expect(keys.getByLabel('Framework')).toHaveValue('rails');
  await expect(keys).toContainText('Setting: secret_key_base');

  // Store the key: the open panel decrypts the cookie, payload and key shown.
  await keys.getByLabel('Label').fill('rails prod');
  await keys.getByLabel('Secret key').fill(rails.key!);
  await keys.getByRole('button', { name: 'Add key' }).click();
  await expect(keys.locator('.opt-keys')).toContainText(`rails prod 0f52… (${rails.key!.length} chars) (secret_key_base) · Ruby on Rails`);
  await expect(panel.signature).toHaveAttribute('data-state', 'verified', { timeout: 10_000 });
  await expect(panel.signature).toContainText('Decrypted with Ruby on Rails key 0 (rails prod, secret_key_base)');
  await expect(panel.tree).toContainText('session_id');
  await expect(panel.tree).toContainText(String((rails as unknown as { data: { session_id: string } }).data.session_id));

  // Laravel: named, then opened with its APP_KEY chosen in the same form.
  await panel.select('laravel_session');
  await expect(panel.format).toContainText('laravel-encrypted');
  await expect(panel.signature.getByTestId('add-key')).toHaveText('add the APP_KEY');
  await keys.getByLabel('Framework').selectOption('laravel');
  await keys.getByLabel('Secret key').fill('base64:c2hvcnQ=');
  await expect(keys.locator('[data-field="key-value"]')).toContainText("Laravel's are 32 (AES-256) or 16 (AES-128)");
  await expect(keys.getByRole('button', { name: 'Add key' })).toBeDisabled();
  await keys.getByLabel('Secret key').fill(laravel.key!);
  await keys.getByRole('button', { name: 'Add key' }).click();
  await expect(panel.signature).toHaveAttribute('data-state', 'verified', { timeout: 10_000 });
  await expect(panel.signature).toContainText('Decrypted with Laravel key 0 (key 1, APP_KEY)');
  await expect(panel.tree).toContainText(String((laravel as unknown as { data: string }).data));

  // The keys never come back to a page.
  for (const p of [options, page]) {
    const html = await p.content();
    expect(html).not.toContain(rails.key!.slice(4, 40));
    expect(html).not.toContain(laravel.key!.slice(8));
  }
  expect(await frame.content()).not.toContain(rails.key!.slice(4, 40));
});
