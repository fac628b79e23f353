import { availableParallelism } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import type { FastifyInstance } from 'fastify';
import { resolveAllowedHosts } from '../api/host-guard.js';
import { devCredentials } from '../auth/index.js';
import { FabricClock } from '../core/clock.js';
import { fabricControl, moveClocks } from '../control/fabric-control.js';
import type { GlobalRouting } from '../control/route-table.js';
import { buildControlApp } from '../control/server.js';
import { DEFAULT_BODY_LIMIT } from '../region/region.js';
import { dialAddress, type TlsMaterial } from '../tls/index.js';
import { checkClientRegion } from './client-region.js';
import { httpsMaterial, httpsPlan, openFrontDoor, type OpenDoor } from './https.js';
import { fabricSecret } from './secret.js';
import { giveBack, takeThread } from './thread-pool.js';
import { PopThread, ThreadRegion } from './thread-region.js';
import { fabricSurface } from './surface.js';
import type { Fabric } from './types.js';
import type { CheckedFabricOptions } from './options.js';
import type { Switchboard } from './thread-protocol.js';

/**
 * PoP threads a fabric starts unless told otherwise: one per PoP up to this many. A thread costs
 * about 40 MB and a load of every module (fastify, zod, ws, ...): 25 threads took a gigabyte and
 * many seconds to start, so larger fabrics share threads, several PoPs to one (PoP i on thread
 * i mod n). Threads beyond the machine's cores add their start and nothing else: on 2 cores, 25
 * PoPs on 4 threads started on about a fifth less CPU than on 8. So: the cores, between 4 (a
 * thread for each PoP of the default fabric everywhere) and 8. Long queries and index builds leave
 * a PoP's loop anyway (its query executor).
 */
export const DEFAULT_POP_THREADS = Math.max(4, Math.min(8, availableParallelism()));

/**
 * The PoP threads' switchboards: a MessageChannel between every two threads, so that their PoPs
 * replicate over ports (replication/port-transport.ts) rather than over loopback sockets, with the
 * kernel's wake-ups and WebSocket framing in between. PoP j runs on thread j mod count.
 */
function switchboard(names: string[], count: number): Switchboard[] {
  const threadOf = Object.fromEntries(names.map((n, j) => [n, j % count]));
  const boards: Switchboard[] = Array.from({ length: count }, (_v, thread) => ({ thread, threadOf, ports: {} }));
  for (let i = 0; i < count; i++)
    for (let j = i + 1; j < count; j++) {
      const { port1, port2 } = new MessageChannel();
      (boards[i] as Switchboard).ports[j] = port1;
      (boards[j] as Switchboard).ports[i] = port2;
    }
  return boards;
}

/**
 * `startFabric()`: the PoPs on event loops of their own (worker threads, pop-thread.ts), so that
 * no PoP's work delays another's answers, and the global/control server on this one. The control
 * verbs are the same code as for the other fabrics (control/fabric-control.ts), over ThreadRegion agents.
 */
export async function startThreadFabric(opts: CheckedFabricOptions): Promise<Fabric> {
  const host = opts.host ?? '127.0.0.1';
  const { topology } = opts;
  checkClientRegion(topology, opts.clientRegion);
  const clock = opts.clock ?? new FabricClock();
  const secret = opts.secret ?? fabricSecret(opts.dataDir);
  // Resolved once here too, so a bad dev key in regions.yaml or the environment fails the start.
  const credentials = devCredentials(topology.dev, secret);
  const auth = opts.auth !== false;
  const allowedHosts = resolveAllowedHosts(host, opts.allowedHosts);
  const plan = httpsPlan(topology, opts.https, opts.dataDir);
  const regions: ThreadRegion[] = [];
  // A PoP dials its peers by port: each learns every port as soon as one is bound.
  const announce = () => {
    const datacenters = regions.map((r) => ({ ...r.spec, host, port: r.port() }));
    for (const t of threads) t.setDatacenters(datacenters);
  };
  // PoPs on other threads are reached over their ports, by the global router and the front door alike.
  const routing: GlobalRouting = {
    topology,
    clientRegion: opts.clientRegion,
    allowedHosts,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    targets: () => regions.map((r) => ({ name: r.name, url: r.url(), live: r.listening(), door: r.door() })),
  };
  // The front door listens before the threads start: every PoP reports its port in /datacenter/*,
  // and a port bound here cannot be taken by anyone else in the meantime, as a port picked ahead could.
  // Until the global server listens, /_emu under the global names has nowhere to go (port 0 refuses).
  let controlPort = 0;
  const count = Math.max(1, Math.min(topology.regions.length, opts.threads ?? DEFAULT_POP_THREADS));
  // Taken first: a new thread spends most of a start loading its code, which then overlaps the
  // certificate and the front door on this thread.
  const workers = Array.from({ length: count }, () => takeThread());
  let door: OpenDoor | undefined;
  let tls: TlsMaterial | undefined;
  try {
    tls = plan && httpsMaterial(plan, topology, clock);
    door = tls && plan ? await openFrontDoor({ host, port: plan.port, tls, routing, controlUrl: () => `http://${dialAddress(host)}:${controlPort}` }) : undefined;
  } catch (e) {
    for (const w of workers) giveBack(w);
    throw e;
  }
  const httpsPort = door?.info.port;
  const warn = (region: string, msg: string) => (opts.warn ?? ((m: string) => console.warn(`[${region}] ${m}`)))(msg);
  const switchboards = switchboard(topology.regions.map((r) => r.name), count);
  const threads = Array.from({ length: count }, (_v, i) => {
    const names = topology.regions.filter((_r, j) => j % count === i).map((r) => r.name);
    return new PopThread(
      {
        topology,
        names,
        dataDir: opts.dataDir,
        latency: opts.latency ?? true,
        host,
        secret,
        allowedHosts,
        auth,
        ...(opts.bodyLimit !== undefined ? { bodyLimit: opts.bodyLimit } : {}),
        ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
        ...(httpsPort !== undefined ? { httpsPort } : {}),
      },
      switchboards[i] as Switchboard,
      warn,
      workers[i],
    );
  });
  topology.regions.forEach((spec, j) => regions.push(new ThreadRegion(spec, threads[j % count] as PopThread, host, announce)));
  const control = fabricControl(regions, clock, { topology: topology.name });
  // Each PoP keeps its own copy of the clock: every change of the fabric's clock goes to all of them.
  const unwatch = clock.onChange((s) => void moveClocks(regions.filter((r) => r.state() === 'serving'), s).catch(() => undefined));
  const server: FastifyInstance = buildControlApp(control, routing, { https: () => door?.info, snapshotKey: auth ? credentials.apiKey : undefined });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    unwatch();
    await door?.door.close();
    await server.close();
    await control.close();
    await Promise.all(threads.map((t) => t.done));
    clock.stop();
  };
  try {
    await control.start();
    if (opts.fromSnapshot !== undefined) await control.loadSnapshot(opts.fromSnapshot);
    await server.listen({ host, port: topology.global.port });
    controlPort = (server.server.address() as { port: number }).port;
    if (tls && door) {
      // TLS for a PoP's own names then ends on its thread (control/pop-door.ts), not on this one.
      const [material, backUrl] = [tls, door.door.backUrl()];
      await Promise.all(regions.map((r) => r.openDoor(material, backUrl)));
    }
  } catch (e) {
    await close();
    throw e;
  }
  const { start: _start, close: _close, ...verbs } = control;
  const globalUrl = () => `http://${host}:${controlPort}`;
  return fabricSurface({ verbs, topology, regions, https: door?.info, globalUrl, credentials, auth, close });
}
