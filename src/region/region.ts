import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from '../api/app.js';
import { regionControlRoutes } from '../control/region-routes.js';
import type { ApiContext, DatacenterInfo } from '../api/context.js';
import { dialHost } from '../core/dial-host.js';
import { endSocket } from '../core/http-errors.js';
import { guardProblem, resolveAllowedHosts, type AllowedHosts } from '../api/host-guard.js';
import { guardUpgrade } from '../api/server-guard.js';
import { isStreamSocketPath } from '../api/stream-target.js';
import { streamSockets } from '../api/streams-ws.js';
import { FabricClock, type Clock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { VERSION } from '../core/version.js';
import { sampleRtt } from '../latency/sampler.js';
import { Replicator, REPLICATION_PATH, WsTransport, type PortNetwork, type Transport } from '../replication/index.js';
import { openStorage, type ApplyStats, type BatchSpan, type ChangeEntry, type ImageInfo, type Storage } from '../storage/index.js';
import { StreamBroker } from '../streams/index.js';
import { linkProfile, type Topology } from '../topology/index.js';
import type { RegionHandle, RegionState } from './handle.js';
import { QueryExecutor } from './query-executor.js';
import { queryRunner, untilWritable } from './query-runner.js';
import { createAuth, fabricAuthConfig, type AuthService } from '../auth/index.js';

export const DEFAULT_BODY_LIMIT = 32 * 1024 * 1024;

/** How often a PoP removes documents its ttl indexes say expired (ArangoDB: every 30 s), in clock time. */
export const TTL_SWEEP_MS = 1000;

export interface RegionOptions {
  topology: Topology;
  name: string;
  /** Folder for this region's SQLite file; undefined keeps it in memory. */
  dataDir: string | undefined;
  /** false turns every injected delay off (`--no-latency`). */
  latency: boolean;
  host: string;
  /** Overrides the topology's port (e.g. the port a parent process picked for this region). */
  port?: number;
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'] | undefined;
  /** All regions of the fabric with their ports; by default the topology's ports. */
  datacenters?: () => DatacenterInfo[];
  /** The port of the fabric's HTTPS front door, reported by /datacenter/*; undefined without one. */
  httpsPort?: () => number | undefined;
  warn?: (msg: string) => void;
  /** The fabric's clock; by default a clock of its own, in real time. */
  clock?: Clock;
  /** Host names the PoP answers besides loopback ones; by default FABRIC_EMU_ALLOWED_HOSTS and the bound host. */
  allowedHosts?: AllowedHosts;
  /** The fabric's secret: only PoPs holding it replicate with each other (fabric/secret.ts). */
  secret: string;
  /** false turns authentication off (`--no-auth`): every request acts as the dev user. Default on. */
  auth?: boolean;
  /**
   * What replication runs over; by default WebSocket to the peers' ports. The simulation passes an
   * in-memory network's endpoint.
   */
  transport?: Transport;
  /**
   * The switchboard of the fabric's PoP threads (startFabric): peers on them are reached over
   * MessagePorts, any other over WebSocket, and peers' WebSocket connections are still taken.
   */
  ports?: PortNetwork;
  /**
   * Run queries that outlive their slice on the PoP's loop, index builds over large collections
   * and replicated batches that build such indexes in a query executor (a worker thread with its
   * own connection to the replica), so that they never hold up this PoP's health, control and
   * replication. An ephemeral PoP then keeps its replica in a temporary file instead of memory.
   * Needs a FabricClock (the simulation's ManualClock runs everything in turn).
   */
  offload?: boolean;
}

/** A collection at least this large has its indexes built in the query executor (140 ms for 50,000 documents here). */
export const INDEX_OFFLOAD_DOCUMENTS = 5_000;

export type { RegionHandle, RegionState };

/** One PoP: its replica, its replication links and its Fastify app. */
export interface Region extends RegionHandle {
  readonly storage: Storage;
  readonly replicator: Replicator;
  readonly clock: Clock;
  /** Users, keys, grants and tokens as this PoP sees them. */
  readonly auth: AuthService;
  /** The stream broker of the current run (a restart after a kill builds a new one). */
  streams(): StreamBroker;
  /** The current app; a restart builds a new one. Built (not listening) from creation on. */
  readonly app: FastifyInstance;
  /**
   * Starts serving and (unless `replicate` is false) replicating; after a kill, restarts on the
   * same port with the same data. A fabric starts replication once every PoP listens, so that
   * links do not storm peers that are not up yet.
   */
  listen(opts?: { replicate?: boolean }): Promise<number>;
  /** Stops serving and replicating at once; the replica stays for a restart. */
  kill(): Promise<void>;
  /** A consistent copy of the replica in `file` (SQLite's online backup), taken while the PoP serves. */
  backup(file: string): Promise<ImageInfo>;
  /** Checks and migrates a replica image in place, ready for restore(); a ReplicaImageError says what is wrong. */
  prepareImage(file: string): ImageInfo;
  /**
   * Replaces the replica with a prepared image and forgets what described the old data: stream
   * clients are disconnected, link statistics start over. Only while replication is stopped.
   */
  restore(file: string): Promise<void>;
  close(): Promise<void>;
}

export function regionDatabasePath(dataDir: string | undefined, name: string): string | undefined {
  return dataDir === undefined ? undefined : join(dataDir, `${name}.sqlite`);
}

export function createRegion(opts: RegionOptions): Region {
  const { topology, name } = opts;
  const ordinal = topology.regions.findIndex((r) => r.name === name);
  const spec = topology.regions[ordinal];
  if (!spec) throw new Error(`region '${name}' is not in topology '${topology.name}'`);
  const clock = opts.clock ?? new FabricClock();
  const authConfig = fabricAuthConfig(topology, opts.secret);
  const offload = opts.offload === true && clock instanceof FabricClock;
  const storage = openStorage({ path: regionDatabasePath(opts.dataDir, name), region: name, regionOrdinal: ordinal, clock, tempFile: offload, legacyTenant: authConfig.dev.tenant });
  const executor =
    offload && storage.path !== undefined
      ? new QueryExecutor({ path: storage.path, region: name, regionOrdinal: ordinal, clockState: () => (clock as FabricClock).state(), hlc: () => storage.hlc.peek() })
      : undefined;
  const queries = queryRunner(storage, executor ? { executor } : {});
  const auth = createAuth(storage.registry, authConfig, opts.secret, () => clock.now(), opts.auth !== false);
  const large = (fabric: string, collection: string): boolean => {
    const c = storage.collections.get(fabric, collection);
    return c !== undefined && storage.collections.count(c) >= INDEX_OFFLOAD_DOCUMENTS;
  };
  const createIndex: ApiContext['createIndex'] = async (fabric, collection, input) => {
    if (executor && large(fabric, collection)) return storage.exclusive(() => executor.run({ kind: 'index', fabric, collection, input }));
    await untilWritable(storage);
    const c = storage.collections.require(fabric, collection);
    return storage.write(() => storage.indexes.ensure(c, input));
  };
  const applyElsewhere = (origin: string, entries: ChangeEntry[], epoch: string, span: BatchSpan): Promise<ApplyStats> | undefined =>
    executor && entries.some((e) => e.op === 'index.create' && large(e.fabric, e.collection))
      ? storage.exclusive(() => executor.run({ kind: 'apply', origin, entries, epoch, span }))
      : undefined;
  const rng = createRng(topology.seed).fork(`client:${name}`);
  const warn = opts.warn ?? ((msg: string) => console.warn(`[${name}] ${msg}`));
  const allowedHosts = resolveAllowedHosts(opts.host, opts.allowedHosts);
  let boundPort: number | undefined;
  let state: RegionState = 'created';

  const configuredPort = opts.port ?? spec.port;
  const datacenters = (): DatacenterInfo[] =>
    opts.datacenters?.() ?? topology.regions.map((r) => ({ ...r, host: opts.host, port: r.name === name ? (boundPort ?? configuredPort) : r.port }));

  const ws = new WsTransport((peer) => {
    const dc = datacenters().find((d) => d.name === peer);
    return dc && dc.port !== 0 ? `ws://${dialHost(dc.host)}:${dc.port}${REPLICATION_PATH}` : undefined;
  });
  const replicator = new Replicator({ self: name, topology, storage, latency: opts.latency, warn, clock, secret: opts.secret, transport: opts.transport ?? opts.ports?.endpoint(name, ws, warn) ?? ws, applyElsewhere });
  // The live side of streams is memory only: a restart after a kill builds a new broker, as a crash would.
  let broker = new StreamBroker(storage, clock, warn);
  const upgrade = guardUpgrade((req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = guardProblem(req.method, req.headers, allowedHosts);
    if (refused) return endSocket(socket, refused, req.method);
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (path === REPLICATION_PATH && !opts.transport) return ws.upgrade(req, socket, head);
    if (isStreamSocketPath(path)) return sockets.upgrade(req, socket, head);
    endSocket(socket, gdnError('NOT_FOUND', `no WebSocket endpoint at '${path}'`), req.method);
  }, warn);
  let sweep: ReturnType<Clock['setInterval']> | undefined;
  const sweeping = (on: boolean) => {
    clock.clearTimeout(sweep);
    sweep = on
      ? clock.setInterval(() => {
          // The executor holds the write lock: the next sweep removes what this one would have.
          if (storage.writable()) return;
          try {
            storage.sweepExpired(clock.now());
            storage.streams.trim(clock.now());
          } catch (e) {
            warn(`ttl sweep failed: ${(e as Error).message}`);
          }
        }, TTL_SWEEP_MS)
      : undefined;
  };

  const ctx: ApiContext = {
    region: name,
    storage,
    streams: () => broker,
    clock,
    allowedHosts,
    version: VERSION,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    datacenters,
    auth,
    httpsPort: () => opts.httpsPort?.(),
    runQuery: (fabric, query, bindVars, o) => queries.run(fabric, query, bindVars, o),
    queries: queries.running,
    createIndex,
    explainQuery: (fabric, query, bindVars, access) => queries.explain(fabric, query, bindVars, access),
    clientDelayMs: (client) => {
      if (!opts.latency) return 0;
      if (client === undefined || client === name) return sampleRtt(topology.access, rng);
      if (!topology.regions.some((r) => r.name === client)) {
        throw gdnError('BAD_PARAMETER', `unknown client region '${client}' in x-gdn-client-region; known: ${topology.regions.map((r) => r.name).join(', ')}`);
      }
      return sampleRtt(linkProfile(topology, client, name), rng);
    },
  };
  const sockets = streamSockets(ctx);
  const restore = async (file: string) => {
    await storage.restore(file);
    broker.reset();
    replicator.resetStats();
  };
  const build = () => {
    const a = buildApp(ctx, { logger: opts.logger });
    a.register(
      regionControlRoutes({
        name,
        secret: opts.secret,
        state: () => state,
        replication: () => replicator.status(),
        replicating: () => replicator.isRunning(),
        setLink: (peer, settings) => replicator.setLink(peer, settings),
        setReplication: (running) => (running ? replicator.start() : replicator.stop()),
        reset: () => {
          storage.reset();
          broker.reset();
          replicator.resetStats();
        },
        setClock: (s) => {
          if (clock instanceof FabricClock) clock.setState(s);
        },
        expectClock: (s) => {
          if (clock instanceof FabricClock) clock.expect(s);
        },
        backup: (file) => storage.backup(file),
        prepareImage: (file) => storage.prepareImage(file),
        restore,
      }),
    );
    return a;
  };
  let app = build();
  // The sweep runs while the PoP is alive, listening or not (route tests drive an unbound app).
  sweeping(true);

  return {
    name,
    spec,
    storage,
    replicator,
    clock,
    auth,
    streams: () => broker,
    get app() {
      return app;
    },
    state: () => state,
    backup: (file) => storage.backup(file),
    prepareImage: (file) => storage.prepareImage(file),
    restore,
    port: () => boundPort ?? configuredPort,
    url: () => `http://${opts.host}:${boundPort ?? configuredPort}`,
    listening: () => state === 'serving' && app.server.listening,
    async listen(o = {}) {
      if (state === 'serving') return boundPort as number;
      if (state === 'closed') throw new Error(`region ${name} is closed`);
      if (state === 'killed') {
        app = build();
        broker = new StreamBroker(storage, clock, warn);
      }
      app.server.on('upgrade', upgrade);
      await app.listen({ host: opts.host, port: boundPort ?? configuredPort });
      const addr = app.server.address();
      boundPort = typeof addr === 'object' && addr ? addr.port : configuredPort;
      if (state === 'killed') sweeping(true);
      state = 'serving';
      if (o.replicate !== false) replicator.start();
      return boundPort;
    },
    async kill() {
      if (state !== 'serving') return;
      state = 'killed';
      sweeping(false);
      replicator.stop();
      // Like a crashed process: writes not yet committed (so never acknowledged) are lost, and
      // open connections are cut, not drained.
      sockets.close();
      broker.close();
      storage.crash();
      app.server.closeAllConnections();
      await app.close();
    },
    async close() {
      if (state === 'closed') return;
      const appOpen = state !== 'killed';
      state = 'closed';
      sweeping(false);
      replicator.stop();
      sockets.close();
      broker.close();
      if (appOpen) await app.close();
      await executor?.close();
      storage.close();
    },
  };
}

