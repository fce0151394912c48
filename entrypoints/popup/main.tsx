import { render } from 'preact';
import { Popup, type PopupProps } from '../../components/Popup.tsx';
import '../../components/panel.css';
import { resolveTheme } from '../../components/theme.ts';
import { createBrowserClient } from '../../lib/browser/index.ts';

function openPage(path: string): void {
  void browser.tabs.create({ url: (browser.runtime.getURL as (p: string) => string)(path) });
  window.close();
}

async function main(): Promise<void> {
  const root = document.getElementById('app');
  if (!root) return;
  const theme = resolveTheme({ prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches });
  document.documentElement.dataset.theme = theme;
  const client = createBrowserClient();
  const base: PopupProps = {
    theme,
    site: null,
    findingCount: null,
    sessionCount: null,
    granted: true,
    onOpenDecoder: () => openPage('/decode.html'),
    onOpenOptions: () => {
      void browser.runtime.openOptionsPage();
      window.close();
    },
  };
  render(<Popup {...base} />, root);
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined) return;
  const tabId = tab.id;
  const draw = async () => {
    try {
      const s = await client.listCookies(tabId, tab.url || undefined);
      render(
        <Popup
          {...base}
          site={s.site}
          findingCount={s.findingCount}
          sessionCount={s.cookies.filter((c) => c.sessionCookie).length}
          granted={s.access === 'granted'}
          onGrant={
            s.originPattern
              ? async () => {
                  if (s.originPattern && (await client.requestPermission(s.originPattern))) await draw();
                }
              : undefined
          }
          onOpenPanel={() => openPage(`/devtools-panel.html?tabId=${tabId}`)}
        />,
        root,
      );
    } catch {
      render(<Popup {...base} onOpenPanel={() => openPage(`/devtools-panel.html?tabId=${tabId}`)} />, root);
    }
  };
  await draw();
}

void main();
