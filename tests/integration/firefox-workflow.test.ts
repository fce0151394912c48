/**
 * Issue 12's workflow in the REAL Firefox DevTools panel (tests/support/firefox-devtools.ts), against
 * the real Django fixture site (signed_cookies):
 *
 * - Edit session: with the SECRET_KEY stored, a custom key is changed in the editor and saved; the
 *   panel re-signs it and writes it back with `browser.cookies.set` (Firefox's SameSite, storeId and
 *   firstPartyDomain handling in lib/browser/platform.ts), and Django itself reads the new value;
 * - Delete: a cookie deleted from the panel is gone from the browser's cookie jar
 *   (`browser.cookies.getAll` in the background page) and from the panel.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPath } from '../e2e/site.ts';
import { DJANGO_SECRET_KEY, startDjango, type DjangoServer } from '../support/django.ts';
import { buildFirefoxExtension, GECKO_ID, startAll, type FirefoxBuild } from '../support/firefox.ts';
import { inBackground, inPanel, openExtensionPanel, screenshotOnFailure } from '../support/firefox-devtools.ts';
import { launchFirefox, type FirefoxInstance, type Marionette } from '../support/marionette.ts';

/** Generous: how long a change may take to reach the panel, the jar or Django. */
const WAIT_MS = 10_000;

let ff: FirefoxInstance;
let m: Marionette;
let build: FirefoxBuild;
let django: DjangoServer;

beforeAll(async () => {
  build = buildFirefoxExtension();
  await startAll([
    startDjango({ engine: 'signed_cookies' }).then((d) => (django = d)),
    launchFirefox().then((f) => (ff = f)),
  ]);
  m = ff.marionette;
  expect(await m.installAddon(build.extDir)).toBe(GECKO_ID);
  await m.setContext('content');
  await m.navigate(`${django.url}/login?user=alice`);
  await m.navigate(`${django.url}${setPath('theme', 'light')}`);
  await m.navigate(`${django.url}/`);
  await openExtensionPanel(m, 'Sessions');
});

afterAll(async () => {
  await Promise.allSettled([ff?.close(), django?.stop()]);
  build?.cleanup();
});

/** Polls `read` until `ok` holds; fails naming `what` and the last value read. */
async function waitFor<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = WAIT_MS): Promise<T> {
  const until = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value)) {
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms; last seen ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  return value;
}

/** Clicks the panel's button whose text is exactly `label` (a DOM click: Preact's onClick). */
async function clickButton(label: string): Promise<void> {
  const found = await inPanel<boolean>(
    m,
    `const b = [...document.querySelectorAll('button')].find((x) => x.textContent.trim() === arguments[0] && !x.disabled);
     b?.click();
     return Boolean(b);`,
    [label],
  );
  expect(found, `a "${label}" button in the panel`).toBe(true);
}

/** The cookie names the panel's table lists. */
const panelRows = () => inPanel<string[]>(m, `return [...document.querySelectorAll('.ct-body [role="row"]')].map((r) => r.dataset.cookie);`);

/** The site's cookies as the extension sees them (`browser.cookies.getAll` in the background page). */
const jar = () =>
  inBackground<{ name: string; value: string; httpOnly: boolean; sameSite: string; path: string }[]>(
    m,
    GECKO_ID,
    // The window actor runs a plain (not async) function: a promise chain, no await.
    `return browser.cookies.getAll({ url: arguments[0] }).then((cs) => cs.map(({ name, value, httpOnly, sameSite, path }) => ({ name, value, httpOnly, sameSite, path })));`,
    [`${django.url}/`],
  );

/** request.session as Django reads it: the fixture's page renders it as JSON in #session. */
async function djangoSession(): Promise<Record<string, unknown>> {
  await m.setContext('content');
  try {
    const text = await m.evaluate<string>(
      `const html = await (await fetch('/', { cache: 'no-store' })).text();
       return new DOMParser().parseFromString(html, 'text/html').querySelector('#session')?.textContent ?? '{}';`,
    );
    return JSON.parse(text) as Record<string, unknown>;
  } finally {
    await m.setContext('chrome');
  }
}

describe('the workflow in the real Firefox DevTools panel', () => {
  screenshotOnFailure(() => m, 'firefox-workflow');

  it('Edit session: a changed key is re-signed with the stored key, written with cookies.set, and Django reads it', async () => {
    expect(await djangoSession()).toMatchObject({ theme: 'light' });
    const added = await inPanel<{ ok: boolean }>(m, 'return browser.runtime.sendMessage(arguments[0]);', [
      { type: 'keys/add', key: DJANGO_SECRET_KEY, label: 'fixture' },
    ]);
    expect(added.ok).toBe(true);
    const signature = () => inPanel<string | null>(m, `return document.querySelector('[data-testid="details"] [data-testid="signature"]')?.dataset.state ?? null;`);
    await waitFor('sessionid selected and verified', signature, (s) => s === 'verified');
    const before = (await jar()).find((c) => c.name === 'sessionid')!;

    await clickButton('Edit session');
    const warning = await waitFor(
      'the session editor',
      () => inPanel<string | null>(m, `return document.querySelector('[data-testid="session-editor"] [data-testid="forge-warning"]')?.textContent ?? null;`),
      (t) => t !== null,
    );
    expect(warning).toContain('forging a session');
    // The custom key is a string: its value field is a text input or textarea labelled by its path.
    const changed = await inPanel<boolean>(
      m,
      `const input = document.querySelector('[data-testid="session-editor"] [aria-label="Value of session.theme"]');
       if (!input) return false;
       input.value = 'dark';
       input.dispatchEvent(new Event('input', { bubbles: true }));
       return true;`,
    );
    expect(changed, 'a value field for session.theme').toBe(true);
    await clickButton('Save and re-sign');
    await waitFor('the editor closed after saving', () => inPanel<boolean>(m, `return document.querySelector('[data-testid="session-editor"]') === null;`), (gone) => gone);
    const problem = await inPanel<string | null>(m, `return document.querySelector('[data-testid="edit-error"], [data-testid="edit-problem"]')?.textContent ?? null;`);
    expect(problem).toBeNull();

    // Firefox's jar holds the new value with the old attributes; Django verifies it and reads it.
    const after = await waitFor('the re-signed cookie in the jar', jar, (cs) => cs.some((c) => c.name === 'sessionid' && c.value !== before.value));
    expect(after.find((c) => c.name === 'sessionid')).toMatchObject({ httpOnly: before.httpOnly, sameSite: before.sameSite, path: before.path });
    const session = await djangoSession();
    expect(session).toMatchObject({ theme: 'dark', _auth_user_id: expect.any(String) });
    // The panel shows the new value, still verified.
    await waitFor('the panel shows the new session', () => inPanel<string | null>(m, `return document.querySelector('[data-testid="decoded-tree"]')?.textContent ?? null;`), (t) =>
      (t ?? '').includes('dark'),
    );
    expect(await signature()).toBe('verified');
  });

  it('Delete: the cookie is gone from the browser cookie jar and from the panel', async () => {
    await m.setContext('content');
    await m.navigate(`${django.url}/bad-cookies`);
    await m.setContext('chrome');
    await waitFor('tracker in the panel', panelRows, (rows) => rows.includes('tracker'));
    expect((await jar()).map((c) => c.name)).toContain('tracker');
    const count = (await panelRows()).length;
    await inPanel(m, `document.querySelector('.ct-body [role="row"][data-cookie="tracker"]').click();`);
    await waitFor(
      'tracker selected',
      () => inPanel<string | null>(m, `return document.querySelector('.ct-body [role="row"][aria-selected="true"]')?.dataset.cookie ?? null;`),
      (s) => s === 'tracker',
    );
    await clickButton('Delete');
    expect((await jar()).map((c) => c.name), 'nothing deleted before the confirmation').toContain('tracker');
    await clickButton('Delete cookie');
    await waitFor('tracker gone from the panel', panelRows, (rows) => !rows.includes('tracker'));
    expect((await jar()).map((c) => c.name)).not.toContain('tracker');
    expect((await panelRows()).length).toBe(count - 1);
    // The session cookie is untouched.
    expect((await jar()).map((c) => c.name)).toContain('sessionid');
  });
});
