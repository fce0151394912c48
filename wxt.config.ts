import { defineConfig } from 'wxt';

// See docs/architecture.md for how the contexts talk to each other.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Tests that build in parallel (Firefox integration, e2e) each point this at their own directory.
  outDir: process.env.SESSION_LENS_OUT_DIR || '.output',
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  }),
  // Firefox too gets Manifest V3 (action, host permissions granted at runtime, storage.session).
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: 'Session Lens',
    description: 'Decode, verify and check session cookies (Django first) in a DevTools panel.',
    // webRequest: read Set-Cookie headers (non-blocking) to report cookies the browser drops.
    permissions: ['cookies', 'storage', 'webRequest'],
    action: { default_title: 'Session Lens' },
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
