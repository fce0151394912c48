/**
 * The options page against the real background (lib/background's service on lib/browser's platform over WXT's fakeBrowser,
 * plus the cookie/permission fakes), over the real typed client.
 */
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OptionsApp } from '../../../../components/options/OptionsApp.tsx';
import { startService, type BackgroundHandle } from '../../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../../lib/browser/index.ts';
import { createClient, type SessionLensClient } from '../../../../lib/protocol/index.ts';
import { installFakePlatform, type FakePlatform } from '../../browser/fake-platform.ts';
import { $, button, click, flush, mount, type, type Mounted } from '../helpers.ts';

let platform: FakePlatform;
let bg: BackgroundHandle;
let client: SessionLensClient;
let view: Mounted;

async function render(grantOrigin: string | null = null) {
  view = mount(<OptionsApp client={client} theme="dark" grantOrigin={grantOrigin} />);
  await flush(6);
  return view.container;
}

function errorsOf(root: HTMLElement, id: string): string[] {
  return [...root.querySelectorAll(`[data-field="${id}"] li`)].map((li) => li.textContent ?? '');
}

function change(el: HTMLElement, value: string) {
  (el as HTMLSelectElement).value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

beforeEach(async () => {
  platform = installFakePlatform();
  bg = startService(createBrowserPlatform(), { badgeDelay: 1 });
  await bg.ready;
  client = createClient(platform.transport);
});

afterEach(async () => {
  view?.unmount();
  await bg.idle();
  bg.stop();
});

describe('policy', () => {
  it('shows the stored policy and validates each field with lib/policy', async () => {
    const root = await render();
    expect(root.querySelector('.opt-app')?.getAttribute('data-theme')).toBe('dark');
    expect(($(root, '#policy-name') as HTMLInputElement).value).toBe('django-default');
    expect(($(root, '#session-names') as HTMLTextAreaElement).value).toBe('sessionid');
    expect(($(root, '#max-age') as HTMLInputElement).value).toBe('1209600');

    type($(root, '#max-age'), '-5');
    await flush();
    expect(errorsOf(root, 'max-age')).toEqual(['must be positive']);
    expect(button(root, 'Save policy').disabled).toBe(true);
    type($(root, '#max-age'), 'two weeks');
    await flush();
    expect(errorsOf(root, 'max-age')).toEqual(['Invalid input: expected number, received string']);

    type($(root, '#max-age'), '3600');
    type($(root, '#session-names'), 'sessionid, my_session');
    change($(root, '#rule-samesite-missing'), 'off');
    await flush();
    expect(errorsOf(root, 'max-age')).toEqual([]);
    click(button(root, 'Save policy'));
    await flush(6);
    expect(root.querySelector('[role="status"]')?.textContent).toBe('Policy saved');
    const saved = await client.getSettings();
    expect(saved.policy).toMatchObject({ maxAge: 3600, rules: { 'samesite-missing': 'off' } });
    expect(saved.sessionCookieNames).toEqual(['sessionid', 'my_session']);
  });

  it('adds a per-site override and shows its errors at the field', async () => {
    const root = await render();
    click(button(root, 'Add a site override'));
    await flush();
    expect(errorsOf(root, 'site-0-host')).toEqual(['must not be empty', 'must be a host name, optionally starting with "*."']);
    type($(root, '#site-0-host'), 'bad host!');
    await flush();
    expect(errorsOf(root, 'site-0-host')).toEqual(['must be a host name, optionally starting with "*."']);
    type($(root, '#site-0-host'), '*.internal.example');
    type($(root, '#site-0-off'), 'secure-missing, not-a-rule');
    await flush();
    expect(errorsOf(root, 'site-0-off').join(' ')).toContain('not-a-rule');
    type($(root, '#site-0-off'), 'secure-missing');
    change($(root, '#site-0-local'), 'yes');
    await flush();
    click(button(root, 'Save policy'));
    await flush(6);
    expect((await client.getSettings()).policy.sites).toEqual([{ host: '*.internal.example', localExemption: true, rules: { 'secure-missing': 'off' } }]);
  });

  it('loads a preset, exports JSON and imports it back, reporting bad imports by path', async () => {
    const root = await render();
    change($(root, '#preset'), 'strict');
    await flush();
    click(button(root, 'Load preset'));
    await flush();
    expect(($(root, '#max-age') as HTMLInputElement).value).toBe('28800');
    const exported = ($(root, '#policy-export') as HTMLTextAreaElement).value;
    expect(JSON.parse(exported)).toMatchObject({ name: 'strict', escalate: true, maxAge: 28800 });

    type($(root, '#policy-import'), '{"maxAge": "long", "sites": [{"host": ""}]}');
    await flush();
    click(button(root, 'Import'));
    await flush();
    expect(errorsOf(root, 'policy-import')).toEqual([
      'maxAge: Invalid input: expected number, received string',
      'sites[0].host: must not be empty',
      'sites[0].host: must be a host name, optionally starting with "*."',
    ]);
    type($(root, '#policy-import'), '{"extends": "local-dev", "sessionCookieNames": ["sid"]}');
    await flush();
    click(button(root, 'Import'));
    await flush();
    expect(($(root, '#session-names') as HTMLTextAreaElement).value).toBe('sid');
    expect(($(root, '#policy-name') as HTMLInputElement).value).toBe('local-dev');
    type($(root, '#policy-import'), 'not json');
    click(button(root, 'Import'));
    await flush();
    expect(errorsOf(root, 'policy-import')[0]).toMatch(/^not valid JSON: /);
  });
});

describe('secret keys', () => {
  it('adds keys masked, never shows them again, and removes them', async () => {
    const secret = 'django-insecure-options-page-test-key-0123456789';
    const root = await render();
    expect(root.textContent).toContain('No keys');
    expect(($(root, '#key-value') as HTMLInputElement).type).toBe('password');
    type($(root, '#key-label'), 'dev');
    type($(root, '#key-value'), secret);
    click(button(root, 'Add key'));
    await flush(6);
    expect(($(root, '#key-value') as HTMLInputElement).value).toBe('');
    expect(root.querySelector('.opt-keys')?.textContent).toContain(`dev djan… (${secret.length} chars) (SECRET_KEY)`);
    expect(root.innerHTML).not.toContain(secret);
    type($(root, '#key-value'), secret);
    click(button(root, 'Add key'));
    await flush(6);
    expect(errorsOf(root, 'key-value')).toEqual(['Invalid settings: key: this key is already stored']);
    click(button(root, 'Remove'));
    await flush(6);
    expect((await client.getSettings()).keys).toEqual([]);
    expect(await fakeBrowser.storage.sync.get()).toEqual({});
  });
});

describe('companion and site access', () => {
  it('validates the URL, saves it with a write-only token, and asks for access to a non-local host', async () => {
    const root = await render();
    type($(root, '#companion-url'), 'ftp://x');
    await flush();
    expect(errorsOf(root, 'companion-url')).toEqual(['Use an http:// or https:// URL']);
    expect(button(root, 'Save').disabled).toBe(true);
    type($(root, '#companion-url'), 'https://companion.example:8399');
    type($(root, '#companion-token'), 'tok-123');
    platform.permissions.answer = false;
    click(button(root, 'Save'));
    await flush(6);
    expect(root.textContent).toContain('Access to https://companion.example/* was not granted');
    platform.permissions.answer = true;
    click(button(root, 'Save'));
    await flush(6);
    expect(await client.getSettings()).toMatchObject({ companion: { url: 'https://companion.example:8399', hasToken: true } });
    expect(root.innerHTML).not.toContain('tok-123');
  });

  it('offers the access a panel asked for', async () => {
    platform.permissions.answer = true;
    const root = await render('https://app.example.com/*');
    expect(root.textContent).toContain('Session Lens needs access to https://app.example.com/*');
    click(button(root, 'Allow access'));
    await flush(6);
    expect(root.textContent).toContain('Session Lens can now read cookies on https://app.example.com/*');
    expect(platform.permissions.origins.has('https://app.example.com/*')).toBe(true);
  });
});
