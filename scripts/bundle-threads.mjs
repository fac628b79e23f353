// Bundles each worker thread's entry (a PoP thread, a PoP's query executor) with everything it
// imports into one file. A worker thread loads its modules afresh: as ~270 separate ES modules,
// resolving and compiling them took 0.6-1.4 s per thread; one file takes a third of that, which is
// most of a fabric's start-up (issue 12). better-sqlite3 stays outside: it loads a native addon.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const common = {
  absWorkingDir: root,
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3'],
  // No source map: it would point into node_modules, which the package does not ship. The bundle
  // keeps every module's code as written, under a comment naming its file (dist/... of ours).
  sourcemap: false,
  logLevel: 'warning',
};

await build({
  ...common,
  entryPoints: { 'region/executor-worker.bundle': 'dist/region/executor-worker.js' },
  outExtension: { '.js': '.mjs' },
  format: 'esm',
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __fabricRequire } from 'node:module'; const require = __fabricRequire(import.meta.url);" },
});

// The PoP thread's bundle is a CommonJS script: on Node 20, which has no module compile cache, a
// script is what V8 can keep a code cache for (src/core/code-cache.ts). Our modules' import.meta.url
// becomes the bundle's own URL, which is where they were (dist/<dir>/, two levels below the root).
await build({
  ...common,
  entryPoints: { 'fabric/pop-thread.bundle': 'dist/fabric/pop-thread.js' },
  outExtension: { '.js': '.cjs' },
  format: 'cjs',
  define: { 'import.meta.url': '__fabricUrl' },
  banner: { js: "var __fabricUrl = require('node:url').pathToFileURL(__filename).href;" },
});

// The bundle's hash names its code cache; hashing 3.6 MB took each new thread ~8 ms, so it is done once here.
const bundle = `${root}dist/fabric/pop-thread.bundle.cjs`;
writeFileSync(`${bundle}.sha256`, `${createHash('sha256').update(readFileSync(bundle)).digest('hex')}\n`);
