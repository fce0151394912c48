import { render } from 'preact';
import '../../components/panel.css';
import '../../components/options/options.css';
import { OptionsApp } from '../../components/options/OptionsApp.tsx';
import { resolveTheme } from '../../components/theme.ts';
import { createBrowserClient } from '../../lib/browser/index.ts';
import { KeyFamilySchema } from '../../lib/protocol/index.ts';

const root = document.getElementById('app');
if (root) {
  const theme = resolveTheme({
    param: new URLSearchParams(location.search).get('theme'),
    prefersDark: window.matchMedia?.('(prefers-color-scheme: dark)').matches,
  });
  document.documentElement.dataset.theme = theme;
  const grant = /^#grant=(.+)$/.exec(location.hash)?.[1];
  const keys = /^#keys(?:=(.+))?$/.exec(location.hash);
  const family = KeyFamilySchema.safeParse(keys?.[1]);
  render(
    <OptionsApp
      client={createBrowserClient()}
      theme={theme}
      grantOrigin={grant ? decodeURIComponent(grant) : null}
      section={keys ? 'keys' : null}
      keyFamily={family.success ? family.data : null}
    />,
    root,
  );
}
