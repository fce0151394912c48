import { defineConfig } from 'wxt';
import type { Plugin } from 'vite';

/**
 * Build-time hardening, which also keeps `web-ext lint` at 0 warnings:
 * - Preact's `dangerouslySetInnerHTML` is switched off: session data is shown as text, never HTML,
 *   so the one `innerHTML = …` in Preact's diff becomes a thrown error.
 * - zod's JIT probe (`new Function("")`) is removed: extension CSP forbids eval, so the probe always
 *   fails at run time anyway and zod uses its interpreter.
 * A pattern that stops matching (a new Preact or zod) fails the build, not silently the lint.
 */
function hardening(): Plugin {
  const rules: { file: RegExp; from: RegExp; to: string }[] = [
    {
      file: /\/preact\/dist\/preact\.module\.js$/,
      from: /\(([A-Za-z_$][\w$]*)\.innerHTML=([A-Za-z_$][\w$]*)\.__html\)/,
      to: '(function(){throw new Error("dangerouslySetInnerHTML is disabled in Session Lens")})()',
    },
    {
      file: /\/zod\/v4\/core\/util\.js$/,
      from: /const F = Function;\s*new F\(""\);\s*return true;/,
      to: 'return false;',
    },
  ];
  return {
    name: 'session-lens-hardening',
    enforce: 'pre',
    transform(code, id) {
      const rule = rules.find((r) => r.file.test(id.split('?')[0] ?? id));
      if (!rule) return null;
      if (!rule.from.test(code)) throw new Error(`session-lens-hardening: pattern not found in ${id}`);
      return { code: code.replace(rule.from, rule.to), map: null };
    },
  };
}

// See docs/architecture.md for how the contexts talk to each other.
export default defineConfig({
  modules: ['@wxt-dev/webextension-polyfill'],
  // Tests that build in parallel (Firefox integration, e2e) each point this at their own directory.
  outDir: process.env.SESSION_LENS_OUT_DIR || '.output',
  vite: () => ({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    plugins: [hardening()],
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
