// Bundles each worker thread's entry (a PoP thread, a PoP's query executor) with everything it
// imports into one file. A worker thread loads its modules afresh: as ~270 separate ES modules,
// resolving and compiling them took 0.6-1.4 s per thread; one file takes a third of that, which is
// most of a fabric's start-up (issue 12). better-sqlite3 stays outside: it loads a native addon.
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const ENTRIES = ['fabric/pop-thread', 'region/executor-worker'];

await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(ENTRIES.map((e) => [`${e}.bundle`, `dist/${e}.js`])),
  outdir: 'dist',
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  // Bundled CommonJS dependencies call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __fabricRequire } from 'node:module'; const require = __fabricRequire(import.meta.url);" },
  // No source map: it would point into node_modules, which the package does not ship. The bundle
  // keeps every module's code as written, under a comment naming its file (dist/... of ours).
  sourcemap: false,
  logLevel: 'warning',
});
