import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's user calls (/_admin/user): users and their fabric and collection levels, replicated to the other region. */
const j = useJsc8();

describe('jsc8@1.1.0 users', () => {
  it('createUser, hasUser, getUser, getUsers, and the user logs in at the other region once replicated', async () => {
    expect(await j.client.createUser('ann', 'ann@example.com', 'ann-pass-1')).toMatchObject({ error: false, user: 'ann', active: true });
    expect(await j.client.hasUser('ann')).toBe(true);
    expect(await j.client.hasUser('nobody')).toBe(false);
    expect(await j.client.getUser('ann')).toMatchObject({ user: 'ann', active: true });
    expect(((await j.client.getUsers()).result as { user: string }[]).map((u) => u.user)).toEqual(expect.arrayContaining(['ann', j.fabric.credentials.username]));

    await j.client.updatePermission('ann', '_system', 'rw');
    await j.replicated();
    expect(await j.remoteClient.hasUser('ann')).toBe(true);
    const ann = await j.make({ region: j.remote, apiKey: null });
    await ann.login('ann@example.com', 'ann-pass-1');
    await ann.createCollection('anns');
    expect(await ann.hasCollection('anns')).toBe(true);
  });

  it('updatePermission, getPermission, getPermissions and resetPermission; an ro collection refuses writes at both regions', async () => {
    await j.client.updatePermission('ann', '_system', 'ro', 'anns');
    expect((await j.client.getPermission('ann', '_system', 'anns')).result).toBe('ro');
    expect((await j.client.getPermission('ann', '_system')).result).toBe('rw');
    expect((await j.client.getPermissions('ann')).result).toMatchObject({ _system: 'rw' });
    await j.replicated();
    for (const region of [j.local, j.remote]) {
      const ann = await j.make({ region, apiKey: null });
      await ann.login('ann@example.com', 'ann-pass-1');
      expect(await rejection(ann.insertDocument('anns', { at: region }))).toMatchObject({ name: 'C8Error', statusCode: 403 });
      expect(await ann.executeQuery('FOR a IN anns RETURN a')).toEqual([]);
      await ann.createCollection(`at_${region.replace('-', '_')}`);
    }
    await j.client.resetPermission('ann', '_system', 'anns');
    expect((await j.client.getPermission('ann', '_system', 'anns')).result).toBe('rw');
    await j.client.updatePermission('ann', '_system', 'ro');
    await j.replicated();
    const there = await j.make({ region: j.remote, apiKey: null });
    await there.login('ann@example.com', 'ann-pass-1');
    expect(await rejection(there.createCollection('not_with_ro'))).toMatchObject({ name: 'C8Error', statusCode: 403 });
    expect((await there.getCollections()).map((c: { name: string }) => c.name)).toContain('anns');
  });

  it('modifying and deleting a user reaches the other region: deactivated and deleted users are refused there', async () => {
    await j.client.user('ann').modifyUser({ active: false });
    await j.replicated();
    const there = await j.make({ region: j.remote, apiKey: null });
    expect(await rejection(there.login('ann@example.com', 'ann-pass-1'))).toMatchObject({ statusCode: 401 });
    await j.client.user('ann').modifyUser({ active: true });
    await j.replicated();
    await there.login('ann@example.com', 'ann-pass-1');
    expect(await there.hasCollection('anns')).toBe(true);
    await j.client.deleteUser('ann');
    await j.replicated();
    expect(await rejection(there.hasCollection('anns'))).toMatchObject({ statusCode: 401 });
    expect(await j.remoteClient.hasUser('ann')).toBe(false);
    expect(await rejection(j.client.getUser('ann'))).toMatchObject({ name: 'C8Error', statusCode: 404, errorNum: 1703 });
  });
});
