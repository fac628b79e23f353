import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_GDN_HOSTS, HandlerError, invokeHandler } from '../index.js';
import { edgeOptions, functionOptions, type EdgeFlags } from './edge-options.js';

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
  edgeOptions(
    program
      .command('invoke <path>')
      .description('run an edge function once as if deployed at a region, against the nearest live PoP; prints its response as JSON'),
  )
    .option('--event <file>', 'JSON event (Lambda) or { method, path, headers, body } request (Workers, EdgeWorkers)')
    .action(async (path: string, o: EdgeFlags & { event?: string }) => {
      const r = await invokeHandler(path, { ...functionOptions(o, DEFAULT_GDN_HOSTS), ...(o.event !== undefined ? { event: readEvent(o.event) } : {}) });
      for (const run of r.runs) console.error(`fabric-emu: ${path} (${r.description}) at ${run.at} used PoP ${run.pop}`);
      const out = o.at === 'all' ? r.runs.map((run) => ({ at: run.at, pop: run.pop, output: run.output })) : r.runs[0]!.output;
      console.log(JSON.stringify(out, null, 2));
    });
}
