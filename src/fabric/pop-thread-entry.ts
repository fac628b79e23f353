/*
 * A PoP thread's entry: the thread's code, bundled into one CommonJS file at build time
 * (scripts/bundle-threads.mjs) so the thread loads one module instead of hundreds, run under Node's
 * compile cache where there is one (Node 22.1+), else from a V8 code cache of our own (Node 20),
 * which the thread saves once its first PoP serves (pop-thread.ts).
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { armCodeCache, runCached } from '../core/code-cache.js';
import { useCompileCache } from '../core/compile-cache.js';

const BUNDLE = fileURLToPath(new URL('./pop-thread.bundle.cjs', import.meta.url));

if (useCompileCache() || process.env.NODE_DISABLE_COMPILE_CACHE) createRequire(import.meta.url)(BUNDLE);
else armCodeCache(runCached(BUNDLE));
