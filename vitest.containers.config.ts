import { defineConfig } from 'vitest/config';

/**
 * `npm run test:containers`: the image, the Testcontainers module and compose, against a running
 * Docker engine and the image docker/build-offline.sh built (.ci/run does both). Never part of
 * `npm test`, which passes without Docker; here a missing engine fails.
 */
export default defineConfig({
  test: {
    include: ['test/containers/**/*.containers.ts'],
    globalSetup: ['test/containers/setup.ts'],
    reporters: ['verbose'],
    testTimeout: 120_000,
    hookTimeout: 400_000,
    pool: 'forks',
    fileParallelism: false,
    // The reaper would be pulled from a registry; every test stops what it starts instead.
    env: { TESTCONTAINERS_RYUK_DISABLED: 'true' },
  },
});
