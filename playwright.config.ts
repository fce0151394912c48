import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests: Debian's Chromium with the built extension loaded (tests/e2e/fixtures.ts),
 * against the real Django fixture site. globalSetup builds the extension first.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './tests/e2e/global-setup.ts',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: { trace: 'retain-on-failure' },
});
