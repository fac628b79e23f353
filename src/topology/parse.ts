import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { TopologyError } from './errors.js';
import { formatPath, locate } from './locate.js';
import { DEFAULT_ACCESS_PROFILE, derivedProfile, linkKey } from './profiles.js';
import { ALLOWED_KEYS, TopologyFileSchema, type TopologyFile } from './schema.js';
import type { LinkProfile, Topology } from './types.js';

interface Problem {
  path: PropertyKey[];
  reason: string;
  /** A type error that means "absent" when the path has no node in the file: reported at the parent. */
  missing?: boolean;
}

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
  const problems = parsed.success ? crossCheck(parsed.data) : parsed.error.issues.flatMap(fromIssue);
  if (problems.length > 0 || !parsed.success) throw earliest(problems, doc, lineCounter, file);
  return build(parsed.data, file);
}

function fromIssue(issue: z.core.$ZodIssue): Problem[] {
  const path = issue.path.slice();
  if (issue.code === 'unrecognized_keys') {
    const shape = path.length > 0 ? formatPath(path).replace(/\[\d+\]/g, '[]') : '';
    const allowed = ALLOWED_KEYS[shape] ?? [];
    return issue.keys.map((key) => ({
      path: [...path, key],
      reason: `unknown key "${key}" (allowed: ${allowed.join(', ')})`,
    }));
  }
  if (path.length === 0 && issue.code === 'invalid_type') {
    return [{ path, reason: `expected a mapping with the keys ${ALLOWED_KEYS['']?.join(', ')}` }];
  }
  return [{ path, reason: issue.message, missing: issue.code === 'invalid_type' }];
}

/** Rules that span entries, checked once every entry has the right shape. */
function crossCheck(data: TopologyFile): Problem[] {
  const problems: Problem[] = [];
  const names = new Map<string, number>();
  const ports = new Map<number, string>();
  if (data.global.port !== 0) ports.set(data.global.port, 'global.port');
  if (data.https && data.https.port !== 0) {
    if (ports.has(data.https.port)) problems.push({ path: ['https', 'port'], reason: `duplicate port ${data.https.port} (also used by global.port)` });
    else ports.set(data.https.port, 'https.port');
  }
  data.regions.forEach((r, i) => {
    const other = names.get(r.name);
    if (other !== undefined) {
      problems.push({ path: ['regions', i, 'name'], reason: `duplicate region name "${r.name}" (also regions[${other}])` });
    } else names.set(r.name, i);
    const owner = ports.get(r.port);
    if (owner !== undefined) {
      problems.push({ path: ['regions', i, 'port'], reason: `duplicate port ${r.port} (also used by ${owner})` });
    } else if (r.port !== 0) ports.set(r.port, r.name);
  });
  const known = [...names.keys()].join(', ');
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
  return problems;
}

/** Several problems at once are reported top-down: the first in the file is the one to fix first. */
function earliest(problems: Problem[], doc: Document, lineCounter: LineCounter, file: string): TopologyError {
  const errors = problems.map((p) => {
    const pos = locate(doc, lineCounter, p.path);
    const key = formatPath(p.path);
    const reason = p.missing && !pos.found ? `missing required key "${String(p.path.at(-1))}"` : p.reason;
    return new TopologyError(file, pos.line, pos.column, key, reason);
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
  };
}
