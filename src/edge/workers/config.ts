/**
 * A Workers project as wrangler reads it: `wrangler.toml`, `wrangler.json` or `wrangler.jsonc` for
 * `main`, `vars` and the KV/D1/R2 bindings, `.dev.vars` for local secrets, and a `functions/`
 * folder for Pages. Only the keys that matter to running it locally are read; others are left
 * alone, as wrangler dev leaves routes and account ids alone.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { z } from 'zod';
import { HandlerError } from '../runtime.js';

export const CONFIG_FILES = ['wrangler.toml', 'wrangler.jsonc', 'wrangler.json'] as const;

const Binding = z.object({ binding: z.string().min(1) });
const WranglerConfig = z.object({
  name: z.string().optional(),
  main: z.string().optional(),
  compatibility_date: z.string().optional(),
  compatibility_flags: z.array(z.string()).optional(),
  vars: z.record(z.string(), z.unknown()).optional(),
  kv_namespaces: z.array(Binding.extend({ id: z.string().optional() })).optional(),
  d1_databases: z.array(Binding.extend({ database_id: z.string().optional(), database_name: z.string().optional() })).optional(),
  r2_buckets: z.array(Binding.extend({ bucket_name: z.string().optional() })).optional(),
  pages_build_output_dir: z.string().optional(),
});

export interface WorkersProject {
  root: string;
  /** The config file read, if any. */
  config?: string;
  name: string;
  /** The Worker's script; undefined for a Pages project. */
  main?: string;
  format: 'modules' | 'service-worker';
  /** Pages: the functions/ folder, and the static files beside it. */
  functions?: string;
  assets?: string;
  vars: Record<string, unknown>;
  kv: Record<string, string>;
  d1: Record<string, string>;
  r2: Record<string, string>;
  compatibilityDate?: string;
  compatibilityFlags: string[];
}

/** JSON with comments and trailing commas, as wrangler.jsonc allows. */
export function stripJsonc(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
      const s = end ? end[0] : text.slice(i);
      out += s;
      i += s.length - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      i = close === -1 ? text.length : close + 1;
    } else out += c;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

function readConfig(file: string): z.infer<typeof WranglerConfig> {
  const text = readFileSync(file, 'utf8');
  let raw: unknown;
  try {
    raw = file.endsWith('.toml') ? parseToml(text) : JSON.parse(stripJsonc(text));
  } catch (e) {
    throw new HandlerError(`${file}: ${(e as Error).message}`);
  }
  const r = WranglerConfig.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HandlerError(`${file}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
  }
  return r.data;
}

/** `.dev.vars`: KEY=VALUE lines, values optionally quoted, as wrangler dev reads them for secrets. */
export function parseDevVars(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    const v = m[2]!;
    out[m[1]!] = /^(["']).*\1$/.test(v) ? v.slice(1, -1).replace(/\\n/g, '\n') : v.replace(/\s+#.*$/, '');
  }
  return out;
}

/** wrangler's rule: a script with a default export is a module Worker, anything else a service worker. */
export function scriptFormat(source: string): 'modules' | 'service-worker' {
  return /^\s*export\s+default\b|^\s*export\s*\{[^}]*\bas\s+default\b/m.test(source) ? 'modules' : 'service-worker';
}

const byBinding = (list: { binding: string }[] | undefined, id: (b: never) => string | undefined) =>
  Object.fromEntries((list ?? []).map((b) => [b.binding, id(b as never) ?? b.binding]));

/** `path` is a Worker script, or a folder holding a wrangler config or a functions/ folder. */
export function readWorkersProject(path: string): WorkersProject {
  const isDir = statSync(path).isDirectory();
  const root = isDir ? path : dirname(path);
  const configFile = CONFIG_FILES.map((f) => join(root, f)).find((f) => existsSync(f));
  const c = configFile ? readConfig(configFile) : {};
  const main = isDir ? (c.main !== undefined ? resolve(root, c.main) : undefined) : path;
  const functions = join(root, 'functions');
  if (main === undefined && !existsSync(functions)) {
    throw new HandlerError(`${root}: neither a main script in ${configFile ?? 'wrangler.toml'} nor a functions/ folder (Pages)`);
  }
  if (main !== undefined && !existsSync(main)) throw new HandlerError(`${configFile ?? root}: main ${main} does not exist`);
  const devVars = join(root, '.dev.vars');
  return {
    root,
    ...(configFile ? { config: configFile } : {}),
    name: c.name ?? basename(root),
    ...(main !== undefined ? { main } : { functions, assets: resolve(root, c.pages_build_output_dir ?? 'public') }),
    format: main === undefined ? 'modules' : scriptFormat(readFileSync(main, 'utf8')),
    vars: { ...c.vars, ...(existsSync(devVars) ? parseDevVars(readFileSync(devVars, 'utf8')) : {}) },
    kv: byBinding(c.kv_namespaces, (b: { id?: string }) => b.id),
    d1: byBinding(c.d1_databases, (b: { database_id?: string; database_name?: string }) => b.database_id ?? b.database_name),
    r2: byBinding(c.r2_buckets, (b: { bucket_name?: string }) => b.bucket_name),
    ...(c.compatibility_date !== undefined ? { compatibilityDate: c.compatibility_date } : {}),
    compatibilityFlags: c.compatibility_flags ?? [],
  };
}
