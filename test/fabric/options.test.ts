import { describe, expect, it } from 'vitest';
import { defaultTopology, FabricOptionsError, startFabric, type FabricOptions, type Topology } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

/** startFabric() refuses bad options before it creates anything, so these tests start nothing. */
async function refused(opts: unknown): Promise<FabricOptionsError> {
  try {
    const f = await startFabric(opts as FabricOptions);
    await f.close();
  } catch (e) {
    expect(e).toBeInstanceOf(FabricOptionsError);
    return e as FabricOptionsError;
  }
  throw new Error('expected startFabric() to refuse the options');
}

function edited(edit: (t: Topology) => void): Topology {
  const t = structuredClone(testTopology({ regions: 3 }));
  edit(t);
  return t;
}

describe('startFabric() options', () => {
  it('names a misspelt option and lists the known ones', async () => {
    const e = await refused({ topology: testTopology(), latncy: false });
    expect(e.message).toBe(
      'startFabric(): invalid options: latncy: unknown key "latncy" (allowed: topology, ports, dataDir, latency, host, bodyLimit, logger, warn, clientRegion, clock, secret, allowedHosts, auth, threads, https, fromSnapshot)',
    );
  });

  it('names a wrong type, and a value that is not an options object', async () => {
    expect((await refused({ topology: testTopology(), latency: 'yes' })).message).toBe(
      'startFabric(): invalid options: latency: Invalid input: expected boolean, received string',
    );
    expect((await refused({ topology: testTopology(), ports: 'any' })).message).toContain('ports: ');
    expect((await refused(null)).message).toContain('(root): expected an options object (or none)');
    expect((await refused({ topology: testTopology(), bodyLimit: -1, warn: 'log', clock: Date, threads: 0 })).issues.map((i) => `${i.key}: ${i.reason}`)).toEqual([
      'bodyLimit: Too small: expected number to be >0',
      'warn: expected a function',
      'clock: expected a FabricClock',
      'threads: Too small: expected number to be >0',
    ]);
  });

  it('checks a hand-built topology with the rules of regions.yaml', async () => {
    const lat = await refused({ topology: edited((t) => (t.regions[1]!.lat = 95)) });
    expect(lat.message).toBe('startFabric(): invalid options: topology.regions[1].lat: Too big: expected number to be <=90');
    const name = await refused({ topology: edited((t) => (t.regions[0]!.name = 'R_East')) });
    expect(name.message).toContain('topology.regions[0].name: region names use lowercase letters, digits and inner hyphens');
    const extra = await refused({ topology: edited((t) => Object.assign(t.regions[2]!, { colour: 'red' })) });
    expect(extra.message).toContain('topology.regions[2].colour: unknown key "colour" (allowed: name, city, country, countryName, lat, lon, port, host)');
  });

  it('checks the front door: its option and the topology port it takes', async () => {
    expect((await refused({ topology: testTopology(), https: { prot: 8443 } })).message).toContain('https.prot: unknown key "prot" (allowed: port, certDir)');
    expect((await refused({ topology: testTopology(), https: 'on' })).message).toContain('https: ');
    const clash = await refused({ topology: edited((t) => ((t.https = { port: 8531 }), (t.regions[1]!.port = 8531))) });
    expect(clash.message).toBe('startFabric(): invalid options: topology.regions[1].port: duplicate port 8531 (also used by https.port)');
  });

  it('checks what spans entries: duplicate names and ports, and every link', async () => {
    const dup = await refused({ topology: edited((t) => ((t.regions[1]!.port = 8531), (t.regions[2]!.port = 8531))) });
    expect(dup.message).toBe('startFabric(): invalid options: topology.regions[2].port: duplicate port 8531 (also used by r-eu)');
    const missing = await refused({ topology: edited((t) => delete t.links['r-ap|r-eu']) });
    expect(missing.message).toContain('topology.links: missing "r-ap|r-eu"');
    const stray = await refused({ topology: edited((t) => (t.links['r-east|r-mars'] = t.links['r-east|r-eu']!)) });
    expect(stray.message).toContain('topology.links.r-east|r-mars: not a link between two regions of the topology');
  });

  it('starts a valid hand-built topology, filling what regions.yaml defaults', async () => {
    const t = edited(() => {});
    const { source: _source, ...noSource } = t;
    for (const p of Object.values(noSource.links)) delete (p as Partial<typeof p>).derived;
    const f = await startFabric({ topology: noSource as Topology, latency: false });
    try {
      expect(f.topology.source).toBe('hand-built topology');
      expect(Object.values(f.topology.links).every((p) => p.derived === false)).toBe(true);
      expect(f.regions.map((r) => r.name)).toEqual(['r-east', 'r-eu', 'r-ap']);
    } finally {
      await f.close();
    }
  });

  it('accepts the default topology untouched', async () => {
    const t = defaultTopology();
    t.regions = t.regions.map((r) => ({ ...r, port: 0 }));
    t.global.port = 0;
    const f = await startFabric({ topology: t, latency: false });
    await f.close();
  });
});
