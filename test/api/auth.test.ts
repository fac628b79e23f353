import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointIndex } from '../../src/api/endpoints.js';
import { JWT_TTL_S, OTP_TTL_MS } from '../../src/auth/index.js';
import { defaultTopology } from '../../src/index.js';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';

const ACME_KEY = 'acme_example.com.ci.0123456789abcdefXYZ';
let t: TestRegion;
let root: TestClient;

beforeAll(async () => {
  const topology = { ...defaultTopology(), tenants: [{ name: 'acme_example.com', users: [{ username: 'root', email: 'admin@acme.example', password: 'acme-pass', apiKey: ACME_KEY }] }] };
  t = await testRegion({ topology });
  root = t.client;
  expect((await root.post('/_api/collection', { name: 'c' })).status).toBe(200);
  expect((await root.post('/_api/document/c', { _key: 'k', v: 1 })).status).toBe(202);
});
afterAll(async () => t.close());

/** A concrete URL for a registered route shape (`/_fabric/{}/document/{}`): the fabric is `_system`, other parameters `c`. */
function concrete(path: string): string {
  return path.replace(/^\/_fabric\/\{\}/, '/_fabric/_system').replace(/\{\}/g, 'c');
}

/** The routes answered without credentials: login and the version. */
const PUBLIC = new Set(['POST /_open/auth', 'GET /_fabric/{}/version', 'HEAD /_fabric/{}/version']);

function routes(): { method: string; path: string }[] {
  return endpointIndex(t.region.app)!.routes().filter((r) => !r.path.startsWith('/_emu/'));
}

async function keyWith(keyid: string, grants: [string, string][]): Promise<TestClient> {
  const created = await root.post('/_api/key', { keyid });
  expect(created.status).toBe(201);
  for (const [path, grant] of grants) expect((await root.put(`/_api/key/${keyid}/database/${path}`, { grant })).status).toBe(200);
  return root.as(`apikey ${created.body.key}`);
}

describe('authentication', () => {
  it('every registered route without credentials answers 401 with errorNum 11', async () => {
    const all = routes();
    expect(all.length).toBeGreaterThan(60);
    const wrong: string[] = [];
    for (const r of all) {
      if (PUBLIC.has(`${r.method} ${r.path}`)) continue;
      const res = await root.request(r.method, concrete(r.path), undefined, { auth: false });
      if (res.status !== 401 || (r.method !== 'HEAD' && res.body?.errorNum !== 11)) wrong.push(`${r.method} ${r.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('the public routes answer without credentials', async () => {
    expect((await root.get('/_api/version', { auth: false })).status).toBe(200);
    expect((await root.post('/_open/auth', { email: t.credentials.email, password: t.credentials.password }, { auth: false })).status).toBe(200);
  });

  it('accepts the scheme in any case and refuses unknown schemes and malformed keys', async () => {
    for (const scheme of ['apikey', 'APIKEY', 'apiKey']) expect((await root.get('/_api/collection', { auth: `${scheme} ${t.credentials.apiKey}` })).status).toBe(200);
    for (const bad of ['Basic cm9vdDpwdw==', 'apikey nodots', 'apikey _mm.dev.wrongsecretwrongsecret', 'apikey _mm.nokey.0123456789abcdef', 'bearer not.a.jwt']) {
      const r = await root.get('/_api/collection', { auth: bad });
      expect(r.status, bad).toBe(401);
      expect(r.body).toMatchObject({ error: true, code: 401, errorNum: 11 });
    }
  });

  it('logs in by email or by tenant and username; the JWT carries the claims jsC8 and pyC8 decode', async () => {
    const byEmail = await root.post('/_open/auth', { email: t.credentials.email, password: t.credentials.password }, { auth: false });
    expect(byEmail.body).toMatchObject({ tenant: '_mm', username: 'root' });
    const byName = await root.post('/_tenant/_mm/_fabric/_system/_open/auth', { username: 'root', password: t.credentials.password }, { auth: false });
    expect(byName.status).toBe(200);
    const claims = JSON.parse(Buffer.from(String(byEmail.body.jwt).split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ tenant: '_mm', username: 'root', preferred_username: 'root', sub: '_mm', iss: 'macrometa' });
    expect(claims.exp - claims.iat).toBe(JWT_TTL_S);
    expect((await root.get('/_api/collection', { auth: `Bearer ${byEmail.body.jwt}` })).status).toBe(200);
    for (const wrong of [{ email: t.credentials.email, password: 'nope' }, { email: 'nobody@x.y', password: 'x' }, { tenant: '_mm', username: 'root', password: '' }]) {
      expect((await root.post('/_open/auth', wrong, { auth: false })).status).toBe(401);
    }
  });

  it('refuses tampered and expired JWTs', async () => {
    const { jwt } = (await root.post('/_open/auth', { email: t.credentials.email, password: t.credentials.password }, { auth: false })).body as { jwt: string };
    const [h, p, s] = jwt.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), tenant: 'acme_example.com' })).toString('base64url');
    for (const bad of [`${h}.${forged}.${s}`, `${h}.${p}.${s.slice(0, -2)}AA`]) expect((await root.get('/_api/collection', { auth: `bearer ${bad}` })).status).toBe(401);
    expect((await root.get('/_api/collection', { auth: `bearer ${jwt}` })).status).toBe(200);
    t.clock.advance(JWT_TTL_S * 1000 + 1000);
    expect((await root.get('/_api/collection', { auth: `bearer ${jwt}` })).status).toBe(401);
  });

  it('refuses a deleted key and a deactivated user, and accepts them again once restored', async () => {
    const key = await keyWith('gone', []);
    expect((await key.get('/_api/collection')).status).toBe(200);
    expect((await root.delete('/_api/key/gone')).status).toBe(202);
    expect((await key.get('/_api/collection')).status).toBe(401);

    expect((await root.post('/_admin/user', { user: 'ann', email: 'ann@example.com', passwd: 'ann-pass-1' })).status).toBe(201);
    expect((await root.put('/_api/user/ann/database/_system', { grant: 'rw' })).status).toBe(200);
    const login = await root.post('/_open/auth', { tenant: '_mm', username: 'ann', password: 'ann-pass-1' }, { auth: false });
    const ann = root.as(`bearer ${login.body.jwt}`);
    expect((await ann.get('/_api/collection')).status).toBe(200);
    const off = await root.patch('/_admin/user/ann', { active: false });
    expect(off.body).toMatchObject({ error: false, active: false });
    expect((await ann.get('/_api/collection')).status).toBe(401);
    expect((await root.post('/_open/auth', { tenant: '_mm', username: 'ann', password: 'ann-pass-1' }, { auth: false })).status).toBe(401);
    await root.patch('/_api/user/ann', { active: true });
    expect((await ann.get('/_api/collection')).status).toBe(200);
    expect((await root.delete('/_api/user/ann')).status).toBe(202);
    expect((await ann.get('/_api/collection')).status).toBe(401);
  });
});

describe('tenants', () => {
  it('a /_tenant/{t} segment naming another tenant is 403', async () => {
    const r = await root.get('/_tenant/acme_example.com/_fabric/_system/_api/collection');
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ errorNum: 11 });
    expect((await root.get('/datacenter/_tenant/acme_example.com')).status).toBe(403);
    expect((await root.get('/_tenant/_mm/_fabric/_system/_api/collection')).status).toBe(200);
  });

  it("one tenant's data is invisible to another, even under the same names", async () => {
    const acme = root.as(`apikey ${ACME_KEY}`);
    expect((await acme.get('/_api/collection')).body.result.map((c: { name: string }) => c.name)).not.toContain('c');
    expect((await acme.get('/_api/document/c/k')).status).toBe(404);
    expect((await acme.post('/_api/collection', { name: 'c' })).status).toBe(200);
    await acme.post('/_api/document/c', { _key: 'k', v: 'acme' });
    expect((await acme.get('/_api/document/c/k')).body.v).toBe('acme');
    expect((await root.get('/_api/document/c/k')).body.v).toBe(1);
    expect((await acme.post('/_api/cursor', { query: 'FOR d IN c RETURN d.v' })).body.result).toEqual(['acme']);
    expect((await acme.get('/_api/user')).body.result.map((u: { tenant: string }) => u.tenant)).toEqual(['acme_example.com']);
    expect((await acme.post('/_api/key/validate', { apikey: ACME_KEY })).body.result).toMatchObject({ tenant: 'acme_example.com', keyid: 'ci' });
  });
});

describe('access levels', () => {
  /** Routes whose non-GET methods only read: queries run with per-collection checks instead. */
  const READING = /\/(cursor|query|explain|restql\/execute|restql\/fetch|key\/validate)(\/|$)|^\/_open\/|^\/apid\/|\/kv\/[^/]+\/values$/;

  it('an ro key cannot write through any route', async () => {
    const ro = await keyWith('reader', [['_system', 'ro']]);
    const wrong: string[] = [];
    for (const r of routes()) {
      if (r.method === 'GET' || r.method === 'HEAD' || READING.test(r.path)) continue;
      // ?collection= names the collection of the routes that take it from the query.
      const res = await ro.request(r.method, concrete(r.path), {}, { query: { collection: 'c' } });
      if (res.status !== 403) wrong.push(`${r.method} ${r.path}: ${res.status} ${res.body?.errorMessage ?? ''}`);
    }
    expect(wrong).toEqual([]);
    expect((await ro.get('/_api/document/c/k')).body.v).toBe(1);
    // Reading KV values by POST is a read: ro may, as it may GET a value.
    expect((await root.post('/_api/kv/pairs')).status).toBe(200);
    expect((await ro.post('/_api/kv/pairs/values', ['a'])).status).toBe(200);
    expect((await ro.delete('/_api/kv/pairs/values', ['a'])).status).toBe(403);
    // Query tracking: ro lists the running and slow queries, only rw clears or kills them.
    expect((await ro.get('/_api/query/current')).status).toBe(200);
    expect((await ro.delete('/_api/query/slow')).status).toBe(403);
    expect((await ro.delete('/_api/query/1')).status).toBe(403);
    expect((await root.delete('/_api/query/slow')).status).toBe(200);
  });

  it('an ro key cannot write through C8QL or RESTQL, and nothing of the query is kept', async () => {
    await root.post('/_api/collection', { name: 'other' });
    const ro = await keyWith('qreader', [['_system/collection/c', 'ro']]);
    const insert = await ro.post('/_api/cursor', { query: 'INSERT { _key: "w" } INTO other INSERT { _key: "w" } INTO c' });
    expect(insert.status).toBe(403);
    expect((await root.get('/_api/document/other/w')).status).toBe(404);
    expect((await ro.post('/_api/cursor', { query: 'FOR d IN c UPDATE d WITH { v: 9 } IN c' })).status).toBe(403);
    expect((await ro.post('/_api/cursor', { query: 'FOR d IN c RETURN d.v' })).body.result).toEqual([1]);
    expect((await root.post('/_api/restql', { query: { name: 'writer', value: 'INSERT { _key: "r" } INTO c', parameter: {} } })).status).toBe(200);
    expect((await ro.post('/_api/restql/execute/writer', {})).status).toBe(403);
    expect((await root.get('/_api/document/c/r')).status).toBe(404);
  });

  it('none hides a collection: 404/1203 by REST and C8QL, absent from listings', async () => {
    const blind = await keyWith('blind', [['_system/collection/c', 'none']]);
    for (const p of ['/_api/collection/c', '/_api/document/c/k', '/_api/collection/c/count']) expect((await blind.get(p)).body, p).toMatchObject({ code: 404, errorNum: 1203 });
    expect((await blind.get('/_api/collection')).body.result.map((c: { name: string }) => c.name)).not.toContain('c');
    expect((await blind.post('/_api/cursor', { query: 'FOR d IN c RETURN d' })).body).toMatchObject({ code: 404, errorNum: 1203 });
    // As for a collection that does not exist: DOCUMENT() finds nothing.
    expect((await blind.post('/_api/cursor', { query: 'RETURN DOCUMENT("c/k")' })).body.result).toEqual([null]);
    expect((await blind.post('/_api/document/c', { _key: 'z' })).body.errorNum).toBe(1203);
  });

  it('none on a collection hides it through every route that names one, writes included (404/1203, never 403)', async () => {
    const blind = await keyWith('blind2', [['_system/collection/c', 'none']]);
    const named = /^\/_fabric\/\{\}\/(collection|document|kv|edges|index)\/\{\}/;
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const r of routes()) {
      if (!named.test(r.path) && r.path !== '/_fabric/{}/document' && r.path !== '/_fabric/{}/index') continue;
      checked.push(`${r.method} ${r.path}`);
      const res = await blind.request(r.method, concrete(r.path), r.method === 'GET' || r.method === 'HEAD' ? undefined : {}, { query: { collection: 'c', vertex: 'c/k' } });
      if (res.status !== 404 || (r.method !== 'HEAD' && res.body?.errorNum !== 1203)) wrong.push(`${r.method} ${r.path}: ${res.status} ${res.body?.errorNum ?? ''}`);
    }
    expect(checked.length).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
    expect((await root.get('/_api/document/c/k')).body.v).toBe(1);
  });

  it('none on a fabric hides it from every route of that fabric (404/1228) and from the fabric list', async () => {
    expect((await root.post('/_api/database', { name: 'hidden', options: { dcList: t.region.spec.name } })).status).toBe(201);
    const hidden = root.as(root.authorization, 'hidden');
    expect((await hidden.post('/_api/collection', { name: 'c' })).status).toBe(200);
    expect((await hidden.post('/_api/document/c', { _key: 'k', v: 'secret' })).status).toBe(202);
    const blind = await keyWith('nofabric', [['hidden', 'none']]);
    // Users, keys and the fabric list belong to the tenant: their path only names a fabric.
    const tenantWide = /^\/_fabric\/\{\}\/(key|user|_admin|version)(\/|$)|^\/_fabric\/\{\}\/database(\/\{\}|\/user)?$/;
    const checked: string[] = [];
    const wrong: string[] = [];
    for (const r of routes()) {
      if (!r.path.startsWith('/_fabric/{}') || tenantWide.test(r.path)) continue;
      checked.push(`${r.method} ${r.path}`);
      const url = concrete(r.path).replace(/^\/_fabric\/_system/, '/_fabric/hidden');
      const res = await blind.request(r.method, url, r.method === 'GET' || r.method === 'HEAD' ? undefined : {}, { query: { collection: 'c', vertex: 'c/k' } });
      if (res.status !== 404 || (r.method !== 'HEAD' && res.body?.errorNum !== 1228)) wrong.push(`${r.method} ${r.path}: ${res.status} ${res.body?.errorNum ?? ''}`);
    }
    expect(checked.length).toBeGreaterThan(60);
    expect(wrong).toEqual([]);
    expect((await blind.get('/_api/database')).body.result).not.toContain('hidden');
    expect((await root.get('/_api/database')).body.result).toContain('hidden');
    expect((await hidden.get('/_api/document/c/k')).body.v).toBe('secret');
  });

  it('grants read back as GDN shapes them, and a key never has more than its owner', async () => {
    const set = await root.put('/_api/key/blind/database/_system/collection/c', { grant: 'ro' });
    expect(set.body).toMatchObject({ error: false, code: 200, result: 'ro', '_system/c': 'ro' });
    expect((await root.get('/_api/key/blind/database/_system/collection/c')).body.result).toBe('ro');
    expect((await root.get('/_api/key/blind/database')).body.result).toMatchObject({ _system: 'rw' });
    expect((await root.get('/_api/key/blind/database', { query: { full: true } })).body.result._system).toMatchObject({ permission: 'rw', collections: { c: 'ro' } });
    expect((await root.delete('/_api/key/blind/database/_system/collection/c')).status).toBe(202);
    expect((await root.get('/_api/key/blind/database/_system/collection/c')).body.result).toBe('rw');
    expect((await root.put('/_api/key/blind/database/_system/stream/s1', { grant: 'wo' })).body.result).toBe('wo');
    expect((await root.put('/_api/key/blind/database/_system', { grant: 'wo' })).status).toBe(400);
    expect((await root.get('/_api/key/nokey/database')).body.errorNum).toBe(1703);
  });
});

describe('users and keys', () => {
  it('creates, lists, gets and deletes keys; the key is shown once and validates to an object', async () => {
    const made = await root.post('/_api/key', { keyid: 'k1' });
    expect(made.body).toMatchObject({ error: false, code: 201, keyid: 'k1', tenant: '_mm', user: 'root' });
    expect(made.body.key).toMatch(/^_mm\.k1\.[A-Za-z0-9_-]{16,}$/);
    expect((await root.post('/_api/key', { keyid: 'k1' })).status).toBe(409);
    expect((await root.post('/_api/key', { keyid: 'a.b' })).status).toBe(400);
    expect((await root.get('/_api/key')).body.result.map((k: { keyid: string }) => k.keyid)).toContain('k1');
    expect((await root.get('/_api/key/k1')).body).toMatchObject({ error: false, user: 'k1', apikey: { parent: 'root' } });
    const v = await root.post('/_fabric/_system/_api/key/validate', { apikey: made.body.key });
    expect(v.body).toMatchObject({ error: false, code: 200, result: { tenant: '_mm', keyid: 'k1', user: 'root' } });
    expect((await root.delete('/_api/key/k1')).status).toBe(202);
    expect((await root.get('/_api/key/k1')).status).toBe(404);
  });

  it('a user is created, modified, replaced and deleted under both trees; only an admin manages users', async () => {
    const made = await root.post('/_admin/user', { user: 'bob', email: 'bob@example.com', passwd: 'bob-pass-1', extra: { team: 'x' } });
    expect(made.body).toMatchObject({ error: false, code: 201, user: 'bob', tenant: '_mm', email: 'bob@example.com', active: true, extra: { team: 'x' } });
    expect((await root.post('/_api/user', { user: 'bob', email: 'b2@example.com', passwd: 'x' })).body.errorNum).toBe(1702);
    expect((await root.get('/_api/user/bob')).body).toMatchObject({ user: 'bob', displayName: 'bob' });
    expect((await root.put('/_admin/user/bob', { passwd: 'bob-pass-2' })).body).toMatchObject({ active: true, extra: {} });
    const login = await root.post('/_open/auth', { email: 'bob@example.com', password: 'bob-pass-2' }, { auth: false });
    const bob = root.as(`bearer ${login.body.jwt}`);
    // A user without grants sees nothing of the fabric, and only itself among the users.
    expect((await bob.get('/_api/collection')).body.errorNum).toBe(1228);
    expect((await bob.get('/_api/user')).body.result.map((u: { user: string }) => u.user)).toEqual(['bob']);
    expect((await bob.post('/_api/user', { user: 'eve', passwd: 'x' })).status).toBe(403);
    expect((await root.get('/_api/user/nobody')).body.errorNum).toBe(1703);
    expect((await root.delete('/_api/user/root')).status).toBe(403);
    expect((await root.delete('/_admin/user/bob')).status).toBe(202);
  });

  it('issues one-time passwords that name the caller, once, for ten seconds', async () => {
    const a = (await root.post('/apid/otp')).body.otp as string;
    const b = (await root.post('/apid/otp')).body.otp as string;
    expect(a).not.toBe(b);
    const { otp } = t.region.auth;
    expect(otp.consume(a, t.clock.now())).toEqual({ tenant: '_mm', user: 'root', keyid: 'dev' });
    expect(otp.consume(a, t.clock.now())).toBeUndefined();
    expect(otp.consume(b, t.clock.now() + OTP_TTL_MS + 1)).toBeUndefined();
    expect(otp.consume(`${b.slice(0, -3)}xyz`, t.clock.now())).toBeUndefined();
  });
});
