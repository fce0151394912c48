import { render } from 'preact';
import { App } from '../../components/App.tsx';
import '../../components/panel.css';
import { resolveTheme } from '../../components/theme.ts';
import type { Theme } from '../../components/view-model.ts';
import { createBrowserClient } from '../../lib/browser/index.ts';
import { createPanelSource } from '../../components/client-source.ts';

/** DevTools' theme API, where it exists (Chrome: `themeName`, `setThemeChangeHandler`; Firefox: `onThemeChanged`). */
interface PanelsTheme {
  themeName?: string;
  onThemeChanged?: { addListener(cb: (name: string) => void): void };
  setThemeChangeHandler?: (cb: (name: string) => void) => void;
}

/** Open an extension page in a tab; DevTools pages may lack `tabs`, so fall back to window.open. */
function openPage(path: string): void {
  const url = (browser.runtime.getURL as (p: string) => string)(path);
  const tabs = (browser as { tabs?: typeof browser.tabs }).tabs;
  if (tabs?.create) void tabs.create({ url }).catch(() => window.open(url, '_blank'));
  else window.open(url, '_blank');
}

/** `location.href` of the inspected page (DevTools can read it without host access). */
async function inspectedUrl(devtools: typeof browser.devtools): Promise<string | null> {
  // Chrome answers [result, exceptionInfo]; the polyfill and Firefox answer the result, or reject.
  // An error page cannot be evaluated: `null`.
  const result = (await devtools.inspectedWindow.eval('location.href').catch(() => null)) as unknown;
  const value = Array.isArray(result) ? result[0] : result;
  return typeof value === 'string' && value.length <= 8192 ? value : null;
}

function main(): void {
  const root = document.getElementById('app');
  if (!root) return;
  const params = new URLSearchParams(location.search);
  const devtools = (browser as { devtools?: typeof browser.devtools }).devtools;
  const inDevtools = devtools?.inspectedWindow !== undefined;
  const tabId = inDevtools ? devtools.inspectedWindow.tabId : Number(params.get('tabId'));
  if (!Number.isInteger(tabId) || tabId < 0) {
    root.textContent = 'Open this page from the Session Lens popup or the DevTools panel (missing ?tabId=).';
    return;
  }
  document.title = inDevtools ? 'Sessions' : `Sessions — tab ${tabId}`;
  const panels = devtools?.panels as PanelsTheme | undefined;
  const media = window.matchMedia?.('(prefers-color-scheme: dark)');
  const theme = (devtoolsTheme?: string): Theme =>
    resolveTheme({ param: params.get('theme'), devtools: devtoolsTheme ?? panels?.themeName, prefersDark: media?.matches });

  const source = createPanelSource(createBrowserClient(), tabId, {
    openFullWindow: inDevtools ? () => openPage(`/devtools-panel.html?tabId=${tabId}`) : undefined,
    openDecoder: () => openPage('/decode.html'),
    openOptions: (section) => openPage(section ? `/options.html#${section}` : '/options.html'),
    inspectedUrl: inDevtools ? () => inspectedUrl(devtools) : undefined,
    reloadPage: inDevtools ? () => devtools.inspectedWindow.reload({}) : undefined,
  });
  // The panel knows its inspected page best: every navigation (another site, a host without
  // access, about:blank, an error page) reaches it here first.
  devtools?.network?.onNavigated?.addListener((url: string) => source.navigated?.(url));
  const draw = (t: Theme) => {
    document.documentElement.dataset.theme = t;
    render(<App tabId={tabId} source={source} theme={t} />, root);
  };
  draw(theme());
  panels?.onThemeChanged?.addListener((name) => draw(theme(name)));
  const chromePanels = (globalThis as { chrome?: { devtools?: { panels?: PanelsTheme } } }).chrome?.devtools?.panels;
  chromePanels?.setThemeChangeHandler?.((name) => draw(theme(name)));
  if (!inDevtools) media?.addEventListener?.('change', () => draw(theme()));
}

main();
