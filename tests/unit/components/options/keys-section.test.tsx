/**
 * The Keys section: a key is added under its framework's family, the form names that family's
 * setting and checks the key's form before sending it; the list shows each key's family and role.
 * Standalone, then in the options page against the real background (fakeBrowser platform).
 */
import { act } from 'preact/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { KeysSection } from '../../../../components/options/KeysSection.tsx';
import { OptionsApp } from '../../../../components/options/OptionsApp.tsx';
import { startService } from '../../../../lib/background/index.ts';
import { createBrowserPlatform } from '../../../../lib/browser/index.ts';
import { createClient, type KeyFamily, type KeyHint } from '../../../../lib/protocol/index.ts';
import { installFakePlatform } from '../../browser/fake-platform.ts';
import { $, button, click, flush, mount, type, type Mounted } from '../helpers.ts';

const LARAVEL_KEY = 'base64:c2Vzc2lvbi1sZW5zLWxhcmF2ZWwtdGVzdC1rZXktMzI=';
const RAILS_KEY = '0f5297f1b13c2b7fa2c1e4b7b1a09f5f3f2f6fbf1b2b0e8b8a3b1cbbd4f1b7e6';

let view: Mounted | undefined;
afterEach(() => view?.unmount());

function choose(el: HTMLElement, value: string) {
  act(() => {
    (el as HTMLSelectElement).value = value;
    el.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

const errorsOf = (root: HTMLElement, id: string) => [...root.querySelectorAll(`[data-field="${id}"] li`)].map((li) => li.textContent ?? '');
const hint = (id: string, family: KeyFamily, label: string, hintText = 'abcd… (40 chars)', salts?: string[]): KeyHint => ({ id, label, family, hint: hintText, length: 40, ...(salts ? { salts } : {}) });

describe('KeysSection', () => {
  it('names the chosen family’s setting, refuses a key of the wrong form, and sends the family', async () => {
    const added: unknown[][] = [];
    view = mount(<KeysSection keys={[]} onAdd={async (...a) => void added.push(a)} onRemove={async () => undefined} />);
    const root = view.container;
    expect(($(root, '#key-family') as HTMLSelectElement).value).toBe('django');
    expect($(root, 'label[for="key-value"]').textContent).toBe('Secret key (SECRET_KEY)');

    choose($(root, '#key-family'), 'laravel');
    expect($(root, 'label[for="key-value"]').textContent).toBe('Secret key (APP_KEY)');
    expect($(root, '#key-family-hint').textContent).toContain('Setting: APP_KEY — .env APP_KEY=base64:…');
    type($(root, '#key-value'), 'base64:c2hvcnQ=');
    expect(errorsOf(root, 'key-value')).toEqual(["This APP_KEY decodes to 5 bytes: Laravel's are 32 (AES-256) or 16 (AES-128)"]);
    expect(button(root, 'Add key').disabled).toBe(true);

    type($(root, '#key-value'), LARAVEL_KEY);
    expect(errorsOf(root, 'key-value')).toEqual([]);
    type($(root, '#key-label'), ' prod ');
    click(button(root, 'Add key'));
    await flush();
    expect(added).toEqual([[LARAVEL_KEY, 'prod', 'laravel', []]]);
    expect(($(root, '#key-value') as HTMLInputElement).value).toBe('');
  });

  it('warns without refusing (a non-hex secret_key_base), and takes Phoenix’s salts', async () => {
    const added: unknown[][] = [];
    view = mount(<KeysSection keys={[]} initialFamily="rails" onAdd={async (...a) => void added.push(a)} onRemove={async () => undefined} />);
    const root = view.container;
    expect(($(root, '#key-family') as HTMLSelectElement).value).toBe('rails');
    type($(root, '#key-value'), 'your_secret_key_base');
    expect($(root, '#key-value-hint').textContent).toMatch(/^Not hex: bin\/rails secret makes 128 hex digits/);
    expect(button(root, 'Add key').disabled).toBe(false);
    expect(root.querySelector('#key-signing-salt')).toBeNull();

    choose($(root, '#key-family'), 'phoenix');
    expect(errorsOf(root, 'key-value')).toEqual(["Phoenix's secret_key_base is at least 64 bytes (Plug refuses shorter ones); this is 20"]);
    type($(root, '#key-value'), 'p'.repeat(64));
    type($(root, '#key-signing-salt'), 'kR3qP9xZ');
    click(button(root, 'Add key'));
    await flush();
    expect(added).toEqual([['p'.repeat(64), '', 'phoenix', ['kR3qP9xZ']]]);
  });

  it('lists keys with their family and their role in it, never the key', () => {
    const keys = [hint('a', 'rails', 'prod'), hint('b', 'django', 'site'), hint('c', 'rails', 'old'), hint('d', 'phoenix', 'plug', 'pppp… (64 chars)', ['kR3qP9xZ'])];
    view = mount(<KeysSection keys={keys} onAdd={async () => undefined} onRemove={async () => undefined} />);
    const items = [...view.container.querySelectorAll('.opt-keys li')].map((li) => li.textContent?.replace(/\s+/g, ' ').replace(' Remove', ''));
    expect(items).toEqual([
      'prod abcd… (40 chars) (secret_key_base) · Ruby on Rails',
      'site abcd… (40 chars) (SECRET_KEY) · Django',
      'old abcd… (40 chars) (fallback 1) · Ruby on Rails',
      'plug pppp… (64 chars) (secret_key_base) · Phoenix / Plug · salts kR3qP9xZ',
    ]);
  });
});

describe('the options page stores a key with its family', () => {
  it('adds a Rails key through the real background; a wrong-form key is refused there too', async () => {
    const platform = installFakePlatform();
    const bg = startService(createBrowserPlatform(), { badgeDelay: 1 });
    await bg.ready;
    const client = createClient(platform.transport);
    try {
      view = mount(<OptionsApp client={client} theme="light" section="keys" keyFamily="rails" />);
      await flush(6);
      const root = view.container;
      expect(($(root, '#key-family') as HTMLSelectElement).value).toBe('rails');
      type($(root, '#key-label'), 'prod');
      type($(root, '#key-value'), RAILS_KEY);
      click(button(root, 'Add key'));
      await flush(6);
      expect((await client.getSettings()).keys).toEqual([{ id: expect.any(String), label: 'prod', family: 'rails', hint: '0f52… (64 chars)', length: 64 }]);
      expect(root.querySelector('.opt-keys')?.textContent).toContain('prod 0f52… (64 chars) (secret_key_base) · Ruby on Rails');
      expect(root.innerHTML).not.toContain(RAILS_KEY);
      // the background checks the form as well (a page that skipped the form's check)
      await expect(client.addKey('short', '', 'iron-session')).rejects.toMatchObject({ code: 'ERR_BAD_REQUEST', message: expect.stringMatching(/iron-session passwords are at least 32 characters/) });
    } finally {
      view?.unmount();
      view = undefined;
      await bg.idle();
      bg.stop();
    }
  });
});
