import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsC8 classifies GDN's error answers as C8Error (name, statusCode, errorNum, message) at either region. */
const j = useJsc8();

describe('jsc8@1.1.0 error classification', () => {
  it('a missing document is 404/1202, a missing collection 404/1203, a missing fabric 404/1228, at both regions', async () => {
    await j.client.createCollection('present');
    await j.replicated();
    for (const c of [j.client, j.remoteClient]) {
      expect(await rejection(c.getDocument('present', 'absent'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1202, message: expect.any(String) });
      expect(await rejection(c.getDocument('absent', 'k'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1203 });
      expect(await rejection(c.getCollection('absent'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1203 });
      c.useFabric('no_such_fabric');
      expect(await rejection(c.getCollections())).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1228 });
      expect(await c.exists()).toBe(false);
      c.useFabric('_system');
    }
  });

  it('a duplicate key is 409/1210, a query syntax error 400/1501, an unknown collection in a query 404/1203', async () => {
    await j.client.insertDocument('present', { _key: 'k' });
    expect(await rejection(j.client.insertDocument('present', { _key: 'k' }))).toMatchObject({ name: 'C8Error', statusCode: 409, errorNum: 1210 });
    expect(await rejection(j.client.query('FOR d IN present RETRN d'))).toMatchObject({ name: 'C8Error', statusCode: 400, errorNum: 1501 });
    expect(await rejection(j.client.executeQuery('FOR d IN nowhere RETURN d'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1203 });
  });

  it('no credentials is 401/11 and another tenant 403/11 (jsC8 names the tenant only in /datacenter/_tenant/{t})', async () => {
    const bare = await j.make({ apiKey: null });
    expect(await rejection(bare.getDocument('present', 'k'))).toMatchObject({ name: 'C8Error', statusCode: 401, errorNum: 11 });
    j.client.useTenant('someone_else');
    expect(await rejection(j.client.getTenantEdgeLocations())).toMatchObject({ name: 'C8Error', statusCode: 403, errorNum: 11 });
    j.client.useTenant(j.fabric.credentials.tenant);
    expect((await j.client.getTenantEdgeLocations())[0]).toMatchObject({ tenant: j.fabric.credentials.tenant });
  });
});
