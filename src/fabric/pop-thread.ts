/*
 * One PoP on an event loop of its own (a worker thread of `startFabric()`): its Fastify app, its
 * replica and its replication links. The fabric drives it with PopRequest messages, the same verbs
 * as the RegionAgent of an in-process or child-process PoP. A kill stops serving and replicating
 * and keeps the thread, so the replica (in memory or in a temporary file) is there for the restart.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FabricClock } from '../core/clock.js';
import { createRegion } from '../region/region.js';
import type { DatacenterInfo } from '../topology/index.js';
import type { PopMessage, PopReply, PopRequest, PopThreadData } from './thread-protocol.js';

const data = workerData as PopThreadData;
const port = parentPort!;
const clock = new FabricClock();
let datacenters: DatacenterInfo[] | undefined;
const region = createRegion({
  topology: data.topology,
  name: data.name,
  dataDir: data.dataDir,
  latency: data.latency,
  host: data.host,
  secret: data.secret,
  allowedHosts: data.allowedHosts,
  clock,
  offload: true,
  datacenters: () => datacenters ?? data.topology.regions.map((r) => ({ ...r, host: data.host, port: r.name === data.name ? region.port() : r.port })),
  warn: (msg) => port.postMessage({ warn: msg } satisfies PopReply),
  ...(data.bodyLimit !== undefined ? { bodyLimit: data.bodyLimit } : {}),
  ...(data.logger !== undefined ? { logger: data.logger } : {}),
});

async function handle(r: PopRequest): Promise<unknown> {
  switch (r.op) {
    case 'start':
      return region.listen({ replicate: false });
    case 'kill':
      return region.kill();
    case 'close':
      await region.close();
      clock.stop();
      return undefined;
    case 'replication':
      return region.state() === 'serving' ? region.replicator.status() : undefined;
    case 'setLink':
      return region.replicator.setLink(r.peer, r.settings);
    case 'setReplication':
      return r.running ? region.replicator.start() : region.replicator.stop();
    case 'reset':
      region.storage.reset();
      region.replicator.resetStats();
      return undefined;
    case 'setClock':
      clock.setState(r.state);
      return undefined;
  }
}

port.on('message', (m: PopMessage) => {
  if ('datacenters' in m) {
    datacenters = m.datacenters;
    return;
  }
  handle(m.request).then(
    (value) => {
      port.postMessage({ id: m.id, ok: true, value } satisfies PopReply);
      if (m.request.op === 'close') port.close();
    },
    (e: unknown) => port.postMessage({ id: m.id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies PopReply),
  );
});
