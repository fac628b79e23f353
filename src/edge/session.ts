/** What `dev` and `invoke` share: find the function's runtime and deployments, and load it. */
import { isAbsolute, relative, resolve } from 'node:path';
import { loadAkamai } from './akamai/runtime.js';
import { detectProject, type EdgeProject } from './detect.js';
import { fabricMap, placements, resolveRoute, type Placement } from './fabric-target.js';
import { fastlyUnavailable } from './fastly.js';
import { loadLambda, type LambdaTrigger } from './lambda/runtime.js';
import type { FabricMap } from './outbound.js';
import type { LoadedFunction, RuntimeKind } from './runtime.js';
import { readWorkersProject } from './workers/config.js';
import { loadWorkers } from './workers/runtime.js';

/** Per request, for runtimes without a limit of their own (Lambda@Edge has one per trigger). */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface FunctionOptions {
  /** Global URL of the running fabric. */
  url: string;
  /** A region name, `lat,lon`, or `all`: where the function is deployed. */
  at: string;
  /** --runtime; detected when undefined. */
  runtime?: RuntimeKind | undefined;
  /** Lambda: the event source (default viewer-request). */
  trigger?: LambdaTrigger | undefined;
  /** Lambda@Edge and EdgeWorkers: the origin behind the edge (default: the fabric's nearest PoP). */
  origin?: string | undefined;
  includeBody?: boolean | undefined;
  /** Host names that mean the fabric's global URL, besides the defaults. */
  gdnHosts?: readonly string[] | undefined;
  cwd?: string | undefined;
}

export interface Session {
  project: EdgeProject;
  shown: string;
  placements: Placement[];
  fabric: FabricMap;
  load(log: (line: string) => void): Promise<LoadedFunction>;
}

export function shownFile(abs: string, cwd = process.cwd()): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

export async function openSession(path: string, o: FunctionOptions): Promise<Session> {
  const abs = resolve(o.cwd ?? process.cwd(), path);
  const shown = shownFile(abs, o.cwd);
  const project = detectProject(abs, o.runtime);
  if (project.kind === 'fastly') throw fastlyUnavailable(shown);
  const places = await placements(o.url, o.at);
  const fabric = await fabricMap(o.url, o.gdnHosts);
  return {
    project,
    shown,
    placements: places,
    fabric,
    async load(log) {
      const routes = await Promise.all(places.map((p) => resolveRoute(o.url, p.at)));
      const lo = { placements: places, fabric, routes, shown, log };
      if (project.kind === 'workers') return loadWorkers(readWorkersProject(abs), lo);
      if (project.kind === 'akamai') return loadAkamai(project.root, lo, o.origin);
      return loadLambda(project.entry!, lo, { trigger: o.trigger ?? 'viewer-request', origin: o.origin, includeBody: o.includeBody ?? false });
    },
  };
}
