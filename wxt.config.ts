import { defineConfig } from 'wxt';

// See docs/architecture.md for how the contexts talk to each other.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  }),
  manifest: ({ browser }) => ({
    name: 'Session Lens',
    description: 'Decode, verify and check session cookies (Django first) in a DevTools panel.',
    permissions: ['cookies', 'storage'],
    // Least privilege: local development hosts at install time, any other site at runtime.
    host_permissions: ['http://localhost/*', 'http://127.0.0.1/*'],
    optional_host_permissions: ['*://*/*'],
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'session-lens@session-lens.dev',
              strict_min_version: '142.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
