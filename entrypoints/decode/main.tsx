import { render } from 'preact';
import { DecodePage } from '../../components/DecodePage.tsx';
import '../../components/panel.css';
import { resolveTheme } from '../../components/theme.ts';
import { createBrowserClient } from '../../lib/browser/index.ts';
import { toDecoded } from '../../components/client-source.ts';
import { toHarReport } from '../../components/har-source.ts';

function main(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const params = new URLSearchParams(location.search);
  const theme = resolveTheme({
    param: params.get('theme'),
    prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches,
  });
  document.documentElement.dataset.theme = theme;
  const client = createBrowserClient();
  const decode = async (value: string, o: { cookieName?: string }) => toDecoded(await client.decode(value, o));
  const analyzeHar = async (text: string) => toHarReport(await client.request('har/analyze', { text }));
  const draw = (keyCount: number | null) =>
    render(
      <DecodePage
        decode={decode}
        analyzeHar={analyzeHar}
        theme={theme}
        keyCount={keyCount}
        onOpenOptions={() => void browser.runtime.openOptionsPage()}
        initialValue={params.get('value') ?? ''}
      />,
      root,
    );
  draw(null);
  client.getSettings().then(
    (s) => draw(s.keys.length),
    () => draw(null),
  );
}

main();
