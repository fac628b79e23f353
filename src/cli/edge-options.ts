/** The options `dev` and `invoke` share: where the function runs, what runs it, what it talks to. */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { LAMBDA_TRIGGERS, RUNTIMES, type FunctionOptions, type LambdaTrigger, type RuntimeKind } from '../index.js';
import { fabricUrl, withFabricOptions, type FabricFlags } from './run-file.js';

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive whole number of milliseconds');
  return n;
}

const collect = (v: string, all: string[] = []) => [...all, v];

export interface EdgeFlags extends FabricFlags {
  at: string;
  runtime?: RuntimeKind;
  trigger?: LambdaTrigger;
  origin?: string;
  includeBody?: boolean;
  gdnHost?: string[];
  timeout?: number;
}

export function edgeOptions(c: Command): Command {
  return withFabricOptions(c)
    .requiredOption('--at <where>', 'where the function runs: a region name, lat,lon, or all (one deployment per region)')
    .addOption(new Option('--runtime <kind>', 'the runtime (default: detected from the project)').choices(RUNTIMES))
    .addOption(new Option('--trigger <event>', 'Lambda: the event source (default viewer-request)').choices(LAMBDA_TRIGGERS))
    .option('--origin <url>', 'Lambda@Edge and EdgeWorkers: the origin behind the edge (default: the nearest PoP)')
    .option('--include-body', "Lambda@Edge: CloudFront's include-body option for request triggers")
    .option('--gdn-host <name>', 'another host name (or .suffix) that means the fabric, besides *.macrometa.io and api-gdn.localhost; repeatable', collect)
    .option('--timeout <ms>', 'give up on the function after this long (default: 5 s on Lambda@Edge viewer triggers, 30 s on origin ones, else 10 s)', positiveInt);
}

export function functionOptions(f: EdgeFlags, defaults: readonly string[]): FunctionOptions & { timeoutMs?: number } {
  return {
    url: fabricUrl(f),
    at: f.at,
    runtime: f.runtime,
    trigger: f.trigger,
    origin: f.origin,
    includeBody: f.includeBody,
    gdnHosts: [...defaults, ...(f.gdnHost ?? [])],
    ...(f.timeout !== undefined ? { timeoutMs: f.timeout } : {}),
  };
}
