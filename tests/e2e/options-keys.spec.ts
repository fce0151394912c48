/**
 * Keys in Options re-verify what an open panel shows, in the REAL DevTools panel: on a Django
 * signed session (the fixture site), adding the SECRET_KEY in Options turns the panel's signature
 * "verified" (the target: within a second; measured and printed, polled for longer), and
 * removing it turns it back to "unverified". The panel's "add the SECRET_KEY" link opens Options
 * at its Keys section, which comes first, and the panel has an Options button.
 */
import type { Frame, Page } from '@playwright/test';
import { DJANGO_SECRET_KEY } from '../support/django.ts';
import { openDevToolsPanel } from './devtools.ts';
import { expect, test } from './fixtures.ts';
import { SessionsPanel } from './pages/sessions-panel.ts';
import { withDjango } from './site.ts';

/** The target for a key change to reach an open panel. */
const REVERIFY_MS = 1000;

/** Arms the panel: `__sigAt` becomes the wall-clock time the signature shows `state`. */
async function watchSignature(panel: Frame, state: string): Promise<void> {
  await panel.evaluate((state) => {
    const w = window as unknown as { __sigAt?: number };
    w.__sigAt = undefined;
    const seen = () => document.querySelector(`[data-testid="signature"][data-state="${state}"]`) !== null;
    const mo = new MutationObserver(() => {
      if (w.__sigAt === undefined && seen()) {
        w.__sigAt = performance.timeOrigin + performance.now();
        mo.disconnect();
      }
    });
    mo.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
  }, state);
}

/** Arms Options: `__actAt` becomes the wall-clock time of the next click on a button. */
async function watchClick(options: Page): Promise<void> {
  await options.evaluate(() => {
    const w = window as unknown as { __actAt?: number };
    w.__actAt = undefined;
    document.addEventListener('click', () => (w.__actAt ??= performance.timeOrigin + performance.now()), { capture: true, once: true });
  });
}

/** Milliseconds from the armed click in Options to the armed signature state in the panel. */
async function elapsed(options: Page, panel: Frame): Promise<number> {
  await expect.poll(() => panel.evaluate(() => (window as unknown as { __sigAt?: number }).__sigAt !== undefined)).toBe(true);
  const act = await options.evaluate(() => (window as unknown as { __actAt: number }).__actAt);
  const shown = await panel.evaluate(() => (window as unknown as { __sigAt: number }).__sigAt);
  return shown - act;
}

test('adding the SECRET_KEY in Options verifies the open panel, removing it unverifies; the link goes to Keys', async ({
  context,
  extensionId,
}) => {
  await withDjango({ engine: 'signed_cookies' }, async (dj) => {
    const site = await context.newPage();
    await site.goto(`${dj.url}/login?user=alice`);
    const { panel: frame } = await openDevToolsPanel(context, site, extensionId);
    const panel = new SessionsPanel(frame);
    await expect(panel.format).toContainText('django-signed');
    await expect(panel.signature).toHaveAttribute('data-state', 'unverified');

    // The panel has an Options button.
    const optionsButton = frame.getByTestId('open-options');
    await expect(optionsButton).toBeVisible();
    const plain = context.waitForEvent('page', { predicate: (p) => p.url().includes('/options.html') });
    await optionsButton.click();
    const plainOptions = await plain;
    await expect(plainOptions.locator('#keys')).toBeVisible();
    await plainOptions.close();

    // "add the SECRET_KEY" is a link to Options' Keys section, the first section there.
    const addKey = panel.signature.getByTestId('add-key');
    await expect(addKey).toHaveText('add the SECRET_KEY');
    const opened = context.waitForEvent('page', { predicate: (p) => p.url().includes('/options.html') });
    await addKey.click();
    const options = await opened;
    expect(new URL(options.url()).hash).toBe('#keys');
    const keys = options.locator('#keys');
    await expect(keys).toBeInViewport();
    await expect(options.locator('main section').first()).toHaveAttribute('id', 'keys');
    // The Keys section takes the focus, ready to paste a key.
    await expect.poll(() => options.evaluate(() => document.activeElement?.closest('#keys') !== null)).toBe(true);

    // Add the SECRET_KEY: the open panel re-verifies, with no reload and no cookie change.
    await keys.getByLabel('Label').fill('fixture');
    await keys.getByLabel('Secret key').fill(DJANGO_SECRET_KEY);
    await watchSignature(frame, 'verified');
    await watchClick(options);
    await keys.getByRole('button', { name: 'Add key' }).click();
    await expect(panel.signature).toHaveAttribute('data-state', 'verified', { timeout: 5_000 });
    await expect(panel.signature).toContainText('key 0 (fixture, SECRET_KEY)');
    const added = await elapsed(options, frame);

    // Remove it: back to unverified.
    await watchSignature(frame, 'unverified');
    await watchClick(options);
    await keys.getByRole('button', { name: 'Remove key fixture' }).click();
    await expect(panel.signature).toHaveAttribute('data-state', 'unverified', { timeout: 5_000 });
    const removed = await elapsed(options, frame);
    console.log(
      `key added in Options → panel verified in ${added.toFixed(0)} ms; removed → unverified in ${removed.toFixed(0)} ms (target ≤ ${REVERIFY_MS} ms)`,
    );
  });
});
