import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TIMEOUT_MS, startDevServer } from '../index.js';
import { positiveInt } from './invoke.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';
import { onShutdown } from './shutdown.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function registerDev(program: Command): void {
  withFabricOptions(
    program.command('dev <handler>').description('serve an edge handler over HTTP as if deployed at a region, reloading it when its files change'),
  )
    .requiredOption('--at <region>', 'where the handler runs: a region name, or lat,lon')
    .option('--port <port>', 'port to serve on (0: any free port)', port, 8787)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--timeout <ms>', 'answer 502 when the handler takes longer than this', positiveInt, DEFAULT_TIMEOUT_MS)
    .action(async (handler: string, o: FabricFlags & { at: string; port: number; host: string; timeout: number }) => {
      const dev = await startDevServer(handler, { url: fabricUrl(o), at: o.at, port: o.port, host: o.host, timeoutMs: o.timeout });
      console.log(`fabric-emu dev ready: ${dev.url()} (handler ${handler} at ${o.at}; edits reload it)`);
      onShutdown(() => dev.close());
    });
}
