import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultTopology, loadTopologyFile, presetTopology, type Topology } from '../index.js';

export interface TopologyFlags {
  config?: string;
  preset?: string;
}

/** --config, else --preset, else ./regions.yaml, else the embedded default. */
export function resolveTopology(flags: TopologyFlags, cwd = process.cwd()): Topology {
  if (flags.config && flags.preset) throw new Error('use either --config or --preset, not both');
  if (flags.config) return loadTopologyFile(resolve(cwd, flags.config));
  if (flags.preset) return presetTopology(flags.preset);
  const local = resolve(cwd, 'regions.yaml');
  return existsSync(local) ? loadTopologyFile(local) : defaultTopology();
}
