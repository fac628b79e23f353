import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { MetricFamily } from '../control/metrics.js';
import { renderPrometheus } from '../control/metrics.js';
import { buildControlApp } from '../control/server.js';
import { combineStatus, undrainedLinks, type RegionReport } from '../control/status.js';
import { partitionCuts, type FabricControl, type LinkChange } from '../control/types.js';
import type { LinkSettings, ReplicationStatus } from '../replication/index.js';
import type { Topology } from '../topology/index.js';
import { ChildRegion } from './child-region.js';
import { checkClientRegion } from './client-region.js';
import { applyChange } from './local-control.js';
import { freePort } from './ports.js';

export interface ProcessFabricOptions {
  topology: Topology;
  /** Required: a killed process keeps its data only on disk. */
  dataDir: string;
  latency?: boolean;
  host?: string;
  log?: (line: string) => void;
  /** Where a client of the global URL is when its request does not say (a region name); default the first region. */
  clientRegion?: string | undefined;
}

export interface ProcessFabric extends FabricControl {
  readonly topology: Topology;
  regionUrl(name: string): string;
  globalUrl(): string;
  close(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    signal: AbortSignal.timeout(5_000),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Children read the parent's already-resolved topology from a file in the data dir, so they agree
 * with it exactly whatever it came from (a file, a preset, or an object built in code).
 */
function topologyArgs(t: Topology, dataDir: string): string[] {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'topology.json');
  writeFileSync(file, JSON.stringify(t));
  return ['--topology-json', file];
}

/**
 * `fabric-emu up --processes`: every PoP in its own child process on a port fixed up front, and
 * the control server here. Link settings are kept here as the desired state and pushed to a child
 * again after it restarts, because a killed process forgets them.
 */
export async function startProcessFabric(opts: ProcessFabricOptions): Promise<ProcessFabric> {
  const { topology } = opts;
  checkClientRegion(topology, opts.clientRegion);
  const host = opts.host ?? '127.0.0.1';
  const log = opts.log ?? ((line: string) => console.error(line));
  const ports: Record<string, number> = {};
  for (const r of topology.regions) ports[r.name] = r.port === 0 ? await freePort(host) : r.port;
  const args = topologyArgs(topology, opts.dataDir);
  const children = new Map(
    topology.regions.map((r) => [
      r.name,
      new ChildRegion({ name: r.name, topologyArgs: args, dataDir: opts.dataDir, latency: opts.latency ?? true, host, ports, log }),
    ]),
  );
  const names = topology.regions.map((r) => r.name);
  const settings = new Map<string, LinkSettings>();
  const settingsOf = (a: string, b: string) => settings.get(`${a}>${b}`) ?? { cut: false };
  const child = (name: string) => {
    const c = children.get(name);
    if (!c) throw new RangeError(`unknown region '${name}'; known: ${names.join(', ')}`);
    return c;
  };

  const push = async (a: string, b: string) => {
    const c = child(a);
    if (c.isReady()) await request('PUT', `${c.url()}/_emu/region/links/${b}`, settingsOf(a, b));
  };
  const reports = async (): Promise<RegionReport[]> =>
    Promise.all(
      names.map(async (name): Promise<RegionReport> => {
        const c = child(name);
        if (!c.isReady()) return { name, url: c.url(), state: 'killed', replication: undefined };
        try {
          const s = await request<{ replication: ReplicationStatus }>('GET', `${c.url()}/_emu/region/status`);
          return { name, url: c.url(), state: 'serving', replication: s.replication };
        } catch {
          return { name, url: c.url(), state: 'killed', replication: undefined };
        }
      }),
    );
  const setAll = async (fn: (a: string, b: string) => LinkSettings) => {
    for (const a of names) for (const b of names) if (a !== b) settings.set(`${a}>${b}`, fn(a, b));
    await Promise.all(names.flatMap((a) => names.filter((b) => b !== a).map((b) => push(a, b))));
  };

  const control: FabricControl = {
    status: async () => combineStatus(await reports()),
    async setLink(from: string, to: string, change: LinkChange, o: { bidirectional?: boolean } = {}) {
      const pairs: [string, string][] = o.bidirectional === false ? [[from, to]] : [[from, to], [to, from]];
      for (const [a, b] of pairs) {
        child(a);
        child(b);
        settings.set(`${a}>${b}`, applyChange(settingsOf(a, b), change));
        await push(a, b);
      }
    },
    async partition(groups) {
      const cuts = partitionCuts(names, groups);
      await setAll((a, b) => ({ ...settingsOf(a, b), cut: cuts.has(`${a}>${b}`) }));
    },
    async heal() {
      await setAll((a, b) => ({ ...settingsOf(a, b), cut: false }));
    },
    async kill(name) {
      await child(name).kill();
    },
    async restart(name) {
      const c = child(name);
      if (c.alive()) return;
      await c.start();
      for (const b of names) if (b !== name) await push(name, b);
    },
    async reset() {
      const dead = names.filter((n) => !child(n).isReady());
      if (dead.length) throw new Error(`cannot reset while ${dead.join(', ')} ${dead.length === 1 ? 'is' : 'are'} killed: restart first`);
      // Two phases, so no region ships into a peer whose version vector still has old numbers.
      for (const n of names) await request('POST', `${child(n).url()}/_emu/region/replication`, { running: false });
      for (const n of names) await request('POST', `${child(n).url()}/_emu/region/reset`);
      for (const n of names) await request('POST', `${child(n).url()}/_emu/region/replication`, { running: true });
    },
    async waitForReplication(o = {}) {
      const timeout = o.timeoutMs ?? 30_000;
      const deadline = Date.now() + timeout;
      for (;;) {
        const behind = undrainedLinks(await reports());
        if (behind.length === 0) return;
        if (Date.now() > deadline) throw new Error(`replication did not drain in ${timeout} ms; behind: ${behind.join(', ')}`);
        await sleep(10);
      }
    },
    async metrics() {
      const live = names.filter((n) => child(n).isReady());
      const families = await Promise.all(live.map((n) => request<MetricFamily[]>('GET', `${child(n).url()}/_emu/region/metrics`)));
      return renderPrometheus(families.flat());
    },
    health: () => names.map((n) => ({ name: n, url: child(n).url(), listening: child(n).isReady() })),
  };

  const server: FastifyInstance = buildControlApp(control, {
    topology,
    clientRegion: opts.clientRegion,
    targets: () => names.map((n) => ({ name: n, url: child(n).url(), live: child(n).isReady() })),
  });
  const close = async () => {
    await server.close();
    await Promise.all([...children.values()].map((c) => c.stop()));
  };
  try {
    await Promise.all([...children.values()].map((c) => c.start()));
    await server.listen({ host, port: topology.global.port });
  } catch (e) {
    await close();
    throw e;
  }
  const globalPort = (server.server.address() as { port: number }).port;
  return {
    ...control,
    topology,
    regionUrl: (name) => child(name).url(),
    globalUrl: () => `http://${host}:${globalPort}`,
    close,
  };
}
