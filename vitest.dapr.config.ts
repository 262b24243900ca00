import { defineConfig } from 'vitest/config';

/**
 * `npm run test:dapr`: the Dapr mode against a real daprd (DAPRD, from scripts/daprd.sh). Kept out of
 * `npm test` so that the everyday run does not need the daprd build (minutes, ~3 GB of Go caches);
 * CI runs both (.ci/run).
 */
export default defineConfig({
  test: {
    name: 'dapr',
    reporters: ['default', './test/support/closing-line.ts'],
    environment: 'node',
    include: ['test/dapr/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 360_000,
    pool: 'forks',
    // One Dapr mode at a time: each file starts a dozen processes with a sidecar each.
    fileParallelism: false,
    globalSetup: ['test/global-setup.ts'],
  },
});
