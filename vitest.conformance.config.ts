import { defineConfig } from 'vitest/config';

/** `npm run test:conformance`: the shared corpus, one reported case per line; never part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/conformance/**/*.conformance.ts'],
    globalSetup: ['test/conformance/setup.ts'],
    reporters: ['verbose'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
