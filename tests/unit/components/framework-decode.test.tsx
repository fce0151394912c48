/**
 * Paste-and-decode names other frameworks' cookies and the key they need: the codec's result for a
 * real Laravel / Rails cookie (tests/fixtures/frameworks), through the background's wire view and
 * its zod schema, rendered by the decode page.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodePage } from '../../../components/DecodePage.tsx';
import { toDecoded } from '../../../components/client-source.ts';
import { toDecodeView } from '../../../lib/background/decode-view.ts';
import { decode } from '../../../lib/codec/index.ts';
import { DecodeViewSchema } from '../../../lib/protocol/index.ts';
import { $, flush, mount, type } from './helpers.ts';

const fx = (n: string) => JSON.parse(readFileSync(join(process.cwd(), 'tests/fixtures/frameworks', n), 'utf8')) as Record<string, Record<string, string>[]>;

async function viewOf(value: string, keys: string[] = []) {
  const view = toDecodeView(await decode(value, { keys }), { keys: keys.map((k, i) => ({ key: k, label: `key ${i}` })), now: Date.now() });
  return toDecoded(DecodeViewSchema.parse(view));
}

describe('decode page: other frameworks', () => {
  it.each([
    ['Laravel', fx('php.json').laravel![0]!, 'Laravel · key: APP_KEY'],
    ['Rails', fx('ruby.json').rails![0]!, 'Ruby on Rails (≥ 5.2) · key: secret_key_base'],
    ['NextAuth', fx('node.json').nextauth![0]!, 'NextAuth.js / Auth.js · key: NEXTAUTH_SECRET / AUTH_SECRET'],
  ])('%s: names the framework and the key it needs; decrypts with it', async (_n, v, expected) => {
    const m = mount(<DecodePage decode={async (value) => viewOf(value)} theme="light" keyCount={0} />);
    type($(m.container, '[data-testid="decode-input"]'), v.value!);
    await flush();
    expect($(m.container, '[data-testid="framework"]').textContent).toBe(expected);
    expect($(m.container, '[data-testid="format"]').textContent).toMatch(/^(laravel-encrypted|rails-encrypted|nextauth)/);
    m.unmount();
    const keyed = await viewOf(v.value!, [v.key!]);
    expect(keyed.signature.state).toMatch(/verified|expired/);
    expect(keyed.data).not.toBeNull();
  });
});
