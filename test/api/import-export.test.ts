import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'people' });
});
afterEach(async () => t.close());

const keys = async () => (await t.client.post('/_api/cursor', { query: 'FOR p IN people SORT p._key RETURN p._key' })).body.result;

describe('POST /_api/import/{collection}', () => {
  it('creates the documents, counts the failures, and names them with details and X-C8-Error-Codes', async () => {
    const r = await t.client.post('/_api/import/people', { data: [{ _key: 'ann', n: 1 }, { _key: 'bob' }, { _key: 'ann' }, 7, { _key: 3 }], details: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ code: 200, error: false, result: { created: 2, errors: 3, unprocessed: 0 } });
    expect(r.body.result.details).toHaveLength(3);
    expect(r.body.result.details[0]).toMatch(/^at position 2: creating document failed with error 'unique constraint violated.*offending document: \{"_key":"ann"\}$/);
    expect(r.headers['x-c8-error-codes']).toBe('1210:1,1227:1,1221:1');
    expect(await keys()).toEqual(['ann', 'bob']);
    const quiet = await t.client.post('/_api/import/people', { data: [{ _key: 'cy' }] });
    expect(quiet.body.result).toEqual({ created: 1, errors: 0, unprocessed: 0 });
    expect(quiet.headers['x-c8-error-codes']).toBeUndefined();
  });

  it('takes _key from primaryKey (as a string, the old _key kept as old_key) and replaces on request', async () => {
    const r = await t.client.post('/_api/import/people', { data: [{ email: 'a@x', _key: 'k1' }, { email: 42 }, { name: 'no email' }], primaryKey: 'email' });
    expect(r.body.result).toMatchObject({ created: 2, errors: 1 });
    expect((await t.client.get('/_api/document/people/a@x')).body).toMatchObject({ _key: 'a@x', email: 'a@x', old_key: 'k1' });
    expect((await t.client.get('/_api/document/people/42')).body).toMatchObject({ _key: '42', email: 42 });
    const again = await t.client.post('/_api/import/people', { data: [{ email: 'a@x', v: 2 }], primaryKey: 'email', replace: true });
    expect(again.body.result).toMatchObject({ created: 1, errors: 0 });
    const doc = (await t.client.get('/_api/document/people/a@x')).body;
    expect(doc).toMatchObject({ v: 2 });
    expect(doc.old_key).toBeUndefined();
  });

  it('refuses a body without a data array, an unknown collection and a key-value one', async () => {
    expect((await t.client.post('/_api/import/people', { data: 'x' })).body).toMatchObject({ code: 400, errorNum: 10 });
    expect((await t.client.post('/_api/import/nowhere', { data: [] })).body).toMatchObject({ code: 404, errorNum: 1203 });
    await t.client.post('/_api/kv/cache', {});
    expect((await t.client.post('/_api/import/cache', { data: [] })).body).toMatchObject({ code: 400, errorNum: 1218 });
  });
});

describe('export', () => {
  beforeEach(async () => {
    await t.client.post('/_api/document/people', Array.from({ length: 30 }, (_, i) => ({ _key: `p${String(i).padStart(2, '0')}`, n: i })));
  });

  it('GET /_api/export/{collection} pages by _key: 20 by default, offset, limit up to 1000, order', async () => {
    const all = await t.client.get('/_api/export/people');
    expect(all.status).toBe(200);
    expect(all.body.code).toBe(200);
    expect(all.body.error).toBe(false);
    expect(all.body.result.map((d: { _key: string }) => d._key)).toEqual(Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, '0')}`));
    const page = await t.client.get('/_api/export/people', { query: { offset: 5, limit: 2, order: 'DESC' } });
    expect(page.body.result.map((d: { _key: string }) => d._key)).toEqual(['p24', 'p23']);
    expect((await t.client.get('/_api/export/people', { query: { limit: 1001 } })).body).toMatchObject({ code: 400, errorNum: 10 });
    expect((await t.client.get('/_api/export/people', { query: { order: 'up' } })).body).toMatchObject({ code: 400 });
    expect((await t.client.get('/_api/export/nowhere')).body).toMatchObject({ code: 404, errorNum: 1203 });
  });

  it('POST /_api/export runs a read-only query and answers every result at once', async () => {
    const r = await t.client.post('/_api/export', { query: 'FOR p IN people FILTER p.n >= @min RETURN p.n', bindVars: { min: 25 } });
    expect(r.body).toEqual({ code: 200, error: false, result: [25, 26, 27, 28, 29] });
    const w = await t.client.post('/_api/export', { query: 'FOR p IN people REMOVE p IN people' });
    expect(w.body).toMatchObject({ code: 400, errorNum: 10 });
    expect(w.body.errorMessage).toContain('an export query only reads');
    expect((await t.client.post('/_api/export', { query: 'FOR p IN' })).body).toMatchObject({ code: 400, errorNum: 1501 });
    expect(await keys()).toHaveLength(30);
  });
});

describe("POST /_api/import?collection= (ArangoDB's form, jsC8's collection.import)", () => {
  const send = (body: string, query: Record<string, string | boolean>) =>
    t.client.post('/_api/import', undefined, { raw: body, query: { collection: 'people', ...query }, headers: { 'content-type': 'application/octet-stream' } });

  it('imports JSON lines or an array, counting created, errors, empty, updated and ignored', async () => {
    const lines = await send('{"_key":"a"}\r\n{"_key":"b"}\r\n{}\r\n[1]\r\n', { type: 'documents', details: true });
    expect(lines.status).toBe(200);
    expect(lines.body).toMatchObject({ error: false, created: 2, errors: 1, empty: 1, updated: 0, ignored: 0 });
    expect(lines.body.details[0]).toMatch(/^at position 3: invalid JSON type/);
    const array = await send('[{"_key":"a","v":1},{"_key":"c"}]', { type: 'auto', onDuplicate: 'update' });
    expect(array.body).toMatchObject({ created: 1, updated: 1, errors: 0 });
    expect((await t.client.get('/_api/document/people/a')).body.v).toBe(1);
    expect((await send('{"_key":"a"}', { onDuplicate: 'ignore' })).body).toMatchObject({ ignored: 1 });
    expect((await send('{"_key":"a"}', {})).body).toMatchObject({ errors: 1, created: 0 });
    expect(await keys()).toEqual(['a', 'b', 'c']);
  });

  it('complete=true writes nothing when one document fails; overwrite=true truncates first; bad bodies are 400', async () => {
    const failed = await send('{"_key":"x"}\n{"_key":"x"}\n', { complete: true });
    expect(failed.body).toMatchObject({ code: 409, errorNum: 1210 });
    expect(await keys()).toEqual([]);
    await send('{"_key":"old"}', {});
    expect((await send('{"_key":"new"}', { overwrite: true })).body).toMatchObject({ created: 1 });
    expect(await keys()).toEqual(['new']);
    expect((await send('{"_key":', {})).body).toMatchObject({ code: 400, errorNum: 600 });
    expect((await send('{"a":1}', { type: 'array' })).body).toMatchObject({ code: 400, errorNum: 10 });
    expect((await t.client.post('/_api/import', undefined, { raw: '{}' })).body).toMatchObject({ code: 400, errorNum: 1204 });
  });
});
