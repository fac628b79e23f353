import { existsSync, readFileSync } from 'node:fs';
import { CORPUS_DIR } from './corpus.js';

/** A case of graph/cases.jsonl (format in its README). */
export interface GraphCase {
  line: number;
  dataset: string | null;
  query: string;
  bindVars?: Record<string, unknown>;
  expected?: unknown[];
  errorNum?: number;
  unordered?: boolean;
  stripSystem?: boolean;
  tolerance?: number;
  warningCount?: number;
  tags?: string[];
}

export interface Dataset {
  graph: unknown;
  collections: { name: string; type: number; documents: Record<string, unknown>[] }[];
  indexes?: ({ collection: string } & Record<string, unknown>)[];
}

const DIR = `${CORPUS_DIR.replace(/\/$/, '')}/graph`;
const TRAVERSAL_TAGS = new Set(['traversal', 'named-graph', 'SHORTEST_PATH', 'K_SHORTEST_PATHS', 'K_PATHS', 'ALL_SHORTEST_PATHS']);

export function graphCorpusPresent(): boolean {
  return existsSync(`${DIR}/cases.jsonl`);
}

export function loadDataset(name: string): Dataset {
  return JSON.parse(readFileSync(`${DIR}/datasets/${name}.json`, 'utf8')) as Dataset;
}

/**
 * The cases that need neither graph traversal nor the graph API (geo, fulltext, GeoJSON): their
 * dataset, if any, has no named graph. The rest waits for graphs (docs/compatibility.md).
 */
export function casesWithoutGraphs(): GraphCase[] {
  const all = readFileSync(`${DIR}/cases.jsonl`, 'utf8').split('\n')
    .map((text, i) => ({ text, line: i + 1 }))
    .filter(({ text }) => text.trim() !== '')
    .map(({ text, line }) => ({ line, ...(JSON.parse(text) as Omit<GraphCase, 'line'>) }));
  const graphs = new Map<string, boolean>();
  const hasGraph = (d: string): boolean => graphs.get(d) ?? graphs.set(d, loadDataset(d).graph !== null).get(d)!;
  return all.filter((c) => !(c.tags ?? []).some((t) => TRAVERSAL_TAGS.has(t))
    && !/\b(OUTBOUND|INBOUND|ANY)\b/.test(c.query)
    && (c.dataset === null || !hasGraph(c.dataset)));
}
