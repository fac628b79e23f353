/**
 * A server under test in its own process, so that its CPU time can be read apart from the client's.
 * Usage (forked with IPC): node bench/serve.js <baseline|emulator|emulator-https> <dataDir>
 * Sends { url, ca? } once listening; answers 'cpu' with process.cpuUsage(); 'close' stops it.
 * The process exits by itself if its parent goes away.
 */
import { defaultTopology, startFabric } from '../dist/index.js';
import { createRegion } from '../dist/region/region.js';
import { startHttpBaseline } from './http-baseline.js';

const [kind, dataDir] = process.argv.slice(2);

/** A lone PoP: a one-region topology, so no replication link is even attempted. */
async function startEmulator() {
  const topology = defaultTopology();
  topology.regions = topology.regions.slice(0, 1).map((r) => ({ ...r, port: 0 }));
  const region = createRegion({ topology, name: topology.regions[0].name, dataDir, latency: false, host: '127.0.0.1' });
  await region.listen();
  return { url: region.url(), close: () => region.close() };
}

/**
 * The same lone PoP behind the HTTPS front door, both in this process as `fabric-emu up` runs them;
 * clients call its API host name, as jsC8 does.
 */
async function startEmulatorHttps() {
  const topology = defaultTopology();
  topology.regions = topology.regions.slice(0, 1).map((r) => ({ ...r, port: 0 }));
  topology.global = { port: 0 };
  // startFabric checks the whole topology: links to the regions dropped would be refused.
  topology.links = {};
  const fabric = await startFabric({ topology, dataDir, latency: false, host: '127.0.0.1', https: { port: 0 } });
  return { url: `https://api-${topology.regions[0].name}.localhost:${fabric.https.port}`, ca: fabric.https.ca, close: () => fabric.close() };
}

const server =
  kind === 'emulator' ? await startEmulator() : kind === 'emulator-https' ? await startEmulatorHttps() : await startHttpBaseline({ dbPath: `${dataDir}/baseline.sqlite` });
process.on('message', async (msg) => {
  if (msg === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (msg === 'close') {
    await server.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ url: server.url, ca: server.ca });
