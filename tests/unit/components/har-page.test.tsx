/**
 * The decode page reading a HAR: the recorded capture (tests/fixtures/har) through the real
 * background reading (`analyzeHarText`, the stored key) and the page's mapping, as the extension does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DecodePage } from '../../../components/DecodePage.tsx';
import { looksLikeHar, toHarReport } from '../../../components/har-source.ts';
import type { DecodedView } from '../../../components/view-model.ts';
import { analyzeHarText, defaultSettings } from '../../../lib/background/index.ts';
import { DJANGO_SECRET_KEY } from '../../support/django.ts';
import { $, flush, mount, type } from './helpers.ts';

const HAR = readFileSync(join(process.cwd(), 'tests/fixtures/har/django-login.har'), 'utf8');
const ORIGIN = new URL(JSON.parse(HAR).log.entries[0].request.url).origin;
const NOW = Date.UTC(2026, 10, 26);

const noDecode = async (): Promise<DecodedView> => {
  throw new Error('a HAR is not decoded as one value');
};

describe('looksLikeHar', () => {
  it.each([
    [HAR, true],
    ['  {"log": {"entries": []}}', true],
    ['sessionid=abc; csrftoken=x', false],
    ['{"_auth_user_id": "1"}', false],
    ['eyJsb2ciOnt9fQ:1uG:abc', false],
  ])('case %#', (text, har) => {
    expect(looksLikeHar(text)).toBe(har);
  });
});

describe('DecodePage with a HAR file', () => {
  it('pasted: every session cookie decoded and verified with its request, findings per Set-Cookie grouped by response', async () => {
    const settings = { ...defaultSettings(), keys: [{ id: 'k', label: 'fixture', family: 'django' as const, key: DJANGO_SECRET_KEY }] };
    const analyzeHar = async (text: string) => toHarReport(await analyzeHarText(text, settings, NOW));
    const m = mount(<DecodePage decode={noDecode} analyzeHar={analyzeHar} theme="light" keyCount={1} now={() => NOW} />);
    type($(m.container, '[data-testid="decode-input"]'), HAR);
    for (let i = 0; i < 50 && !m.container.querySelector('[data-testid="har-summary"], [data-testid="decode-error"]'); i++) await flush();
    expect(m.container.querySelector('[data-testid="decode-error"]')?.textContent ?? '').toBe('');
    expect($(m.container, '[data-testid="har-summary"]').textContent).toMatch(/^HAR file: 5 requests, 5 session cookie values, \d+ findings\.$/);
    const cookies = [...m.container.querySelectorAll<HTMLElement>('[data-testid="har-cookie"]')];
    expect(cookies.map((c) => c.querySelector('h3')!.textContent)).toEqual([
      'sessionid set by GET /set?… → 200',
      'sessionid sent with POST /login → 302',
      'sessionid set by POST /login → 302',
      'sessionid sent with GET / → 200 (seen 3×)',
      'sessionid set by GET /logout → 200',
    ]);
    const login = cookies[2]!;
    expect($(login, '[data-testid="signature"]').dataset.state).toBe('verified');
    expect($(login, '[data-testid="decoded-tree"]').textContent).toContain('_auth_user_id');
    expect(cookies[4]!.textContent).toContain('Empty value: the cookie is deleted.');
    const groups = [...m.container.querySelectorAll('[data-testid="har-findings"]')].map((g) => g.querySelector('h3')!.textContent);
    expect(groups.some((g) => g!.startsWith(`Set-Cookie from GET ${ORIGIN}/bad-cookies → 200`))).toBe(true);
    expect(m.container.textContent).toContain('samesite-none-insecure');
    m.unmount();
  });

  it('says what is wrong with a file that is not a HAR, with the typed error', async () => {
    const analyzeHar = async (text: string) => toHarReport(await analyzeHarText(text, defaultSettings(), NOW));
    const m = mount(<DecodePage decode={noDecode} analyzeHar={analyzeHar} theme="light" keyCount={0} />);
    type($(m.container, '[data-testid="decode-input"]'), '{"log": {"entries": [{"request": {}}]}}');
    await flush(6);
    expect($(m.container, '[data-testid="decode-error"]').textContent).toMatch(/^ERR_INVALID: Invalid HAR file: log\.entries\.0\.request\.method/);
    m.unmount();
  });

  it('without HAR support a JSON text is decoded as a value, and there is no file input', async () => {
    const seen: string[] = [];
    const decode = async (v: string): Promise<DecodedView> => {
      seen.push(v);
      return { format: 'json', data: null, signature: { state: 'none' } };
    };
    const m = mount(<DecodePage decode={decode} theme="light" keyCount={0} />);
    expect(m.container.querySelector('[data-testid="har-file"]')).toBeNull();
    type($(m.container, '[data-testid="decode-input"]'), '{"log": {"entries": []}}');
    await flush();
    expect(seen).toEqual(['{"log": {"entries": []}}']);
    m.unmount();
  });
});
