/**
 * A server under test in its own process, so that its CPU time can be read apart from the client's.
 * Usage (forked with IPC): node bench/serve.js <baseline|baseline-https|emulator|emulator-https|emulator-https-auth|miniflare> <dataDir>
 * (a Miniflare Worker runs in workerd, a process of its own: the CPU this one reports is not its).
 * Sends { url, ca?, apiKey? } once listening (apiKey: the credentials a target that checks them needs); answers 'cpu' with process.cpuUsage(); 'close' stops it.
 * The process exits by itself if its parent goes away.
 */
import { randomBytes } from 'node:crypto';
import { defaultTopology, startFabric } from '../dist/index.js';
import { createRegion } from '../dist/region/region.js';
import { loadTls } from '../dist/tls/index.js';
import { startHttpBaseline } from './http-baseline.js';

const [kind, dataDir] = process.argv.slice(2);

/** A lone PoP: a one-region topology, so no replication link is even attempted; authentication off, the bare PoP. */
async function startEmulator() {
  const topology = defaultTopology();
  topology.regions = topology.regions.slice(0, 1).map((r) => ({ ...r, port: 0 }));
  const region = createRegion({ topology, name: topology.regions[0].name, dataDir, latency: false, host: '127.0.0.1', auth: false, secret: randomBytes(24).toString('hex') });
  await region.listen();
  return { url: region.url(), close: () => region.close() };
}

/** Miniflare's KV behind a Worker that sets (PUT) and gets (GET) `/kv/<key>`, persisted in `dataDir`. */
const KV_WORKER = `export default {
  async fetch(request, env) {
    const key = decodeURIComponent(new URL(request.url).pathname.slice('/kv/'.length));
    if (request.method === 'PUT') {
      await env.KV.put(key, await request.text());
      return new Response(JSON.stringify({ _key: key }), { headers: { 'content-type': 'application/json' } });
    }
    const value = await env.KV.get(key);
    if (value === null) return new Response('{"error":true}', { status: 404, headers: { 'content-type': 'application/json' } });
    return new Response(value, { headers: { 'content-type': 'application/json' } });
  },
};`;

async function startMiniflare() {
  const { Miniflare } = await import('miniflare');
  const mf = new Miniflare({ host: '127.0.0.1', port: 0, modules: true, script: KV_WORKER, compatibilityDate: '2024-09-23', kvNamespaces: ['KV'], kvPersist: `${dataDir}/miniflare-kv` });
  const url = await mf.ready;
  return { url: url.origin, close: () => mf.dispose() };
}

/**
 * The same lone PoP behind the HTTPS front door, both in this process as `fabric-emu up` runs them;
 * clients call its API host name, as jsC8 does. With `auth`, every request must carry the fabric's
 * dev API key, as `up` runs by default; without, TLS and the front door alone.
 */
async function startEmulatorHttps(auth) {
  const topology = defaultTopology();
  topology.regions = topology.regions.slice(0, 1).map((r) => ({ ...r, port: 0 }));
  topology.global = { port: 0 };
  // startFabric checks the whole topology: links to the regions dropped would be refused.
  topology.links = {};
  const fabric = await startFabric({ topology, dataDir, latency: false, host: '127.0.0.1', https: { port: 0 }, auth });
  const url = `https://api-${topology.regions[0].name}.localhost:${fabric.https.port}`;
  return { url, ca: fabric.https.ca, ...(auth ? { apiKey: fabric.credentials.apiKey } : {}), close: () => fabric.close() };
}

const starters = {
  emulator: startEmulator,
  'emulator-https': () => startEmulatorHttps(false),
  'emulator-https-auth': () => startEmulatorHttps(true),
  miniflare: startMiniflare,
  baseline: () => startHttpBaseline({ dbPath: `${dataDir}/baseline.sqlite` }),
  'baseline-https': () => startHttpBaseline({ dbPath: `${dataDir}/baseline.sqlite`, tls: loadTls({ dir: undefined, names: ['localhost'], now: Date.now() }) }),
};
const server = await starters[kind]();
process.on('message', async (msg) => {
  if (msg === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (msg === 'close') {
    await server.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ url: server.url, ca: server.ca, apiKey: server.apiKey });
