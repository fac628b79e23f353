// Removes outputs in dist/ whose source in src/ is gone: the incremental build (tsc -b) keeps
// a built tree as it is, including files of deleted modules, which would otherwise be packed.
import { existsSync, readdirSync, rmdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const dist = join(root, 'dist');

function prune(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      prune(path);
      if (readdirSync(path).length === 0) rmdirSync(path);
      continue;
    }
    const stem = /^(.*)\.(?:js|js\.map|d\.ts|d\.ts\.map)$/.exec(relative(dist, path))?.[1];
    if (stem !== undefined && !existsSync(join(root, 'src', `${stem}.ts`))) rmSync(path);
  }
}

if (existsSync(dist)) prune(dist);
