import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TIMEOUT_MS, HandlerError, invokeHandler } from '../index.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number of milliseconds');
  return n;
}

function readEvent(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new HandlerError(`--event ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new HandlerError(`--event ${file}: invalid JSON: ${(e as Error).message}`);
  }
}

export function registerInvoke(program: Command): void {
  withFabricOptions(
    program
      .command('invoke <handler>')
      .description('run an edge handler (Lambda or Workers style) once as if deployed at a region, against the nearest live PoP; prints its response as JSON'),
  )
    .requiredOption('--at <region>', 'where the handler runs: a region name, or lat,lon')
    .option('--event <file>', 'JSON event (Lambda style) or { method, path, headers, body } request (Workers style)')
    .option('--timeout <ms>', 'give up on the handler after this long', positiveInt, DEFAULT_TIMEOUT_MS)
    .action(async (handler: string, o: FabricFlags & { at: string; event?: string; timeout: number }) => {
      const r = await invokeHandler(handler, {
        url: fabricUrl(o),
        at: o.at,
        timeoutMs: o.timeout,
        ...(o.event !== undefined ? { event: readEvent(o.event) } : {}),
      });
      console.error(`fabric-emu: ${handler} (${r.style === 'lambda' ? 'Lambda' : 'Workers'} style) at ${o.at} used PoP ${r.region}`);
      console.log(JSON.stringify(r.output, null, 2));
    });
}
