import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Vitest's summary, then one plain `vitest: N passed, N failed` line (test/support/closing-line.ts).
    reporters: ['default', './test/support/closing-line.ts'],
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: [
            'core/**/*.test.ts',
            'functions/**/*.test.ts',
            'runtime/**/*.test.ts',
            'scripts/**/*.test.ts',
            'test/**/*.test.ts',
          ],
          // The Dapr mode needs a daprd build: `npm run test:dapr` (vitest.dapr.config.ts).
          exclude: ['test/dapr/**', '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          pool: 'forks',
          globalSetup: ['test/global-setup.ts'],
        },
      },
      'web/vitest.config.ts',
    ],
  },
});
