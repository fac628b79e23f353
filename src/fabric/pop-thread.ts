/*
 * PoPs on an event loop of their own (a worker thread of `startFabric()`, one PoP per thread up to
 * the fabric's thread count): their Fastify apps, replicas and replication links. The fabric
 * drives each with PopRequest messages, the same verbs as the RegionAgent of an in-process or
 * child-process PoP. A kill stops serving and replicating and keeps the thread, so the replica
 * (in memory or in a temporary file) is there for the restart.
 *
 * A thread serves one fabric at a time: an `open` message starts its PoPs, and once the last of
 * them is closed the thread is empty again and may be given the PoPs of a later fabric of the same
 * process (thread-pool.ts), which then skips loading and compiling every module afresh.
 */
import { parentPort, type MessagePort } from 'node:worker_threads';
import { FabricClock } from '../core/clock.js';
import { saveCodeCache } from '../core/code-cache.js';
import { dialHost } from '../core/dial-host.js';
import { PopDoor } from '../control/pop-door.js';
import { createRegion, DEFAULT_BODY_LIMIT, type Region } from '../region/region.js';
import type { DatacenterInfo } from '../topology/index.js';
import { PortNetwork } from '../replication/index.js';
import type { PopMessage, PopReply, PopRequest, PopThreadData, Switchboard } from './thread-protocol.js';

const port = parentPort!;
/** The fabric this thread serves now: its PoPs and their one clock, a copy of the fabric's (setClock keeps it in step). */
interface Session {
  clock: FabricClock;
  datacenters: DatacenterInfo[] | undefined;
  regions: Map<string, Region>;
  data: PopThreadData;
  /** The PoPs' TLS doors (control/pop-door.ts), once the fabric opens its front door. */
  doors: Map<string, PopDoor>;
  /** Replication with the fabric's other PoP threads, over ports. */
  ports: PortNetwork;
}
let session: Session | undefined;

/**
 * A failure to open a replica fails the open; better-sqlite3's SqliteError does not survive the
 * structured clone to the parent (only its code does), so the parent gets a plain Error that says it.
 */
function opened(name: string, make: () => Region): Region {
  try {
    return make();
  } catch (e) {
    const err = e as Error & { code?: string };
    throw new Error(`region ${name} cannot open its replica: ${err.message}${err.code ? ` (${err.code})` : ''}`);
  }
}

/** The environment a new thread would have copied from the fabric's: what the PoPs read (dev credentials, ...). */
function adoptEnv(env: Record<string, string | undefined>): void {
  for (const k of Object.keys(process.env)) if (!(k in env)) delete process.env[k];
  Object.assign(process.env, env);
}

/** Every PoP of the fabric, with the switchboard port to its thread (null: this thread). */
function routes(sb: Switchboard): Map<string, MessagePort | null> {
  return new Map(Object.entries(sb.threadOf).map(([name, t]) => [name, t === sb.thread ? null : (sb.ports[t] as MessagePort)]));
}

function open(data: PopThreadData, sb: Switchboard): Session {
  const s: Session = { clock: new FabricClock(), datacenters: undefined, regions: new Map(), data, doors: new Map(), ports: new PortNetwork(routes(sb)) };
  for (const name of data.names) {
    const region: Region = opened(name, () => createRegion({
      topology: data.topology,
      name,
      dataDir: data.dataDir,
      latency: data.latency,
      host: data.host,
      secret: data.secret,
      allowedHosts: data.allowedHosts,
      auth: data.auth,
      clock: s.clock,
      ports: s.ports,
      offload: true,
      datacenters: () => s.datacenters ?? data.topology.regions.map((r) => ({ ...r, host: data.host, port: r.name === name ? region.port() : r.port })),
      warn: (msg) => port.postMessage({ region: name, warn: msg } satisfies PopReply),
      ...(data.bodyLimit !== undefined ? { bodyLimit: data.bodyLimit } : {}),
      ...(data.logger !== undefined ? { logger: data.logger } : {}),
      ...(data.httpsPort !== undefined ? { httpsPort: () => data.httpsPort } : {}),
    }));
    s.regions.set(name, region);
  }
  return s;
}

async function openDoor(s: Session, region: Region, tls: { cert: string; key: string; ca: string }, frontDoorUrl: string): Promise<number> {
  await s.doors.get(region.name)?.close();
  const door = new PopDoor({
    region: region.name,
    regions: s.data.topology.regions.map((r) => r.name),
    tls,
    local: () => (region.listening() ? region.app.server : undefined),
    frontDoorUrl,
    bodyLimit: s.data.bodyLimit ?? DEFAULT_BODY_LIMIT,
    allowedHosts: s.data.allowedHosts,
  });
  s.doors.set(region.name, door);
  return door.listen(dialHost(s.data.host).replace(/^\[|\]$/g, ''));
}

async function handle(s: Session, region: Region, r: PopRequest): Promise<unknown> {
  switch (r.op) {
    case 'start':
      return region.listen({ replicate: false });
    case 'kill':
      return region.kill();
    case 'close':
      await s.doors.get(region.name)?.close();
      return region.close();
    case 'replication':
      return region.state() === 'serving' ? region.replicator.status() : undefined;
    case 'setLink':
      return region.replicator.setLink(r.peer, r.settings);
    case 'setReplication':
      return r.running ? region.replicator.start() : region.replicator.stop();
    case 'reset':
      region.storage.reset();
      region.streams().reset();
      region.replicator.resetStats();
      return undefined;
    case 'setClock':
      s.clock.setState(r.state);
      return undefined;
    case 'expectClock':
      s.clock.expect(r.state);
      return undefined;
    case 'backup':
      return region.backup(r.file);
    case 'prepareImage':
      return region.prepareImage(r.file);
    case 'restore':
      return region.restore(r.file);
    case 'openDoor':
      return openDoor(s, region, r.tls, r.frontDoorUrl);
  }
}

const reply = (m: PopReply) => port.postMessage(m);
const failed = (id: number, e: unknown) => reply({ id, ok: false, message: e instanceof Error ? e.message : String(e) });

port.on('message', (m: PopMessage) => {
  if (m === 'end') return port.close();
  if ('datacenters' in m) {
    if (session) session.datacenters = m.datacenters;
    return;
  }
  if ('open' in m) {
    try {
      if (session) throw new Error(`the thread still runs ${[...session.regions.keys()].join(', ')}`);
      adoptEnv(m.env);
      session = open(m.open, m.switchboard);
      reply({ id: m.id, ok: true, value: undefined });
    } catch (e) {
      // The parent ends a thread whose open failed: PoPs opened before the failure go with it.
      failed(m.id, e);
    }
    return;
  }
  const s = session;
  const region = s?.regions.get(m.region);
  // After a failed open (the parent ends the thread then), or a message for a PoP not on it.
  if (!s || !region) return failed(m.id, new Error(`region ${m.region} is not open on this thread`));
  handle(s, region, m.request).then(
    (value) => {
      // The session ends with its last PoP; the thread waits for the next one (or for `end`).
      if (m.request.op === 'close' && [...s.regions.values()].every((r) => r.state() === 'closed') && session === s) {
        s.clock.stop();
        s.ports.close();
        session = undefined;
      }
      reply({ id: m.id, ok: true, value });
      // Once a PoP serves, the code its start compiled is what the next thread's start needs.
      if (m.request.op === 'start') saveCodeCache();
    },
    (e: unknown) => failed(m.id, e),
  );
});
