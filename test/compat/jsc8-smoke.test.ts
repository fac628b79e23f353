import { describe, expect, it } from 'vitest';
import { gdnConnection } from '../../src/index.js';
import { Jsc8, useJsc8 } from '../helpers/jsc8.js';

/**
 * A first smoke of the real jsc8@1.1.0 over HTTPS through the front door, with unchanged SDK calls
 * and the fabric's dev API key (conn.jsc8 carries it); the full compatibility suite comes later.
 */
const j = useJsc8();

describe('jsc8@1.1.0 through the HTTPS front door', () => {
  it('lists the edge locations with the host names its WebSockets and region switches use', async () => {
    const dcs = (await j.client.getAllEdgeLocations()) as { name: string; tags: { url: string; api: string }; locationInfo: { url: string } }[];
    expect(dcs.map((d) => d.name)).toEqual(['r-east', 'r-eu']);
    for (const d of dcs) {
      expect(d.tags.url).toBe(`${d.name}.localhost:${j.fabric.https!.port}`);
      expect(d.tags.url).not.toMatch(/http/);
      expect(d.locationInfo.url).toBe(d.tags.url);
    }
    expect((await j.client.getLocalEdgeLocation()).local).toBe(true);
    expect((await j.client.version()).server).toBe('C8DB');
  });

  it('creates a collection, inserts a document and queries it back', async () => {
    await j.client.createCollection('smoke');
    expect(await j.client.hasCollection('smoke')).toBe(true);
    const meta = await j.client.insertDocument('smoke', { name: 'Ada', n: 1 });
    expect(meta._key).toEqual(expect.any(String));
    expect(await j.client.getDocument('smoke', meta._key)).toMatchObject({ _key: meta._key, name: 'Ada' });
    await j.client.insertDocumentMany('smoke', [{ n: 2 }, { n: 3 }]);
    const cursor = await j.client.query('FOR d IN smoke SORT d.n RETURN d.n', {}, { batchSize: 2 });
    expect(await cursor.all()).toEqual([1, 2, 3]);
    expect(await j.client.executeQuery('FOR d IN smoke FILTER d.n > @min RETURN d.n', { min: 1 })).toEqual([2, 3]);
  });

  it("sees its errors classified as jsC8 expects (C8Error with GDN's errorNum)", async () => {
    const err = await j.client.getDocument('smoke', 'missing').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'C8Error', errorNum: 1202, statusCode: 404 });
    expect(await j.client.getDocument('smoke', 'missing', true)).toBeNull();
  });

  it('reaches one region when given its URL', async () => {
    const eu = await gdnConnection(j.fabric, { region: 'r-eu' });
    const c = new Jsc8({ ...eu.jsc8 });
    try {
      expect((await c.getLocalEdgeLocation()).name).toBe('r-eu');
    } finally {
      c.close();
      await eu.close();
    }
  });
});
