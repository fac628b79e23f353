import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdnConnection, startFabric, type Fabric, type GdnConnection } from '../../src/index.js';
import { testTopology } from '../helpers/topology.js';

/**
 * A first smoke of the real jsc8@1.1.0 over HTTPS through the front door, with unchanged SDK calls.
 * Auth is not enforced yet, so any API key of the right shape (<tenant>.<keyid>.<secret>) passes;
 * the full compatibility suite comes with auth.
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsc8 = require('jsc8') as new (config: object) => any;
const API_KEY = 'demo_example.com.smoke.AbCdEf123';

let fabric: Fabric;
let conn: GdnConnection;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false, https: true });
  conn = await gdnConnection(fabric);
  client = new jsc8({ ...conn.jsc8, apiKey: API_KEY });
}, 60_000);
afterAll(async () => {
  client?.close();
  await conn?.close();
  await fabric?.close();
});

describe('jsc8@1.1.0 through the HTTPS front door', () => {
  it('lists the edge locations with the host names its WebSockets and region switches use', async () => {
    const dcs = (await client.getAllEdgeLocations()) as { name: string; tags: { url: string; api: string }; locationInfo: { url: string } }[];
    expect(dcs.map((d) => d.name)).toEqual(['r-east', 'r-eu']);
    for (const d of dcs) {
      expect(d.tags.url).toBe(`${d.name}.localhost:${fabric.https!.port}`);
      expect(d.tags.url).not.toMatch(/http/);
      expect(d.locationInfo.url).toBe(d.tags.url);
    }
    expect((await client.getLocalEdgeLocation()).local).toBe(true);
    expect((await client.version()).server).toBe('C8DB');
  });

  it('creates a collection, inserts a document and queries it back', async () => {
    await client.createCollection('smoke');
    expect(await client.hasCollection('smoke')).toBe(true);
    const meta = await client.insertDocument('smoke', { name: 'Ada', n: 1 });
    expect(meta._key).toEqual(expect.any(String));
    expect(await client.getDocument('smoke', meta._key)).toMatchObject({ _key: meta._key, name: 'Ada' });
    await client.insertDocumentMany('smoke', [{ n: 2 }, { n: 3 }]);
    const cursor = await client.query('FOR d IN smoke SORT d.n RETURN d.n', {}, { batchSize: 2 });
    expect(await cursor.all()).toEqual([1, 2, 3]);
    expect(await client.executeQuery('FOR d IN smoke FILTER d.n > @min RETURN d.n', { min: 1 })).toEqual([2, 3]);
  });

  it("sees its errors classified as jsC8 expects (C8Error with GDN's errorNum)", async () => {
    const err = await client.getDocument('smoke', 'missing').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'C8Error', errorNum: 1202, statusCode: 404 });
    expect(await client.getDocument('smoke', 'missing', true)).toBeNull();
  });

  it('reaches one region when given its URL', async () => {
    const eu = await gdnConnection(fabric, { region: 'r-eu' });
    const c = new jsc8({ ...eu.jsc8, apiKey: API_KEY });
    try {
      expect((await c.getLocalEdgeLocation()).name).toBe('r-eu');
    } finally {
      c.close();
      await eu.close();
    }
  });
});
