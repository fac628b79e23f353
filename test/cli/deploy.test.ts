import { readFileSync } from 'node:fs';
import { Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { composeFile } from '../../src/cli/compose.js';
import { k8sManifests } from '../../src/cli/k8s.js';
import { defaultTopology, presetTopology } from '../../src/index.js';
import { runCli } from '../helpers/cli.js';
import { testTopology } from '../helpers/topology.js';

const COMMITTED = new URL('../../docker/compose.yaml', import.meta.url);

/** Validates each manifest against the Kubernetes API schemas kubernetes-models ships (throws on the first problem). */
function validate(text: string): string[] {
  return parseAllDocuments(text).map((d) => {
    const m = d.toJS() as { kind: string; metadata: { name: string } };
    if (m.kind === 'Service') new Service(m as ConstructorParameters<typeof Service>[0]).validate();
    else if (m.kind === 'StatefulSet') new StatefulSet(m as ConstructorParameters<typeof StatefulSet>[0]).validate();
    else throw new Error(`unexpected kind ${m.kind}`);
    return `${m.kind}/${m.metadata.name}`;
  });
}

describe('fabric-emu compose', () => {
  it('the committed docker/compose.yaml is what `fabric-emu compose --preset seed-4` generates', async () => {
    const out = await runCli(['compose', '--preset', 'seed-4']);
    expect(out.code).toBe(0);
    expect(out.stdout).toBe(readFileSync(COMMITTED, 'utf8'));
    expect(composeFile(defaultTopology(), { kind: 'default' })).toBe(out.stdout);
  });

  it('gives each region a container that reaches every peer by service name, on the topology ports', () => {
    const f = parse(composeFile(presetTopology('seed-4'), { kind: 'default' })) as { services: Record<string, { command: string[]; ports: string[]; environment: Record<string, string> }> };
    expect(Object.keys(f.services)).toEqual(['gdn-us-west', 'gdn-us-east', 'gdn-eu-central', 'gdn-ap-west']);
    const east = f.services['gdn-us-east']!;
    expect(east.command.slice(0, 2)).toEqual(['region', 'gdn-us-east']);
    expect(east.command.filter((_, i) => east.command[i - 1] === '--peer')).toEqual(['gdn-us-west=gdn-us-west:8531', 'gdn-eu-central=gdn-eu-central:8533', 'gdn-ap-west=gdn-ap-west:8534']);
    expect(east.ports).toEqual(['8532:8532']);
    expect(east.environment['FABRIC_EMU_ALLOWED_HOSTS']).toBe('gdn-us-east');
    expect(east.environment['FABRIC_EMU_SECRET']).toMatch(/^\$\{FABRIC_EMU_SECRET:\?/);
  });

  it('mounts a topology file into every container, and refuses a topology with free ports', async () => {
    const f = parse(composeFile(presetTopology('seed-4'), { kind: 'file', path: './my-regions.yaml' })) as { services: Record<string, { command: string[]; volumes: string[] }> };
    expect(f.services['gdn-ap-west']!.volumes).toEqual(['./my-regions.yaml:/home/node/regions.yaml:ro']);
    expect(f.services['gdn-ap-west']!.command).toContain('/home/node/regions.yaml');
    expect(() => composeFile(testTopology(), { kind: 'default' })).toThrow(/every region needs a fixed port in a deployment \(port 0 at: r-east, r-eu\)/);
  });
});

describe('fabric-emu k8s', () => {
  it('a Service and a StatefulSet per region, valid against the Kubernetes API schemas, ready on per-PoP health', async () => {
    const out = await runCli(['k8s', '--preset', 'global-25']);
    expect(out.code).toBe(0);
    expect(validate(out.stdout)).toHaveLength(50);
    const text = k8sManifests(defaultTopology(), { kind: 'file', path: 'regions.yaml' });
    expect(validate(text)).toEqual(['gdn-us-west', 'gdn-us-east', 'gdn-eu-central', 'gdn-ap-west'].flatMap((n) => [`Service/${n}`, `StatefulSet/${n}`]));
    const set = parseAllDocuments(text)[3]!.toJS() as { spec: { template: { spec: { containers: { readinessProbe: unknown; args: string[] }[]; volumes: unknown[] } } } };
    const pop = set.spec.template.spec.containers[0]!;
    expect(pop.readinessProbe).toMatchObject({ httpGet: { path: '/_emu/health', port: 8532 } });
    // Ready means linked to every peer: the peers must reach a pod that is not ready yet.
    expect((parseAllDocuments(text)[2]!.toJS() as { spec: { publishNotReadyAddresses: boolean } }).spec.publishNotReadyAddresses).toBe(true);
    expect(pop.args).toContain('gdn-eu-central=gdn-eu-central:8533');
    expect(set.spec.template.spec.volumes).toEqual([{ name: 'topology', configMap: { name: 'fabric-emu-topology' } }]);
  });

  it('the validator catches a manifest the API server would refuse', () => {
    const broken = k8sManifests(defaultTopology(), { kind: 'default' }).replace('containerPort: 8531', 'containerPort: "eighty"');
    expect(() => validate(broken)).toThrow(/containerPort/);
  });
});
