import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'addresses' });
  await t.client.post('/_api/document/addresses', Array.from({ length: 250 }, (_, i) => ({ _key: `a${i}`, n: i, zip: i % 2 === 0 ? '10115' : '94105' })));
});
afterEach(async () => t.close());

const save = (name: string, value: string, parameter?: Record<string, unknown>) =>
  t.client.post('/_api/restql', { query: { name, value, ...(parameter ? { parameter } : {}) } });

describe('RESTQL saved queries', () => {
  it('saves, lists, updates and deletes', async () => {
    const r = await save('showAddresses', 'for docs in addresses return docs');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ error: false, code: 200, result: { name: 'showAddresses', value: 'for docs in addresses return docs', fabric: '_system', type: 'c8ql' } });
    expect((await t.client.get('/_api/restql/user')).body.result.map((q: { name: string }) => q.name)).toEqual(['showAddresses']);
    const u = await t.client.put('/_api/restql/showAddresses', { query: { value: 'for d in addresses limit 1 return d' } });
    expect(u.body.result.value).toBe('for d in addresses limit 1 return d');
    expect((await t.client.delete('/_api/restql/showAddresses')).body).toEqual({ error: false, code: 200, result: [] });
    expect((await t.client.get('/_api/restql/user')).body.result).toEqual([]);
  });

  it('executes by name in batches of 100 with an integer cursor id, then fetches the rest', async () => {
    await save('showAddresses', 'for docs in addresses return docs');
    const first = await t.client.post('/_tenant/_mm/_fabric/_system/_api/restql/execute/showAddresses', {});
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ error: false, code: 201, hasMore: true, cached: false });
    expect(first.body.result).toHaveLength(100);
    expect(typeof first.body.id).toBe('number');
    const keys = first.body.result.map((d: { _key: string }) => d._key);
    let next = await t.client.put(`/_api/restql/fetch/${first.body.id}`);
    keys.push(...next.body.result.map((d: { _key: string }) => d._key));
    expect(next.status).toBe(200);
    next = await t.client.put(`/_api/restql/fetch/${first.body.id}`);
    keys.push(...next.body.result.map((d: { _key: string }) => d._key));
    expect(next.body.hasMore).toBe(false);
    expect(keys).toEqual(Array.from({ length: 250 }, (_, i) => `a${i}`));
    expect((await t.client.put(`/_api/restql/fetch/${first.body.id}`)).body.errorNum).toBe(1600);
  });

  it('merges request bindVars over the saved parameter defaults; batchSize is honoured', async () => {
    await save('byZip', 'for d in addresses filter d.zip == @zip return d.n', { zip: '94105' });
    const def = await t.client.post('/_api/restql/execute/byZip', { batchSize: 1000 });
    expect(def.body.result).toHaveLength(125);
    expect(def.body.result[0]).toBe(1);
    const given = await t.client.post('/_api/restql/execute/byZip', { bindVars: { zip: '10115' }, batchSize: 10 });
    expect(given.body.result).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    expect(given.body.hasMore).toBe(true);
  });

  it('passes only the parameters the query declares: saved defaults for other names are dropped', async () => {
    // A real app saved `key` as a default and binds `_key` on every call.
    await save('byKey', 'for d in addresses filter d._key == @_key return d.n', { key: '' });
    const r = await t.client.post('/_api/restql/execute/byKey', { bindVars: { _key: 'a7' } });
    expect(r.status).toBe(201);
    expect(r.body.result).toEqual([7]);
    await save('zipOrDefault', 'for d in addresses filter d.zip == @zip limit 1 return d.n', { zip: '94105', unused: 1 });
    expect((await t.client.post('/_api/restql/execute/zipOrDefault', {})).body.result).toEqual([1]);
  });

  it('refuses a request bindVar the saved query does not declare (1552)', async () => {
    await save('plain', 'return 1', { x: 1 });
    const r = await t.client.post('/_api/restql/execute/plain', { bindVars: { y: 2 } });
    expect(r.status).toBe(400);
    expect(r.body.errorNum).toBe(1552);
    expect(r.body.errorMessage).toContain("'y'");
  });

  it('answers clear errors: unknown name, duplicate, bad query, missing bind value, unsupported type', async () => {
    const unknown = await t.client.post('/_api/restql/execute/nope', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.errorMessage).toContain("'nope'");
    await save('q', 'return 1');
    expect((await save('q', 'return 2')).status).toBe(409);
    const bad = await save('broken', 'for d in');
    expect(bad.status).toBe(400);
    expect(bad.body.errorNum).toBe(1501);
    expect(bad.body.errorMessage).toMatch(/at position 1:\d+/);
    await save('needs', 'return @x');
    const missing = await t.client.post('/_api/restql/execute/needs', {});
    expect(missing.body.errorNum).toBe(1551);
    const sql = await t.client.post('/_api/restql', { query: { name: 's', value: 'select 1', type: 'sql' } });
    expect(sql.status).toBe(400);
    expect(sql.body.errorMessage).toContain('not supported');
    expect((await t.client.post('/_api/restql', { name: 'flat' })).body.errorNum).toBe(10);
    expect((await t.client.put('/_api/restql/nope', { query: { value: 'return 1' } })).status).toBe(404);
  });

  it('imports several queries and reports the ones that failed', async () => {
    await save('exists', 'return 1');
    const r = await t.client.post('/_api/restql/import', {
      queries: [{ name: 'a', value: 'return 1' }, { name: 'exists', value: 'return 2' }, { name: 'b', value: 'return (' }],
      details: true,
    });
    expect(r.body.result.created).toBe(1);
    expect(r.body.result.errors).toBe(2);
    expect(r.body.result.details.errors.map((e: { name: string }) => e.name)).toEqual(['exists', 'b']);
  });

  it('an insert-only saved query returns an empty result and writes', async () => {
    await save('add', 'insert {_key: @k} into addresses', { k: 'zz' });
    const r = await t.client.post('/_api/restql/execute/add', {});
    expect(r.body.result).toEqual([]);
    expect((await t.client.get('/_api/document/addresses/zz')).status).toBe(200);
  });
});
