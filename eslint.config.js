import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Deep imports into a library with one door (its index.ts). */
const ONE_DOOR = {
  group: ['**/codec/*', '!**/codec/index.ts', '**/policy/*', '!**/policy/index.ts', '**/protocol/*', '!**/protocol/index.ts'],
  message: 'Import lib/codec, lib/policy and lib/protocol through their index.ts (one door).',
};

export default tseslint.config(
  { ignores: ['node_modules', 'dist', '.output', '.output-*', '.wxt', 'coverage', 'test-results', 'playwright-report', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain JavaScript here is Node scripts (the CLI launcher, fixture generators).
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: globals.node },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportAllDeclaration', message: 'List exports explicitly (STYLE.md).' }],
    },
  },
  {
    // One door: outside lib/codec, lib/policy and lib/protocol, import them through their index.ts.
    files: ['**/*.{ts,tsx}'],
    ignores: ['lib/codec/**', 'lib/policy/**', 'lib/protocol/**', 'tests/unit/codec/**', 'tests/unit/policy/**', 'tests/unit/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ONE_DOOR] }] },
  },
  {
    files: ['lib/codec/**', 'lib/policy/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'wxt/*', 'webextension-polyfill', '#imports', '../browser/*', '../cli/*', '../companion/*', '../background/*', '../node/*'] }],
      'no-restricted-globals': ['error', 'browser', 'chrome', 'process', 'Buffer'],
    },
  },
  {
    // The companion and lib/node never import the CLI (lib/node is the floor both stand on).
    files: ['lib/companion/**', 'lib/node/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ONE_DOOR, { group: ['**/cli/*', '**/companion/*'], message: 'Shared Node code lives in lib/node.' }] }] },
  },
  {
    // Components see the client interface (lib/protocol), never lib/browser; entrypoints only wire.
    files: ['components/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ONE_DOOR, { group: ['**/lib/companion/**', '**/lib/cli/**', '**/lib/browser/**', 'node:*'] }] }] },
  },
  {
    files: ['entrypoints/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [ONE_DOOR, { group: ['**/lib/companion/**', '**/lib/cli/**', '**/lib/codec/**', '**/lib/policy/**', 'node:*'] }] }] },
  },
  {
    files: ['components/**'],
    rules: { 'no-restricted-globals': ['error', 'browser', 'chrome'] },
  },
);
