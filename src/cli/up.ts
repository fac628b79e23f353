import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { allowedHostsFromEnv, readManifest, startFabric, startProcessFabric, tlsCacheDir, type DevCredentials, type FabricHttps, type Topology } from '../index.js';
import { dataDirProblem, StartError, UsageError } from './errors.js';
import { Leftovers } from './leftovers.js';
import { loadWithProgress, summaryLine } from './load.js';
import { checkPorts, portTaken } from './ports.js';
import { DEFAULT_DATA_DIR, RunFile } from './run-file.js';
import { onShutdown } from './shutdown.js';
import { table } from './table.js';
import { resolveTopology, type TopologyFlags } from './topology.js';

interface UpFlags extends TopologyFlags {
  dataDir: string;
  ephemeral?: boolean;
  latency: boolean;
  host: string;
  processes?: boolean;
  fixture?: string;
  clientRegion?: string;
  allowHost: string[];
  auth: boolean;
  httpsPort?: number;
}

interface Started {
  topology: Topology;
  urls: [name: string, url: string][];
  globalUrl: string;
  credentials: DevCredentials;
  https: FabricHttps | undefined;
  close(): Promise<void>;
}

/** Whether a bind address only answers this machine. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

function authLines(f: Started, flags: UpFlags): string[] {
  const c = f.credentials;
  if (!flags.auth) {
    return [
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
      `!!! AUTHENTICATION IS OFF (--no-auth): anyone who can reach ${flags.host} may read and change every tenant's data`,
      `!!! requests act as user '${c.username}' of tenant '${c.tenant}' (or root of the tenant a /_tenant/{t} path names)`,
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!',
    ];
  }
  return [
    "auth:    on: every request needs 'Authorization: apikey <key>' or 'Authorization: bearer <jwt>' (POST /_open/auth); --no-auth turns it off",
    `tenant:  ${c.tenant}   user: ${c.username}   email: ${c.email}   password: ${c.password}`,
    `api key: ${c.apiKey}`,
  ];
}

/** The lines that tell users how to reach the fabric over TLS: the exact commands to paste. */
function describeHttps(h: FabricHttps, regions: string[]): string[] {
  const ca = h.caFile ?? '(in memory)';
  const first = regions[0]!;
  return [
    `https:   front door on port ${h.port}: https://api-<region>.localhost:${h.port} reaches a region (e.g. https://api-${first}.localhost:${h.port}), https://api-gdn.localhost:${h.port} the global URL`,
    `         CA certificate: ${ca}${h.made.length > 0 ? ` (made now: ${h.made.join('; ')})` : ''}; also at https://localhost:${h.port}/_emu/ca.pem`,
    `         trust it: export NODE_EXTRA_CA_CERTS=${ca}   |   curl --cacert ${ca} https://api-${first}.localhost:${h.port}/_api/version`,
    `         jsC8: new jsc8({ url: "https://gdn.localhost:${h.port}", apiKey, agentOptions }) — see README "HTTPS and jsC8"`,
  ];
}

function describe(f: Started, flags: UpFlags, dataDir: string | undefined): string {
  const rows = [['REGION', 'CITY', 'URL']];
  for (const [name, url] of f.urls) {
    const spec = f.topology.regions.find((r) => r.name === name)!;
    rows.push([name, `${spec.city}, ${spec.country}`, url]);
  }
  rows.push(['global', '(emulator control)', f.globalUrl]);
  return [
    `fabric-emu: topology '${f.topology.name}' (${f.topology.source}), ${f.urls.length} regions${flags.processes ? ', one process each' : ''}`,
    table(rows),
    `data:    ${dataDir ?? 'in memory (--ephemeral): nothing is kept after exit'}`,
    `latency: ${flags.latency ? `on (client access ${f.topology.access.rttMs} ms RTT; header x-gdn-client-region picks the client's region)` : 'off (--no-latency)'}`,
    `global:  ${f.globalUrl} routes every GDN request to the live PoP nearest the client (x-gdn-client-region, x-gdn-client-location, else ${flags.clientRegion ?? f.topology.regions[0]!.name})`,
    'replication: every region to every other, asynchronously; `fabric-emu status` shows the links',
    ...authLines(f, flags),
    `health:  ${f.globalUrl}/_emu/health`,
    ...(f.https ? describeHttps(f.https, f.urls.map(([n]) => n)) : []),
  ].join('\n');
}

async function start(topology: Topology, flags: UpFlags, dataDir: string | undefined): Promise<Started> {
  // An --ephemeral run keeps its certificate in the per-user cache, so repeated runs are trusted once.
  const https = { port: topology.https?.port ?? 0, ...(dataDir === undefined ? { certDir: tlsCacheDir() } : {}) };
  const common = { topology, latency: flags.latency, host: flags.host, clientRegion: flags.clientRegion, auth: flags.auth, https, ...allowed(flags) };
  if (flags.processes) {
    const f = await startProcessFabric({ ...common, dataDir: dataDir! });
    return { topology, urls: topology.regions.map((r) => [r.name, f.regionUrl(r.name)]), globalUrl: f.globalUrl(), credentials: f.credentials, https: f.https, close: () => f.close() };
  }
  const f = await startFabric({ ...common, dataDir, ports: 'topology' });
  return { topology, urls: f.regions.map((r) => [r.name, r.url()]), globalUrl: f.globalUrl(), credentials: f.credentials, https: f.https, close: () => f.close() };
}

/**
 * Takes the data dir's lock, starts the fabric and records its URLs there. A start that fails
 * removes what it created (replica files, the run file, the dir if it was new) and says what failed.
 */
async function up(topology: Topology, flags: UpFlags): Promise<void> {
  const dir = resolve(flags.dataDir);
  const dataDir = flags.ephemeral ? undefined : dir;
  let leftovers: Leftovers;
  try {
    leftovers = new Leftovers(dir);
  } catch (e) {
    throw dataDirProblem(e, dir) ?? e;
  }
  let run: RunFile;
  try {
    mkdirSync(dir, { recursive: true });
    run = RunFile.acquire(dir, (msg) => console.error(msg));
  } catch (e) {
    leftovers.remove();
    throw dataDirProblem(e, dir) ?? e;
  }
  const abandon = async (e: unknown, close?: () => Promise<void>): Promise<never> => {
    if (close) await close();
    run.release();
    leftovers.remove();
    const failure = (await portTaken(e, topology, flags.host)) ?? (dataDir === undefined ? undefined : dataDirProblem(e, dir)) ?? e;
    if (failure instanceof StartError) throw new StartError(`${failure.message}\nfabric-emu: the files this start created in ${dir} are removed`, failure.kind);
    throw failure;
  };
  let f: Started | undefined;
  // Signal handlers go first: a SIGINT while starting would otherwise kill the process with the
  // run file and half-made replicas left behind, and one sent right after the ready line too.
  onShutdown(async () => {
    if (!f) {
      run.release();
      leftovers.remove();
      return;
    }
    await f.close();
    run.release();
    if (flags.ephemeral) leftovers.removeDirIfEmpty();
  });
  try {
    await checkPorts(topology, flags.host);
    f = await start(topology, flags, dataDir);
  } catch (e) {
    return abandon(e);
  }
  const started = f;
  // The key goes in the run file (owner-only) so that load, invoke and dev find it as they find the URL.
  run.record(started.globalUrl, Object.fromEntries(started.urls), flags.auth ? started.credentials.apiKey : undefined);
  if (!flags.auth && !isLoopbackHost(flags.host)) {
    console.error(`fabric-emu: WARNING: --host ${flags.host} is not a loopback address and authentication is off (--no-auth): anyone on the network can read and change all data`);
  }
  console.log(describe(started, flags, dataDir));
  // A bad fixture fails the start; a test that waits for the ready line sees the data.
  if (flags.fixture) {
    try {
      console.log(summaryLine(await loadWithProgress(flags.fixture, started.globalUrl, undefined, flags.auth ? started.credentials.apiKey : undefined)));
    } catch (e) {
      f = undefined;
      return abandon(e, () => started.close());
    }
  }
  console.log(`fabric-emu ready: ${started.globalUrl}`);
}

function httpsPortArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port 0-65535, got '${v}'`);
  return n;
}

/** `--allow-host` adds to FABRIC_EMU_ALLOWED_HOSTS; `*` answers any host. */
export function allowed(flags: { allowHost: string[] }): { allowedHosts?: true | string[] } {
  if (flags.allowHost.length === 0) return {};
  if (flags.allowHost.includes('*')) return { allowedHosts: true };
  const env = allowedHostsFromEnv();
  return { allowedHosts: env === true ? true : [...env, ...flags.allowHost] };
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start every PoP of the topology and serve the GDN API on each')
    .option('-c, --config <file>', 'topology file (default: ./regions.yaml, else the embedded default)')
    .option('-p, --preset <name>', 'a built-in topology instead of a file (seed-4, global-25)')
    .option('-d, --data-dir <dir>', 'where each PoP keeps its SQLite replica, and the run file other commands find the fabric by', DEFAULT_DATA_DIR)
    .option('--ephemeral', 'keep all data in memory; nothing survives exit (the run file still goes in --data-dir)')
    .option('--no-latency', 'inject no client or replication delays')
    .option('--host <host>', 'address to bind (loopback by default: only this machine reaches the fabric)', '127.0.0.1')
    .option('--no-auth', 'accept every request without credentials, as the dev user (throw-away runs only; printed loudly)')
    .option('--processes', 'run each PoP in its own child process (so one can be killed with SIGKILL)')
    .option('--fixture <dir>', 'load this fixture (docs/fixtures.md) once the PoPs serve, before saying ready')
    .option('--allow-host <host>', "a Host name the PoPs answer besides loopback ones ('.example.com' for a domain, '*' for any); repeatable", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--client-region <name>', 'where a client of the global URL is when its request does not say (default: the first region)')
    .option('--https-port <port>', "port of the HTTPS front door, api-<region>.localhost and api-gdn.localhost (default: the topology's https.port, else a free one; 0 = a free one)", httpsPortArg)
    .action(async (flags: UpFlags) => {
      const topology = resolveTopology(flags);
      topology.https = { port: flags.httpsPort ?? topology.https?.port ?? 0 };
      const names = topology.regions.map((r) => r.name);
      if (flags.clientRegion !== undefined && !names.includes(flags.clientRegion)) {
        throw new UsageError(`--client-region: unknown region '${flags.clientRegion}'; known: ${names.join(', ')}`);
      }
      // A bad manifest fails here, before any PoP starts.
      if (flags.fixture) readManifest(flags.fixture);
      if (flags.processes && flags.ephemeral) {
        throw new UsageError('--processes needs a data dir: a killed process keeps its data only on disk (drop --ephemeral)');
      }
      await up(topology, flags);
    });
}
