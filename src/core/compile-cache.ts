import module from 'node:module';

/**
 * Turns on Node's on-disk compile cache for this thread (Node 22.1 and later; nothing on Node 20,
 * and nothing when NODE_DISABLE_COMPILE_CACHE is set): a worker thread then skips compiling its
 * bundle on every start after the first, which is most of what a thread's start costs. The cache
 * lives where Node keeps it (NODE_COMPILE_CACHE, else the OS temp dir) and is keyed by file content.
 */
export function useCompileCache(): void {
  (module as { enableCompileCache?: () => unknown }).enableCompileCache?.();
}
