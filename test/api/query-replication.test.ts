import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { del, get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

const api = (f: Fabric, region: string) => `${f.region(region).url()}/_fabric/_system/_api`;

describe('queries and indexes across PoPs', () => {
  it('writes made by a C8QL query replicate to every PoP', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    useCredentials(fabric);
    const east = api(fabric, 'r-east');
    await post(`${east}/collection`, { name: 'c' });
    const r = await post(`${east}/cursor`, { query: 'FOR i IN 1..5 INSERT {_key: TO_STRING(i), i} INTO c' });
    expect(r.status).toBe(201);
    await post(`${east}/cursor`, { query: 'FOR d IN c FILTER d.i > 3 UPDATE d WITH {big: true} IN c' });
    await post(`${east}/cursor`, { query: 'REMOVE "1" IN c' });
    await fabric.waitForReplication();
    for (const region of ['r-eu', 'r-ap']) {
      const q = await post(`${api(fabric, region)}/cursor`, { query: 'FOR d IN c SORT d.i RETURN [d.i, d.big]' });
      expect(q.body.result).toEqual([[2, null], [3, null], [4, true], [5, true]]);
    }
  });

  it('index DDL replicates: create, then drop, and a unique index is enforced at the peer', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
    useCredentials(fabric);
    const east = api(fabric, 'r-east');
    const eu = api(fabric, 'r-eu');
    await post(`${east}/collection`, { name: 'c' });
    const created = await post(`${east}/index?collection=c`, { type: 'persistent', fields: ['email'], unique: true, name: 'byEmail' });
    expect(created.status).toBe(201);
    await fabric.waitForReplication();
    const atEu = await get(`${eu}/index/c/byEmail`);
    expect(atEu.body).toMatchObject({ id: created.body.id, name: 'byEmail', unique: true, fields: ['email'] });
    await post(`${eu}/document/c`, { _key: 'a', email: 'x' });
    expect((await post(`${eu}/document/c`, { _key: 'b', email: 'x' })).body.errorNum).toBe(1210);
    await del(`${east}/index/c/byEmail`);
    await fabric.waitForReplication();
    for (const region of ['r-eu', 'r-ap']) {
      expect((await get(`${api(fabric, region)}/index/c/byEmail`)).body.errorNum).toBe(1212);
      expect((await get(`${api(fabric, region)}/index?collection=c`)).body.indexes).toHaveLength(1);
    }
    expect((await post(`${eu}/document/c`, { _key: 'b', email: 'x' })).status).toBe(202);
  });
});
