import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    globals: true,
    projects: [
      {
        extends: true,
        plugins: [WxtVitest()],
        test: {
          name: 'unit',
          environment: 'node',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          exclude: ['tests/unit/components/**'],
        },
      },
      {
        // The codec ships in the extension too: run its suite again in a browser-like environment.
        extends: true,
        test: {
          name: 'browser-like',
          environment: 'happy-dom',
          include: ['tests/unit/codec/**/*.test.ts'],
          exclude: ['tests/unit/codec/fuzz.test.ts'],
        },
      },
      {
        extends: true,
        plugins: [WxtVitest()],
        test: {
          name: 'components',
          environment: 'happy-dom',
          include: ['tests/unit/components/**/*.test.{ts,tsx}'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          environment: 'node',
          globalSetup: ['tests/support/build-cli.ts'],
          include: ['tests/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
