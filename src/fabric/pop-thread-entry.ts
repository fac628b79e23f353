/*
 * A PoP thread's entry: the compile cache first, then the thread's code, bundled into one file at
 * build time (scripts/bundle-threads.mjs) so the thread loads one module instead of hundreds.
 */
import { useCompileCache } from '../core/compile-cache.js';

useCompileCache();
await import(new URL('./pop-thread.bundle.mjs', import.meta.url).href);
