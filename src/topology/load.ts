import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_REGIONS_YAML } from './default-regions.js';
import { TopologyError } from './errors.js';
import { parseTopology } from './parse.js';
import type { Topology } from './types.js';

/** 'seed-4' is the embedded default; the others are presets/<name>.yaml. */
export const PRESETS: readonly string[] = Object.freeze(['seed-4', 'global-25']);
export const DEFAULT_PRESET = 'seed-4';

/** src/topology/ and dist/topology/ both sit two levels below the package root, beside presets/. */
const PRESETS_DIR = new URL('../../presets/', import.meta.url);

export function loadTopologyFile(path: string): Topology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TopologyError(path, 0, 0, '', `cannot read topology file: ${(err as Error).message}`);
  }
  return parseTopology(text, path);
}

let cachedDefault: Topology | undefined;

/** Parsed once; each caller gets its own copy, so one run's edits never leak into another's. */
export function defaultTopology(): Topology {
  cachedDefault ??= parseTopology(DEFAULT_REGIONS_YAML, 'embedded default');
  return structuredClone(cachedDefault);
}

export function presetTopology(name: string): Topology {
  if (!PRESETS.includes(name)) {
    throw new TopologyError(`preset:${name}`, 0, 0, '', `unknown preset "${name}" (known: ${PRESETS.join(', ')})`);
  }
  const t = name === DEFAULT_PRESET ? defaultTopology() : loadTopologyFile(fileURLToPath(new URL(`${name}.yaml`, PRESETS_DIR)));
  return { ...t, source: `preset:${name}` };
}
