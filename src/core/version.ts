import { createRequire } from 'node:module';

// src/core and dist/core are both two levels below the package root.
const pkg = createRequire(import.meta.url)('../../package.json') as { version: string };

export const VERSION: string = pkg.version;
