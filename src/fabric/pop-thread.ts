/*
 * PoPs on an event loop of their own (a worker thread of `startFabric()`, one PoP per thread up to
 * the fabric's thread count): their Fastify apps, replicas and replication links. The fabric
 * drives each with PopRequest messages, the same verbs as the RegionAgent of an in-process or
 * child-process PoP. A kill stops serving and replicating and keeps the thread, so the replica
 * (in memory or in a temporary file) is there for the restart.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FabricClock } from '../core/clock.js';
import { dialHost } from '../core/dial-host.js';
import { PopDoor } from '../control/pop-door.js';
import { createRegion, DEFAULT_BODY_LIMIT, type Region } from '../region/region.js';
import type { DatacenterInfo } from '../topology/index.js';
import type { PopMessage, PopReply, PopRequest, PopThreadData } from './thread-protocol.js';

const data = workerData as PopThreadData;
const port = parentPort!;
// One clock for the PoPs of this thread, a copy of the fabric's (setClock keeps it in step).
const clock = new FabricClock();
let datacenters: DatacenterInfo[] | undefined;
const regions = new Map<string, Region>();
const doors = new Map<string, PopDoor>();
/**
 * A failure to open a replica ends the thread; better-sqlite3's SqliteError does not survive the
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
    clock,
    offload: true,
    datacenters: () => datacenters ?? data.topology.regions.map((r) => ({ ...r, host: data.host, port: r.name === name ? region.port() : r.port })),
    warn: (msg) => port.postMessage({ region: name, warn: msg } satisfies PopReply),
    ...(data.bodyLimit !== undefined ? { bodyLimit: data.bodyLimit } : {}),
    ...(data.logger !== undefined ? { logger: data.logger } : {}),
    ...(data.httpsPort !== undefined ? { httpsPort: () => data.httpsPort } : {}),
  }));
  regions.set(name, region);
}

async function openDoor(region: Region, tls: { cert: string; key: string; ca: string }, frontDoorUrl: string): Promise<number> {
  await doors.get(region.name)?.close();
  const door = new PopDoor({
    region: region.name,
    regions: data.topology.regions.map((r) => r.name),
    tls,
    local: () => (region.listening() ? region.app.server : undefined),
    frontDoorUrl,
    bodyLimit: data.bodyLimit ?? DEFAULT_BODY_LIMIT,
    allowedHosts: data.allowedHosts,
  });
  doors.set(region.name, door);
  return door.listen(dialHost(data.host).replace(/^\[|\]$/g, ''));
}

async function handle(region: Region, r: PopRequest): Promise<unknown> {
  switch (r.op) {
    case 'start':
      return region.listen({ replicate: false });
    case 'kill':
      return region.kill();
    case 'close':
      await doors.get(region.name)?.close();
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
      clock.setState(r.state);
      return undefined;
    case 'backup':
      return region.backup(r.file);
    case 'prepareImage':
      return region.prepareImage(r.file);
    case 'restore':
      return region.restore(r.file);
    case 'openDoor':
      return openDoor(region, r.tls, r.frontDoorUrl);
  }
}

port.on('message', (m: PopMessage) => {
  if ('datacenters' in m) {
    datacenters = m.datacenters;
    return;
  }
  const region = regions.get(m.region) as Region;
  handle(region, m.request).then(
    (value) => {
      port.postMessage({ id: m.id, ok: true, value } satisfies PopReply);
      // The thread ends with its last PoP.
      if (m.request.op === 'close' && [...regions.values()].every((r) => r.state() === 'closed')) {
        clock.stop();
        port.close();
      }
    },
    (e: unknown) => port.postMessage({ id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies PopReply),
  );
});
