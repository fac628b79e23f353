import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { call, get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

describe('RESTQL definitions replicate', () => {
  it('a query saved, updated and deleted at one PoP is executable, changed and gone at every PoP', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    useCredentials(fabric);
    const east = fabric.region('r-east').url();
    await post(`${east}/_api/collection`, { name: 'addresses' });
    await post(`${east}/_api/document/addresses`, [{ zip: '1' }, { zip: '2' }]);
    await post(`${east}/_api/restql`, { query: { name: 'showAddresses', value: 'for docs in addresses return docs.zip' } });
    await fabric.waitForReplication();
    for (const r of fabric.regions) {
      const res = await call('POST', `${r.url()}/_api/restql/execute/showAddresses`, {});
      expect(res.status).toBe(201);
      expect(res.body.result).toEqual(['1', '2']);
    }
    await call('PUT', `${fabric.region('r-eu').url()}/_api/restql/showAddresses`, { query: { value: 'return 42' } });
    await fabric.waitForReplication();
    expect((await call('POST', `${fabric.region('r-ap').url()}/_api/restql/execute/showAddresses`, {})).body.result).toEqual([42]);
    await call('DELETE', `${fabric.region('r-ap').url()}/_api/restql/showAddresses`);
    await fabric.waitForReplication();
    for (const r of fabric.regions) expect((await get(`${r.url()}/_api/restql/user`)).body.result).toEqual([]);
  });
});
