import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defaultTopology, loadTopologyFile, presetTopology, type Topology } from '../index.js';
import { UsageError } from './errors.js';

export interface TopologyFlags {
  config?: string;
  preset?: string;
  /** Internal: the resolved topology a `up --processes` parent hands its children. */
  topologyJson?: string;
}

/** --config, else --preset, else ./regions.yaml, else the embedded default. */
export function resolveTopology(flags: TopologyFlags, cwd = process.cwd()): Topology {
  if (flags.topologyJson) return JSON.parse(readFileSync(flags.topologyJson, 'utf8')) as Topology;
  if (flags.config && flags.preset) throw new UsageError('use either --config or --preset, not both');
  if (flags.config) return loadTopologyFile(resolve(cwd, flags.config));
  if (flags.preset) return presetTopology(flags.preset);
  const local = resolve(cwd, 'regions.yaml');
  return existsSync(local) ? loadTopologyFile(local) : defaultTopology();
}
