/**
 * A server under test in its own process, so that its CPU time can be read apart from the client's.
 * Usage (forked with IPC): node bench/serve.js <baseline|emulator> <dataDir>
 * Sends { url } once listening; answers 'cpu' with process.cpuUsage(); 'close' stops it.
 * The process exits by itself if its parent goes away.
 */
import { defaultTopology } from '../dist/index.js';
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

const server = kind === 'emulator' ? await startEmulator() : await startHttpBaseline({ dbPath: `${dataDir}/baseline.sqlite` });
process.on('message', async (msg) => {
  if (msg === 'cpu') process.send({ cpu: process.cpuUsage() });
  if (msg === 'close') {
    await server.close();
    process.disconnect();
  }
});
process.on('disconnect', () => process.exit(0));
process.send({ url: server.url });
