import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * A V8 code cache for a CommonJS bundle, for Node versions without the module compile cache
 * (Node 20): the bundle runs as a vm.Script given the cached code, and once the thread has done its
 * start-up work (`save`), the functions compiled so far are written for the next thread. Compiling
 * and first-running a PoP thread's 3.6 MB bundle is most of what a new thread costs (issue 12).
 *
 * The cache sits beside Node's own compile cache (NODE_COMPILE_CACHE, else <tmp>/node-compile-cache),
 * named by the Node version and the bundle's hash, so a new build or Node never meets an old cache.
 * Each file starts with the SHA-256 of the data after it: a damaged file is ignored, and a cache
 * V8 rejects (other flags, say) is compiled without and replaced.
 */
export interface CodeCache {
  /** Writes the compiled code for later threads, when this thread had none it could use. */
  save(): void;
}

const HASH = 32;

/**
 * The bundle's hash: the build writes it beside the bundle (`.sha256`), which saves each thread
 * hashing 3.6 MB; a bundle written after its hash file (built some other way) is hashed here.
 */
function codeHash(file: string, code: string): string {
  try {
    const sidecar = `${file}.sha256`;
    const hash = readFileSync(sidecar, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hash) && statSync(sidecar).mtimeMs >= statSync(file).mtimeMs) return hash;
  } catch {
    // No hash file: worked out below.
  }
  return createHash('sha256').update(code).digest('hex');
}

function cacheFile(file: string, code: string): string {
  const dir = process.env.NODE_COMPILE_CACHE || join(tmpdir(), 'node-compile-cache');
  const key = createHash('sha256').update(process.version).update(codeHash(file, code)).digest('hex').slice(0, 24);
  return join(dir, `fabric-emu-${key}.v8`);
}

function readCache(file: string): Buffer | undefined {
  try {
    const raw = readFileSync(file);
    const data = raw.subarray(HASH);
    return createHash('sha256').update(data).digest().equals(raw.subarray(0, HASH)) ? data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, data: Buffer): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    // Written whole under another name, then renamed: threads starting together never read half a file.
    const part = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(part, Buffer.concat([createHash('sha256').update(data).digest(), data]));
    renameSync(part, file);
  } catch {
    // A cache that cannot be written (read-only temp dir) only costs the next thread its compile.
  }
}

/** Runs the CommonJS file `file` as Node's require would, with a code cache; returns its cache to save. */
export function runCached(file: string): CodeCache {
  const code = readFileSync(file, 'utf8');
  const where = cacheFile(file, code);
  const cachedData = readCache(where);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${code}\n})`, {
    filename: file,
    ...(cachedData ? { cachedData } : {}),
  });
  let pending = !cachedData || script.cachedDataRejected === true;
  const mod = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void).call(mod.exports, mod.exports, createRequire(file), mod, file, dirname(file));
  return {
    save() {
      if (!pending) return;
      pending = false;
      writeCache(where, script.createCachedData());
    },
  };
}

/*
 * The entry that ran a bundle and the bundle's code meet only through the thread's global object
 * (the bundle holds its own copy of this module), under a key from the symbol registry.
 */
const SAVE = Symbol.for('fabric-emu.code-cache.save');

/** Makes `cache` the one saveCodeCache() writes, from any copy of this module in the thread. */
export function armCodeCache(cache: CodeCache): void {
  (globalThis as Record<symbol, unknown>)[SAVE] = cache;
}

/** Saves the thread's code cache, if its entry armed one; a no-op otherwise (Node 22+, launchFabric). */
export function saveCodeCache(): void {
  ((globalThis as Record<symbol, unknown>)[SAVE] as CodeCache | undefined)?.save();
}
