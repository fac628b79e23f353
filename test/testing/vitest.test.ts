import { describe, expect, it } from 'vitest';
import { useFabric } from '../../src/testing/vitest.js';
import { testTopology } from '../helpers/topology.js';

const headers = (apiKey: string) => ({ authorization: `apikey ${apiKey}`, 'content-type': 'application/json' });

describe('useFabric() isolates each test by a reset of the file fabric', () => {
  const fabric = useFabric({ topology: testTopology(), latency: false, https: false });
  // Collecting tests, before beforeAll: no fabric yet, and it says so.
  expect(() => fabric.globalUrl()).toThrow('useFabric(): the fabric exists only inside tests and hooks of the file that called useFabric()');
  let firstGlobal = '';

  it('a test that leaves data, a cut link, a killed PoP and a frozen clock behind', async () => {
    firstGlobal = fabric.globalUrl();
    const res = await fetch(`${fabric.region('r-east').url()}/_fabric/_system/_api/collection`, { method: 'POST', headers: headers(fabric.credentials.apiKey), body: JSON.stringify({ name: 'left' }) });
    expect(res.status).toBe(200);
    await fabric.link('r-east', 'r-eu', { cut: true, rttMs: 400 });
    await fabric.kill('r-eu');
    await fabric.clock({ freeze: true });
  });

  it('the next test gets the same fabric, clean: no data, every PoP serving, links as the topology says, the clock running', async () => {
    expect(fabric.globalUrl()).toBe(firstGlobal);
    expect(fabric.health().every((r) => r.listening)).toBe(true);
    const res = await fetch(`${fabric.region('r-east').url()}/_fabric/_system/_api/collection/left`, { headers: headers(fabric.credentials.apiKey) });
    expect(res.status).toBe(404);
    const links = (await fabric.status()).links;
    expect(links.map((l) => [l.from, l.to, l.cut, l.rttMs])).toEqual([
      ['r-east', 'r-eu', false, 100],
      ['r-eu', 'r-east', false, 100],
    ]);
    expect((await fabric.clock()).frozen).toBe(false);
  });
});

describe("useFabric({ isolate: 'fresh' }) gives each test a fabric of its own", () => {
  const fabric = useFabric({ topology: testTopology(), latency: false, https: false, isolate: 'fresh' });
  const seen: string[] = [];

  it('first', () => {
    seen.push(fabric.globalUrl());
  });

  it('second', async () => {
    seen.push(fabric.globalUrl());
    expect(seen[1]).not.toBe(seen[0]);
    expect((await fetch(`${seen[1]}/_emu/health`)).status).toBe(200);
  });
});
