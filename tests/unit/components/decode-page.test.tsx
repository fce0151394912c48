import { DecodePage } from '../../../components/DecodePage.tsx';
import type { DecodedView } from '../../../components/view-model.ts';
import { patternFor, reviveJson, toDecoded } from '../../../components/client-source.ts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToView } from '../../../lib/background/decode-view.ts';
import { parseJson, PyObject } from '../../../lib/codec/index.ts';
import { $, flush, mount, type } from './helpers.ts';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('DecodePage', () => {
  it('decodes what is pasted, with the cookie name, and shows format, signature, age and data as text', async () => {
    const calls: [string, { cookieName?: string }][] = [];
    const decode = async (value: string, o: { cookieName?: string }): Promise<DecodedView> => {
      calls.push([value, o]);
      return {
        format: 'django-signed',
        data: { user: '<script>x</script>' },
        signature: { state: 'verified', keyIndex: 1, salt: 'django.core.signing' },
        timestamp: NOW - 90_000,
        compressed: false,
        serializer: 'json',
      };
    };
    const m = mount(<DecodePage decode={decode} theme="dark" keyCount={2} now={() => NOW} />);
    expect($(m.container, '[data-testid="decode-page"]').dataset.theme).toBe('dark');
    expect($(m.container, '[data-testid="key-count"]').textContent).toBe('2 key(s) stored.');
    type($(m.container, '[data-testid="decode-cookie-name"]'), 'sessionid');
    type($(m.container, '[data-testid="decode-input"]'), '  abc:def:ghi \n');
    await flush();
    expect(calls.at(-1)).toEqual(['abc:def:ghi', { cookieName: 'sessionid' }]);
    expect($(m.container, '[data-testid="format"]').textContent).toBe('django-signed · json');
    expect($(m.container, '[data-testid="signature"]').textContent).toBe(
      'Verified with key 1 (fallback) · salt django.core.signing',
    );
    expect(m.container.textContent).toContain('(2 min ago)');
    expect(m.container.querySelector('script')).toBeNull();
    expect($(m.container, '[data-testid="decoded-tree"]').textContent).toContain('"<script>x</script>"');
    m.unmount();
  });

  it('decodes every cookie of a pasted Cookie header, session cookie first, through the real background decode', async () => {
    const vectors = parseJson(readFileSync(join(process.cwd(), 'tests/fixtures/vectors/django.json'), 'utf8'), { maxInputLength: Infinity }) as unknown as {
      cookies: { name: string; input: string; keys: string[]; now: number; expect: { cookie: string }[] }[];
    };
    const v = vectors.cookies.find((c) => c.name === 'document-cookie')!;
    const decode = async (value: string, o: { cookieName?: string }) =>
      toDecoded(await decodeToView(value, { keys: [{ label: 'k', key: v.keys[0]! }], now: v.now * 1000, ...o }));
    const m = mount(<DecodePage decode={decode} theme="light" keyCount={1} now={() => v.now * 1000} />);
    type($(m.container, '[data-testid="decode-input"]'), v.input);
    for (let i = 0; i < 20 && !m.container.querySelector('[data-testid="decode-other"]'); i++) await flush();
    const names = [...m.container.querySelectorAll('[data-testid="cookie-name"]')].map((e) => e.textContent);
    expect(names).toEqual(v.expect.map((e) => e.cookie));
    expect(m.container.querySelectorAll('[data-testid="decode-other"]')).toHaveLength(v.expect.length - 1);
    expect($(m.container, '[data-testid="signature"]').textContent).toMatch(/^Verified/);
    expect(m.container.textContent).toContain('django.contrib.messages.storage.base.Message');
    m.unmount();
  });

  it('shows the typed error for input it cannot read, and nothing for empty input', async () => {
    const decode = async (): Promise<DecodedView> => {
      throw Object.assign(new Error('Not a recognised session format'), { code: 'ERR_UNKNOWN_FORMAT' });
    };
    const m = mount(<DecodePage decode={decode} theme="light" keyCount={0} />);
    expect($(m.container, '[data-testid="key-count"]').textContent).toContain('No keys stored');
    type($(m.container, '[data-testid="decode-input"]'), '%%%');
    await flush();
    expect($(m.container, '[data-testid="decode-error"]').textContent).toBe('ERR_UNKNOWN_FORMAT: Not a recognised session format');
    type($(m.container, '[data-testid="decode-input"]'), '   ');
    await flush();
    expect(m.container.querySelector('[data-testid="decode-error"]')).toBeNull();
    m.unmount();
  });

  it('only shows the answer to the latest input', async () => {
    const pending: ((v: DecodedView) => void)[] = [];
    const decode = (value: string) =>
      new Promise<DecodedView>((resolve) =>
        pending.push(() => resolve({ format: value, data: null, signature: { state: 'none' } })),
      );
    const m = mount(<DecodePage decode={decode} theme="light" keyCount={null} />);
    type($(m.container, '[data-testid="decode-input"]'), 'first');
    type($(m.container, '[data-testid="decode-input"]'), 'second');
    pending[1]!({} as DecodedView);
    await flush();
    pending[0]!({} as DecodedView);
    await flush();
    expect($(m.container, '[data-testid="format"]').textContent).toBe('second');
    m.unmount();
  });
});

describe('wire → view mapping', () => {
  it('revives exact JSON: bigints stay exact, {"$py": …} becomes a PyObject', () => {
    const v = reviveJson('{"id":12345678901234567890,"when":{"$py":"datetime.datetime","value":"2024-05-01T12:00:00"},"s":{"$py":"set","items":[1,2]}}');
    expect(v).toMatchObject({ id: 12345678901234567890n });
    const o = v as Record<string, unknown>;
    expect(o.when).toBeInstanceOf(PyObject);
    expect((o.when as PyObject).type).toBe('datetime.datetime');
    expect((o.when as PyObject).fields.value).toBe('2024-05-01T12:00:00');
    expect((o.s as PyObject).fields.items).toEqual([1, 2]);
  });

  it.each([
    ['verified', { keyIndex: 2, keyLabel: 'old', salt: 's', algorithm: 'sha256' }, { state: 'verified', keyIndex: 2, keyLabel: 'old', salt: 's', algorithm: 'sha256' }],
    ['bad', { error: { code: 'ERR_BAD_SIGNATURE', message: 'Signature "x" does not match' } }, { state: 'bad', message: 'Signature "x" does not match' }],
    ['expired', { error: { code: 'ERR_SIGNATURE_EXPIRED', message: 'Signature age 5 > 1 seconds' } }, { state: 'expired', message: 'Signature age 5 > 1 seconds' }],
    ['unverified', {}, { state: 'unverified', keyName: 'SECRET_KEY', family: 'django' }],
    ['unverified', { format: 'laravel-encrypted', keyName: 'APP_KEY' }, { state: 'unverified', keyName: 'APP_KEY', family: 'laravel', encrypted: true }],
    ['unverified', { format: 'express-session' }, { state: 'unverified', keyName: 'secret / keys', family: 'express' }],
    ['verified', { format: 'rails-encrypted', keyIndex: 0, keyLabel: 'prod', keyFamily: 'rails', decrypted: true }, { state: 'verified', keyIndex: 0, keyLabel: 'prod', keyFamily: 'rails', decrypted: true }],
    ['none', {}, { state: 'none' }],
  ] as const)('signature %s', (signature, extra, expected) => {
    const view = toDecoded({
      format: 'django-signed',
      json: '{"a":1}',
      signature,
      verified: null,
      compressed: false,
      serializer: 'json',
      ...extra,
    });
    expect(view.signature).toEqual(expected);
    expect(view.data).toEqual({ a: 1 });
  });
});

describe('patternFor', () => {
  it.each([
    ['http://127.0.0.2:8000', 'http://127.0.0.2/*'],
    ['https://example.com', 'https://example.com/*'],
    ['chrome://extensions', null],
    ['not a url', null],
    [null, null],
  ])('%s → %s', (origin, pattern) => {
    expect(patternFor(origin)).toBe(pattern);
  });
});
