import { LineCounter, parseDocument, type Document } from 'yaml';
import { describeIssues, formatPath } from '../core/zod-issues.js';
import { TopologyError } from './errors.js';
import { locate } from './locate.js';
import { regionProblems, tenantProblems, type Problem } from './check.js';
import { DEFAULT_ACCESS_PROFILE, derivedProfile, linkKey } from './profiles.js';
import { TopologyFileSchema, type TopologyFile } from './schema.js';
import type { LinkProfile, Topology } from './types.js';

/** Parses and validates a regions.yaml text; `file` is only used in messages and as `source`. */
export function parseTopology(text: string, file: string): Topology {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const syntax = doc.errors[0];
  if (syntax) {
    const { line, col } = lineCounter.linePos(syntax.pos[0]);
    throw new TopologyError(file, line, col, '', `YAML syntax error: ${syntax.message}`);
  }
  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (err) {
    throw new TopologyError(file, 1, 1, '', `cannot read YAML: ${(err as Error).message}`);
  }
  const parsed = TopologyFileSchema.safeParse(raw);
  const problems = parsed.success ? crossCheck(parsed.data) : describeIssues(parsed.error.issues, TopologyFileSchema, raw);
  if (problems.length > 0 || !parsed.success) throw earliest(problems, doc, lineCounter, file);
  return build(parsed.data, file);
}

/** Rules that span entries, checked once every entry has the right shape. */
function crossCheck(data: TopologyFile): Problem[] {
  const problems = regionProblems(data.regions, data.global.port, data.https?.port);
  const names = new Set(data.regions.map((r) => r.name));
  const known = [...names].join(', ');
  const pairs = new Map<string, number>();
  data.latency.forEach((e, i) => {
    const [a, b] = e.between;
    const unknown = e.between.findIndex((n) => !names.has(n));
    if (unknown >= 0) {
      problems.push({
        path: ['latency', i, 'between', unknown],
        reason: `unknown region "${e.between[unknown]}" (known: ${known})`,
      });
    } else if (a === b) {
      problems.push({ path: ['latency', i, 'between'], reason: 'a link needs two different regions' });
    } else {
      const key = linkKey(a, b);
      const other = pairs.get(key);
      if (other !== undefined) {
        problems.push({ path: ['latency', i, 'between'], reason: `duplicate link ${key} (also latency[${other}])` });
      } else pairs.set(key, i);
    }
  });
  return [...problems, ...tenantProblems(data)];
}

/** Several problems at once are reported top-down: the first in the file is the one to fix first. */
function earliest(problems: Problem[], doc: Document, lineCounter: LineCounter, file: string): TopologyError {
  const errors = problems.map((p) => {
    const pos = locate(doc, lineCounter, p.path);
    return new TopologyError(file, pos.line, pos.column, formatPath(p.path), p.reason);
  });
  errors.sort((x, y) => x.line - y.line || x.column - y.column);
  return errors[0] ?? new TopologyError(file, 1, 1, '', 'invalid topology');
}

function profile(p: Omit<LinkProfile, 'derived'>): LinkProfile {
  const { rttMs, jitterMs, distribution, lossRate, source } = p;
  return { rttMs, jitterMs, distribution, lossRate, source, derived: false };
}

function build(data: TopologyFile, file: string): Topology {
  const regions = data.regions.map((r) => ({ ...r }));
  const given = new Map(data.latency.map((e) => [linkKey(e.between[0], e.between[1]), profile(e)]));
  const links: Record<string, LinkProfile> = {};
  regions.forEach((a, i) => {
    for (const b of regions.slice(i + 1)) {
      const key = linkKey(a.name, b.name);
      links[key] = given.get(key) ?? derivedProfile(a, b);
    }
  });
  return {
    name: data.name ?? file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/i, ''),
    source: file,
    seed: data.seed,
    regions,
    global: { port: data.global.port },
    ...(data.https ? { https: { port: data.https.port } } : {}),
    access: data.access ? profile(data.access) : { ...DEFAULT_ACCESS_PROFILE },
    links,
    ...(data.dev ? { dev: { ...data.dev } } : {}),
    tenants: data.tenants.map((t) => ({ name: t.name, users: t.users.map((u) => ({ ...u })) })),
  };
}
