import { z } from 'zod';
import { describeIssues, formatPath, type IssueText } from '../core/zod-issues.js';
import { linkKey } from './profiles.js';
import { DevSchema, GlobalSchema, HttpsSchema, ProfileFields, RegionSchema, TenantSchema } from './schema.js';
import type { RegionSpec, Topology } from './types.js';

/** A rule broken by one entry, named by its path. */
export interface Problem {
  path: PropertyKey[];
  reason: string;
}

/** Region names and ports are unique, the front door's included (port 0 is "any free port", never a duplicate). */
export function regionProblems(regions: readonly RegionSpec[], globalPort: number, httpsPort = 0): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  const ports = new Map<number, string>();
  if (globalPort !== 0) ports.set(globalPort, 'global.port');
  if (httpsPort !== 0) {
    if (ports.has(httpsPort)) problems.push({ path: ['https', 'port'], reason: `duplicate port ${httpsPort} (also used by global.port)` });
    else ports.set(httpsPort, 'https.port');
  }
  regions.forEach((r, i) => {
    const other = names.get(r.name);
    if (other !== undefined) {
      problems.push({ path: ['regions', i, 'name'], reason: `duplicate region name "${r.name}" (also regions[${other}])` });
    } else names.set(r.name, i);
    const owner = ports.get(r.port);
    if (owner !== undefined) {
      problems.push({ path: ['regions', i, 'port'], reason: `duplicate port ${r.port} (also used by ${owner})` });
    } else if (r.port !== 0) ports.set(r.port, r.name);
  });
  return problems;
}

const LinkProfileSchema = z.strictObject({ ...ProfileFields, derived: z.boolean().default(false) });

/**
 * A built topology, as parseTopology() returns it, for callers that hand one to startFabric()
 * without a file: the region and profile rules are those of regions.yaml, and every pair of regions
 * needs its link (parseTopology derives the ones a file leaves out).
 */
export const TopologySchema = z.strictObject({
  name: z.string().min(1),
  source: z.string().default('hand-built topology'),
  seed: z.int(),
  regions: z.array(RegionSchema).min(1, 'a topology needs at least one region'),
  global: GlobalSchema,
  https: HttpsSchema.optional(),
  access: LinkProfileSchema,
  links: z.record(z.string(), LinkProfileSchema),
  dev: DevSchema.optional(),
  tenants: z.array(TenantSchema).optional(),
});

function linkProblems(t: z.output<typeof TopologySchema>): Problem[] {
  const problems: Problem[] = [];
  const names = t.regions.map((r) => r.name);
  const wanted = new Set<string>();
  names.forEach((a, i) => names.slice(i + 1).forEach((b) => wanted.add(linkKey(a, b))));
  for (const key of Object.keys(t.links)) {
    if (!wanted.has(key)) problems.push({ path: ['links', key], reason: `not a link between two regions of the topology (keys are "a|b" with a < b; regions: ${names.join(', ')})` });
  }
  const missing = [...wanted].filter((k) => !(k in t.links));
  if (missing.length > 0) {
    problems.push({ path: ['links'], reason: `missing ${missing.map((k) => `"${k}"`).join(', ')} (parseTopology() and defaultTopology() give every pair; derivedProfile() computes one)` });
  }
  return problems;
}

/** The tenant of an API key: everything before its last two '.'-separated parts (jsC8's reading). */
function keyTenant(key: string): string {
  return key.split('.').slice(0, -2).join('.');
}

function keyId(key: string): string {
  return key.split('.').at(-2) ?? '';
}

/** Tenants, users and keys: unique where login and key lookup need them to be, keys of their own tenant. */
export function tenantProblems(data: Pick<Topology, 'dev' | 'tenants'>): Problem[] {
  const problems: Problem[] = [];
  const tenants = new Map<string, number>();
  const emails = new Map<string, string>();
  const devTenant = data.dev?.tenant ?? '_mm';
  if (data.dev?.apiKey !== undefined && keyTenant(data.dev.apiKey) !== devTenant) {
    problems.push({ path: ['dev', 'apiKey'], reason: `the key's tenant is "${keyTenant(data.dev.apiKey)}" but the dev tenant is "${devTenant}"; a key reads <tenant>.<keyid>.<secret>` });
  }
  if (data.dev?.email !== undefined) emails.set(data.dev.email.toLowerCase(), 'dev.email');
  (data.tenants ?? []).forEach((t, i) => {
    const other = tenants.get(t.name);
    if (other !== undefined) problems.push({ path: ['tenants', i, 'name'], reason: `duplicate tenant "${t.name}" (also tenants[${other}])` });
    else tenants.set(t.name, i);
    const users = new Map<string, number>();
    const keys = new Map<string, string>();
    t.users.forEach((u, j) => {
      const at = `tenants[${i}].users[${j}]`;
      const dup = users.get(u.username);
      if (dup !== undefined) problems.push({ path: ['tenants', i, 'users', j, 'username'], reason: `duplicate user "${u.username}" in tenant "${t.name}" (also users[${dup}])` });
      else users.set(u.username, j);
      if (u.email !== undefined) {
        const owner = emails.get(u.email.toLowerCase());
        if (owner !== undefined) problems.push({ path: ['tenants', i, 'users', j, 'email'], reason: `email "${u.email}" is also ${owner}: login by email must name one user` });
        else emails.set(u.email.toLowerCase(), at);
      }
      if (u.apiKey !== undefined) {
        if (keyTenant(u.apiKey) !== t.name) {
          problems.push({ path: ['tenants', i, 'users', j, 'apiKey'], reason: `the key's tenant is "${keyTenant(u.apiKey)}", not "${t.name}"; a key reads <tenant>.<keyid>.<secret>` });
        } else {
          const id = keyId(u.apiKey);
          const owner = keys.get(id);
          if (owner !== undefined) problems.push({ path: ['tenants', i, 'users', j, 'apiKey'], reason: `key id "${id}" is also the key of ${owner}` });
          else keys.set(id, at);
        }
      }
    });
  });
  return problems;
}

/** Checks a topology object: either the checked value (defaults applied) or what is wrong with it. */
export function checkTopology(input: unknown): { topology: Topology; problems: [] } | { topology: undefined; problems: IssueText[] } {
  const parsed = TopologySchema.safeParse(input);
  if (!parsed.success) return { topology: undefined, problems: describeIssues(parsed.error.issues, TopologySchema, input) };
  const problems = [...regionProblems(parsed.data.regions, parsed.data.global.port, parsed.data.https?.port), ...linkProblems(parsed.data), ...tenantProblems(parsed.data)];
  if (problems.length > 0) return { topology: undefined, problems: problems.map((p) => ({ ...p, key: formatPath(p.path), missing: false })) };
  return { topology: parsed.data, problems: [] };
}
