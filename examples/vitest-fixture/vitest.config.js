import { defineConfig } from 'vitest/config';

// Its own config, so that vitest does not take the repository's above it.
export default defineConfig({ test: { include: ['test/**/*.test.js'], hookTimeout: 60_000 } });
