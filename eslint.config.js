import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules', '.output', '.output-*', '.wxt', 'coverage', 'test-results', 'playwright-report', '**/*.py'] },
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
    files: ['lib/codec/**', 'lib/policy/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'wxt/*', 'webextension-polyfill', '#imports', '../browser/*', '../cli/*', '../companion/*'] }],
      'no-restricted-globals': ['error', 'browser', 'chrome', 'process', 'Buffer'],
    },
  },
  {
    files: ['components/**', 'entrypoints/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/lib/companion/**', '**/lib/cli/**', 'node:*'] }],
    },
  },
  {
    files: ['components/**'],
    rules: { 'no-restricted-globals': ['error', 'browser', 'chrome'] },
  },
);
