import { describe, expect, it } from 'vitest';
import { rejection, useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's three ways in (login, loginWithApiKey, loginWithToken), unchanged, over HTTPS, at two regions. */
const j = useJsc8();

describe('jsc8@1.1.0 logs in', () => {
  it('login(email, password) takes the JWT and tenant from /_open/auth; the token works at the other region too', async () => {
    const { email, password, tenant } = j.fabric.credentials;
    const c = await j.make({ apiKey: null });
    expect(await rejection(c.getCollections())).toMatchObject({ name: 'C8Error', statusCode: 401, errorNum: 11 });
    const body = (await c.login(email, password)) as { jwt: string; tenant: string; username: string };
    expect(body).toMatchObject({ tenant, username: j.fabric.credentials.username, jwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/) });
    await c.createCollection('logged_in');
    expect(await c.hasCollection('logged_in')).toBe(true);

    const there = await j.make({ region: j.remote, apiKey: null });
    await there.loginWithToken(body.jwt);
    await j.replicated();
    expect(await there.hasCollection('logged_in')).toBe(true);
    expect((await there.getLocalEdgeLocation()).name).toBe(j.remote);
  });

  it('a wrong password is a C8Error 401 and leaves the client without credentials', async () => {
    const c = await j.make({ apiKey: null });
    expect(await rejection(c.login(j.fabric.credentials.email, 'not-the-password'))).toMatchObject({ name: 'C8Error', statusCode: 401 });
    expect(await rejection(c.getCollections())).toMatchObject({ statusCode: 401, errorNum: 11 });
  });

  it('loginWithApiKey validates the key (result.tenant) and then calls with it, here and at the other region', async () => {
    for (const region of [j.local, j.remote]) {
      const c = await j.make({ region, apiKey: null });
      await c.loginWithApiKey(j.fabric.credentials.apiKey);
      expect((await c.getCollections()).map((x: { name: string }) => x.name)).toContain('logged_in');
    }
    const c = await j.make({ apiKey: null });
    await expect(c.loginWithApiKey(`${j.fabric.credentials.tenant}.nokey.0123456789abcdef0123`)).rejects.toMatchObject({ statusCode: 401 });
  });

  it('loginWithToken validates a JWT and refuses a tampered one', async () => {
    const c = await j.make({ apiKey: null });
    const { jwt } = (await c.login(j.fabric.credentials.email, j.fabric.credentials.password)) as { jwt: string };
    const fresh = await j.make({ apiKey: null });
    await fresh.loginWithToken(jwt);
    expect(await fresh.hasCollection('logged_in')).toBe(true);
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, username: 'someone_else' })).toString('base64url')}.${s}`;
    const other = await j.make({ apiKey: null });
    await expect(other.loginWithToken(forged)).rejects.toMatchObject({ statusCode: 401 });
  });
});
