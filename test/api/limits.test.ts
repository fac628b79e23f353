import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'c' });
  await t.client.post('/_api/document/c', { _key: 'k', a: 1 });
});
afterEach(async () => t.close());

/** An object `levels` deep, the outermost one included. */
const nested = (levels: number, inner = '1') => `${'{"a":'.repeat(levels)}${inner}${'}'.repeat(levels)}`;
const count = async () => (await t.client.post('/_api/cursor', { query: 'RETURN LENGTH(c)' })).body.result[0];

describe('depth and size limits of request bodies (docs/limits.md)', () => {
  it.each([
    ['an object 5,000 levels deep', nested(5000)],
    ['an object 101 levels deep', `{"_key":"deep",${nested(101).slice(1)}`],
    ['arrays 5,000 levels deep', `{"x":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('%s is refused with 400/600 before anything is stored', async (_what, raw) => {
    const r = await t.client.post('/_api/document/c', undefined, { raw });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: true, code: 400, errorNum: 600 });
    expect(r.body.errorMessage).toContain('nested more than 100 levels deep');
    expect(await count()).toBe(1);
  });

  it('takes a document 100 levels deep, and push-down filters over the collection keep working', async () => {
    expect((await t.client.post('/_api/document/c', undefined, { raw: `{"_key":"deep",${nested(100).slice(1)}` })).status).toBe(202);
    const r = await t.client.post('/_api/cursor', { query: 'FOR d IN c FILTER d.a == 1 SORT d.a RETURN d._key' });
    expect(r.status).toBe(201);
    expect(r.body.result).toEqual(['k']);
  });

  it('a PATCH nested too deeply is refused and the document is unchanged', async () => {
    const r = await t.client.patch('/_api/document/c/k', undefined, { raw: nested(101) });
    expect([r.status, r.body.errorNum]).toEqual([400, 600]);
    expect((await t.client.get('/_api/document/c/k')).body.a).toBe(1);
  });

  it('bind parameters nested too deeply are refused with 400/600', async () => {
    const r = await t.client.post('/_api/cursor', undefined, { raw: `{"query":"RETURN @v","bindVars":{"v":${nested(5000)}}}` });
    expect([r.status, r.body.errorNum]).toEqual([400, 600]);
  });

  it.each(['1e309', '-1e309', '[1, 2e400]'])('a number out of range (%s) is refused, not stored as null', async (n) => {
    const r = await t.client.post('/_api/document/c', undefined, { raw: `{"_key":"big","n":${n}}` });
    expect([r.status, r.body.errorNum]).toEqual([400, 600]);
    expect(r.body.errorMessage).toContain('number out of range');
    expect((await t.client.get('/_api/document/c/big')).status).toBe(404);
    const b = await t.client.post('/_api/cursor', undefined, { raw: `{"query":"RETURN @v","bindVars":{"v":${n}}}` });
    expect([b.status, b.body.errorNum]).toEqual([400, 600]);
  });

  it('a C8QL write of a value built deeper than the limit is refused (1227) and nothing is stored', async () => {
    const lets = Array.from({ length: 3 }, (_, i) => `LET a${i + 1} = ${'{x:'.repeat(60)}a${i}${'}'.repeat(60)}`).join(' ');
    const r = await t.client.post('/_api/cursor', { query: `LET a0 = 1 ${lets} INSERT { _key: "q", v: a3 } INTO c` });
    expect([r.status, r.body.errorNum]).toEqual([400, 1227]);
    expect(r.body.errorMessage).toContain('nested more than 100 levels deep');
    expect(await count()).toBe(1);
  });
});

describe('NUL in attribute paths and index fields', () => {
  it('a FILTER or SORT on an attribute whose name holds NUL runs (in the engine), not as broken SQL', async () => {
    await t.client.post('/_api/document/c', { _key: 'n', 'a\u0000b': 1 });
    const f = await t.client.post('/_api/cursor', { query: 'FOR d IN c FILTER d.`a\\u0000b` == 1 RETURN d._key' });
    expect([f.status, f.body.result]).toEqual([201, ['n']]);
    const s = await t.client.post('/_api/cursor', { query: 'FOR d IN c SORT d["a\\u0000b"] DESC LIMIT 1 RETURN d._key' });
    expect([s.status, s.body.result]).toEqual([201, ['n']]);
  });

  it('an index over a field whose name holds NUL is refused with 400/10', async () => {
    const r = await t.client.post('/_api/index', { type: 'persistent', fields: ['a\u0000b'] }, { query: { collection: 'c' } });
    expect([r.status, r.body.errorNum]).toEqual([400, 10]);
  });
});

describe("'__proto__' is refused everywhere, however it is written", () => {
  it.each([
    ['a top-level attribute', '{"_key":"p","__proto__":{"x":1}}'],
    ['its JSON escape', '{"_key":"p","\\u005f_proto__":{"x":1}}'],
    ['another escape', '{"_key":"p","\\u005f\\u005fproto\\u005f\\u005f":1}'],
    ['a nested attribute', '{"_key":"p","a":{"b":[{"\\u005f_proto__":1}]}}'],
  ])('%s in a document is 400/600 and nothing is stored', async (_what, raw) => {
    const r = await t.client.post('/_api/document/c', undefined, { raw });
    expect([r.status, r.body.errorNum]).toEqual([400, 600]);
    expect(r.body.errorMessage).toContain("'__proto__'");
    expect((await t.client.get('/_api/document/c/p')).status).toBe(404);
  });

  it('in a PATCH, a replace, a batch and bind parameters', async () => {
    const raw = '{"\\u005f_proto__":{"polluted":true}}';
    for (const r of [
      await t.client.patch('/_api/document/c/k', undefined, { raw }),
      await t.client.put('/_api/document/c/k', undefined, { raw }),
      await t.client.post('/_api/document/c', undefined, { raw: `[${raw}]` }),
      await t.client.post('/_api/cursor', undefined, { raw: `{"query":"RETURN @v","bindVars":{"v":${raw}}}` }),
      await t.client.post('/_api/cursor', undefined, { raw: `{"query":"RETURN 1","bindVars":${raw}}` }),
    ]) expect([r.status, r.body.errorNum]).toEqual([400, 600]);
    expect((await t.client.get('/_api/document/c/k')).body).toEqual({ _key: 'k', _id: 'c/k', _rev: expect.any(String), a: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('in C8QL object literals and ZIP the query fails with 400/10 and nothing is stored', async () => {
    for (const query of ['INSERT { _key: "p", "\\u005f_proto__": { x: 1 } } INTO c', 'INSERT MERGE({ _key: "p" }, ZIP(["__proto__"], [1])) INTO c']) {
      const r = await t.client.post('/_api/cursor', { query });
      expect([r.status, r.body.errorNum]).toEqual([400, 10]);
    }
    expect(await count()).toBe(1);
  });
});
