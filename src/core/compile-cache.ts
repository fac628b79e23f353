import module from 'node:module';

/**
 * Turns on Node's on-disk compile cache for this thread (Node 22.1 and later, unless
 * NODE_DISABLE_COMPILE_CACHE is set): a worker thread then skips compiling its bundle on every
 * start after the first, which is most of what a thread's start costs. The cache lives where Node
 * keeps it (NODE_COMPILE_CACHE, else the OS temp dir) and is keyed by file content. Returns false
 * where Node has none (Node 20), for the caller to use a code cache of its own (code-cache.ts).
 */
export function useCompileCache(): boolean {
  const enable = (module as { enableCompileCache?: () => unknown }).enableCompileCache;
  enable?.();
  return enable !== undefined;
}
