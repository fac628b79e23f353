/** Which runtime a function is for, from its folder and source, as a developer would tell. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { HandlerError, RUNTIMES, type RuntimeKind } from './runtime.js';
import { CONFIG_FILES } from './workers/config.js';

export interface EdgeProject {
  kind: RuntimeKind;
  /** The file or folder as given. */
  path: string;
  /** The folder watched for changes. */
  root: string;
  /** The script to run (Lambda's handler file, EdgeWorkers' main.js); Workers read theirs from the config. */
  entry?: string;
}

const AKAMAI = /\bexport\s+(?:async\s+)?function\s+(?:onClientRequest|onOriginRequest|onOriginResponse|onClientResponse|responseProvider)\b|\bexport\s*\{[^}]*\b(?:onClientRequest|responseProvider)\b/;
const LAMBDA = /\bexport\s+(?:async\s+)?function\s+handler\b|\bexport\s+(?:const|let)\s+handler\b|\b(?:module\.)?exports\.handler\s*=/;
const WORKER = /\baddEventListener\s*\(\s*['"]fetch['"]|^\s*export\s+default\b/m;
const FASTLY = /\bfrom\s+['"]fastly:/;

function bySource(file: string): RuntimeKind | undefined {
  const src = readFileSync(file, 'utf8');
  const dir = dirname(file);
  if (FASTLY.test(src) || existsSync(join(dir, 'fastly.toml'))) return 'fastly';
  if (AKAMAI.test(src)) return 'akamai';
  if (LAMBDA.test(src)) return 'lambda-edge';
  if (WORKER.test(src)) return 'workers';
  return undefined;
}

function byFolder(dir: string): { kind: RuntimeKind; entry?: string } | undefined {
  if (existsSync(join(dir, 'fastly.toml'))) return { kind: 'fastly' };
  if (existsSync(join(dir, 'bundle.json'))) return { kind: 'akamai', entry: join(dir, 'main.js') };
  if (CONFIG_FILES.some((f) => existsSync(join(dir, f))) || existsSync(join(dir, 'functions'))) return { kind: 'workers' };
  for (const name of ['main.js', 'index.mjs', 'index.js', 'index.cjs']) {
    const f = join(dir, name);
    const kind = existsSync(f) ? bySource(f) : undefined;
    if (kind) return { kind, entry: f };
  }
  return undefined;
}

/** `forced` is --runtime; without it the kind is read from the folder's files or the script's exports. */
export function detectProject(path: string, forced?: RuntimeKind): EdgeProject {
  if (!existsSync(path)) throw new HandlerError(`handler ${path}: no such file or folder`);
  const isDir = statSync(path).isDirectory();
  const root = isDir ? path : dirname(path);
  const found = isDir ? byFolder(path) : { kind: bySource(path), entry: path };
  const kind = forced ?? found?.kind;
  if (kind === undefined) {
    throw new HandlerError(
      `handler ${path}: cannot tell which runtime it is for (no wrangler.toml, functions/, bundle.json or fastly.toml, and no handler(), fetch handler or EdgeWorkers event handler exported); say --runtime ${RUNTIMES.join('|')}`,
    );
  }
  let entry = found?.entry;
  if (kind === 'akamai') {
    entry = join(root, 'main.js');
    if (!existsSync(entry) || (!isDir && basename(path) !== 'main.js')) throw new HandlerError(`handler ${path}: an EdgeWorkers bundle's script is main.js, beside its bundle.json`);
  }
  if (kind === 'lambda-edge' && entry === undefined) throw new HandlerError(`handler ${path}: no index.mjs or index.js exporting handler() in this folder`);
  return { kind, path, root, ...(entry !== undefined && kind !== 'workers' ? { entry } : {}) };
}
