import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_GDN_HOSTS, startDevServer } from '../index.js';
import { edgeOptions, functionOptions, type EdgeFlags } from './edge-options.js';
import { onShutdown } from './shutdown.js';

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return n;
}

export function registerDev(program: Command): void {
  edgeOptions(
    program
      .command('dev <path>')
      .description('serve an edge function (Workers, Pages, Lambda@Edge, EdgeWorkers) over HTTP as if deployed at a region, reloading it when its files change'),
  )
    .option('--port <port>', 'port to serve on (0: any free port)', port, 8787)
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .action(async (path: string, o: EdgeFlags & { port: number; host: string }) => {
      const dev = await startDevServer(path, { ...functionOptions(o, DEFAULT_GDN_HOSTS), port: o.port, host: o.host });
      const urls = dev.urls();
      if (urls.length > 1) for (const u of urls) console.log(`  ${u.at.padEnd(20)} ${u.url}`);
      console.log(`fabric-emu dev ready: ${dev.url()} (${path}: ${dev.description()}, at ${o.at}; edits reload it)`);
      onShutdown(() => dev.close());
    });
}
