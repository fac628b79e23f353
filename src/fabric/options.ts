import { z } from 'zod';
import { formatPath, describeIssues, type IssueText } from '../core/zod-issues.js';
import { FabricClock } from '../core/clock.js';
import { checkTopology } from '../topology/index.js';
import type { FabricOptions } from './types.js';

/** startFabric() was called with options it cannot run with; `issues` has one entry per problem. */
export class FabricOptionsError extends TypeError {
  override readonly name = 'FabricOptionsError';
  constructor(
    readonly issues: readonly IssueText[],
    where = 'startFabric()',
  ) {
    super(`${where}: invalid options: ${issues.map((i) => `${i.key}: ${i.reason}`).join('; ')}`);
  }
}

const fn = z.custom<(msg: string) => void>((v) => typeof v === 'function', 'expected a function');

/** The options of startFabric(), strict like its regions.yaml: a misspelt option is an error, not a silent default. */
export const FabricOptionsSchema = z.strictObject({
  topology: z.unknown(),
  dataDir: z.string().min(1).optional(),
  latency: z.boolean().optional(),
  host: z.string().min(1).optional(),
  bodyLimit: z.int().positive().optional(),
  logger: z.boolean().optional(),
  warn: fn.optional(),
  clientRegion: z.string().min(1).optional(),
  clock: z.custom<FabricClock>((v) => v instanceof FabricClock, 'expected a FabricClock').optional(),
  secret: z.string().min(16, 'a fabric secret has at least 16 characters').optional(),
  allowedHosts: z.union([z.literal(true), z.array(z.string().min(1))]).optional(),
  auth: z.boolean().optional(),
  threads: z.int().positive().optional(),
  https: z.union([z.boolean(), z.strictObject({ port: z.int().min(0).max(65535).optional(), certDir: z.string().min(1).optional() })]).optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Fails to compile when FabricOptions gains an option that startFabric() would refuse. */
const optionsCovered: Same<keyof FabricOptions, keyof typeof FabricOptionsSchema.shape> = true;
void optionsCovered;

/** Validates startFabric()'s options at the entry point, the topology with the same rules as regions.yaml. */
export function parseFabricOptions(input: FabricOptions): FabricOptions {
  if (typeof input !== 'object' || input === null) {
    throw new FabricOptionsError([{ path: [], key: formatPath([]), reason: 'expected an options object with at least { topology }', missing: false }]);
  }
  const parsed = FabricOptionsSchema.safeParse(input);
  const issues = parsed.success ? [] : describeIssues(parsed.error.issues, FabricOptionsSchema, input);
  const topology = (input as { topology?: unknown }).topology;
  const checked = topology === undefined ? undefined : checkTopology(topology);
  if (topology === undefined) issues.push({ path: ['topology'], key: 'topology', reason: 'missing required key "topology" (e.g. defaultTopology() or parseTopology(text, file))', missing: true });
  else if (checked && !checked.topology) issues.push(...checked.problems.map((p) => ({ ...p, path: ['topology', ...p.path], key: formatPath(['topology', ...p.path]) })));
  if (issues.length > 0 || !parsed.success || !checked?.topology) throw new FabricOptionsError(issues);
  return { ...input, topology: checked.topology };
}
