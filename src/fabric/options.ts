import { z } from 'zod';
import { formatPath, describeIssues, type IssueText } from '../core/zod-issues.js';
import { FabricClock } from '../core/clock.js';
import { checkTopology, defaultTopology, type Topology } from '../topology/index.js';
import type { FabricOptions, PortsOption } from './types.js';

/** Options that passed parseFabricOptions: a checked topology, its ports as `ports` says. */
export type CheckedFabricOptions = Omit<FabricOptions, 'topology'> & { topology: Topology };

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
  topology: z.unknown().optional(),
  ports: z.enum(['free', 'topology']).optional(),
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

/** Every server of the topology on a free port (0), so that fabrics started side by side never collide. */
export function onFreePorts(t: Topology): Topology {
  return { ...t, global: { ...t.global, port: 0 }, regions: t.regions.map((r) => ({ ...r, port: 0 })), ...(t.https ? { https: { ...t.https, port: 0 } } : {}) };
}

function withPorts(t: Topology, ports: PortsOption | undefined): Topology {
  return ports === 'topology' ? t : onFreePorts(t);
}

/**
 * Validates startFabric()'s options at the entry point, the topology with the same rules as
 * regions.yaml; no topology is the default one. Unless `ports: 'topology'`, every port is a free one.
 */
export function parseFabricOptions(input: FabricOptions = {}): CheckedFabricOptions {
  if (typeof input !== 'object' || input === null) {
    throw new FabricOptionsError([{ path: [], key: formatPath([]), reason: 'expected an options object (or none)', missing: false }]);
  }
  const parsed = FabricOptionsSchema.safeParse(input);
  const issues = parsed.success ? [] : describeIssues(parsed.error.issues, FabricOptionsSchema, input);
  const topology = (input as { topology?: unknown }).topology;
  const checked = topology === undefined ? { topology: defaultTopology(), problems: [] } : checkTopology(topology);
  if (!checked.topology) issues.push(...checked.problems.map((p) => ({ ...p, path: ['topology', ...p.path], key: formatPath(['topology', ...p.path]) })));
  if (issues.length > 0 || !parsed.success || !checked.topology) throw new FabricOptionsError(issues);
  return { ...input, topology: withPorts(checked.topology, input.ports) };
}
