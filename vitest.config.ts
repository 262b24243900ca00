import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          environment: 'node',
          include: [
            'core/**/*.test.ts',
            'functions/**/*.test.ts',
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
