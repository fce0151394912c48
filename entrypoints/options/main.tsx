import { render } from 'preact';
import '../../components/panel.css';
import '../../components/options/options.css';
import { OptionsApp } from '../../components/options/OptionsApp.tsx';
import { resolveTheme } from '../../components/theme.ts';
import { createBrowserClient } from '../../lib/browser/index.ts';

const root = document.getElementById('app');
if (root) {
  const theme = resolveTheme({
    param: new URLSearchParams(location.search).get('theme'),
    prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches,
  });
  document.documentElement.dataset.theme = theme;
  const grant = /^#grant=(.+)$/.exec(location.hash)?.[1];
  const section = location.hash === '#keys' ? 'keys' : null;
  render(
    <OptionsApp client={createBrowserClient()} theme={theme} grantOrigin={grant ? decodeURIComponent(grant) : null} section={section} />,
    root,
  );
}
