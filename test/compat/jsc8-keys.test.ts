import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's API key and grant calls, unchanged; a key and its levels work at the other region once replicated, and not before. */
const j = useJsc8();

describe('jsc8@1.1.0 API keys and grants', () => {
  it('createApiKey, getAvailableApiKeys, getAvailableApiKey and validateApiKey (result as an object)', async () => {
    await j.client.createCollection('open');
    await j.client.createCollection('secret');
    await j.client.insertDocument('open', { _key: 'o' });
    await j.client.insertDocument('secret', { _key: 's' });
    const made = await j.client.createApiKey('reader');
    expect(made).toMatchObject({ error: false, keyid: 'reader', key: expect.stringMatching(new RegExp(`^${j.fabric.credentials.tenant}\\.reader\\.`)) });
    expect(((await j.client.getAvailableApiKeys()).result as { keyid: string }[]).map((k) => k.keyid)).toContain('reader');
    expect(await j.client.getAvailableApiKey('reader')).toMatchObject({ error: false, user: 'reader', apikey: { parent: j.fabric.credentials.username } });
    expect(await j.client.validateApiKey({ apikey: made.key })).toMatchObject({ error: false, result: { tenant: j.fabric.credentials.tenant, keyid: 'reader' } });
  });

  it('ro on the fabric and none on one collection: reads, refused writes, a hidden collection, here and at the other region', async () => {
    const key = (await j.client.createApiKey('limited')).key as string;
    await j.client.setDatabaseAccessLevel('limited', '_system', 'ro');
    await j.client.setCollectionAccessLevel('limited', '_system', 'secret', 'none');
    expect((await j.client.getDatabaseAccessLevel('limited', '_system')).result).toBe('ro');
    expect((await j.client.getCollectionAccessLevel('limited', '_system', 'secret')).result).toBe('none');
    expect((await j.client.listAccessibleDatabases('limited')).result).toMatchObject({ _system: 'ro' });
    expect((await j.client.listAccessibleCollections('limited', '_system')).result).toMatchObject({ secret: 'none' });
    await j.replicated();
    for (const region of [j.local, j.remote]) {
      const c = await j.make({ region, apiKey: key });
      expect(await c.getDocument('open', 'o')).toMatchObject({ _key: 'o' });
      expect(await rejection(c.insertDocument('open', { x: 1 }))).toMatchObject({ name: 'C8Error', statusCode: 403 });
      expect(await rejection(c.executeQuery('INSERT { x: 1 } INTO open'))).toMatchObject({ name: 'C8Error', statusCode: 403 });
      expect(await rejection(c.getDocument('secret', 's'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1203 });
      expect(((await c.getCollections()) as { name: string }[]).map((x) => x.name)).toEqual(['open']);
    }
    await j.client.clearCollectionAccessLevel('limited', '_system', 'secret');
    await j.client.clearDatabaseAccessLevel('limited', '_system');
    await j.replicated();
    const there = await j.make({ region: j.remote, apiKey: key });
    expect(await there.getDocument('secret', 's')).toMatchObject({ _key: 's' });
  });

  it('a key made at one region works at the other only once replicated; removeApiKey refuses it everywhere', async () => {
    await j.fabric.partition([[j.local], [j.remote]]);
    const key = (await j.client.createApiKey('roaming')).key as string;
    const there = await j.make({ region: j.remote, apiKey: key });
    try {
      expect(await rejection(there.getCollections())).toMatchObject({ name: 'C8Error', statusCode: 401, errorNum: 11 });
    } finally {
      await j.fabric.heal();
    }
    await j.replicated();
    expect(((await there.getCollections()) as unknown[]).length).toBeGreaterThan(0);
    await j.client.removeApiKey('roaming');
    await j.replicated();
    expect(await rejection(there.getCollections())).toMatchObject({ statusCode: 401, errorNum: 11 });
    expect(await rejection(j.client.getAvailableApiKey('roaming'))).toMatchObject({ name: 'C8Error', statusCode: 404 });
  });
});
