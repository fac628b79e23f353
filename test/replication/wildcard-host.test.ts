import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { dialHost } from '../../src/core/dial-host.js';
import { eventually, get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

describe('PoPs bound to every address (--host 0.0.0.0, as in a container)', () => {
  it('dial each other at loopback, which they answer, and replicate; the global URL reaches them there too', async () => {
    fabric = await startFabric({ topology: testTopology(), latency: false, host: '0.0.0.0' });
    const at = (name: string) => `http://127.0.0.1:${fabric!.region(name).port()}`;
    useCredentials(fabric, [at('r-east'), at('r-eu')]);
    expect((await post(`${at('r-east')}/_api/collection`, { name: 'c' })).status).toBe(200);
    expect((await post(`${at('r-east')}/_api/document/c`, { _key: 'k' })).status).toBe(202);
    await eventually(async () => (await get(`${at('r-eu')}/_api/document/c/k`)).status === 200);
    const global = fabric.globalUrl().replace('0.0.0.0', '127.0.0.1');
    useCredentials(fabric, [global]);
    expect((await get(`${global}/_api/document/c/k`)).status).toBe(200);
    const link = (await (await fetch(`${global}/_emu/status`)).json()) as { links: { state: string }[] };
    expect(link.links.map((l) => l.state)).toEqual(['open', 'open']);
  });

  it('a wildcard is dialled at loopback, an IPv6 address in brackets, a name as it is', () => {
    expect([dialHost('0.0.0.0'), dialHost('::'), dialHost('fd00::2'), dialHost('gdn-us-east'), dialHost('10.0.0.2')]).toEqual(['127.0.0.1', '[::1]', '[fd00::2]', 'gdn-us-east', '10.0.0.2']);
  });
});
