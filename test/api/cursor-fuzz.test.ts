import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRegion, type TestRegion } from '../helpers/client.js';
import { seedQueries } from '../query/cases/index.js';
import { mutate, prng, randomQuery } from '../query/fuzz-gen.js';

let t: TestRegion;
beforeAll(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'users' });
  await t.client.post('/_api/collection', { name: 'coll' });
  await t.client.post('/_api/document/users', [{ _key: 'a', name: 'Ann', age: 30 }, { _key: 'b', name: 'Bob', age: null }, { name: 'Cy', tags: [1, 2] }]);
  await t.client.post('/_api/document/coll', { _key: 'k', value: 1 });
});
afterAll(() => t.close());

describe('fuzz through the HTTP cursor API of a PoP', () => {
  it('10,000 random and mutated queries each get a result or an error envelope, and the PoP keeps serving', async () => {
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 0x5eed));
    const seeds = seedQueries();
    const total = Number(process.env.FUZZ_COUNT ?? 10_000);
    const bad: string[] = [];
    const counts = { results: 0, errors: 0 };
    for (let n = 0; n < total; n++) {
      const base = seeds[Math.floor(rnd() * seeds.length)];
      const query = n % 5 === 4 || !base ? randomQuery(rnd) : mutate(base.query, rnd);
      const bindVars = base && rnd() < 0.8 ? base.bindVars : { value: 1, coll: 'users' };
      const r = await t.client.post('/_api/cursor', { query, bindVars, batchSize: 1000 });
      const b = r.body;
      if (r.status === 201 && b?.error === false && Array.isArray(b.result)) counts.results++;
      // An uncaught exception in the engine would come back as errorNum 4 ("internal error").
      else if (r.status >= 400 && b?.error === true && typeof b.errorNum === 'number' && b.errorNum !== 4 && typeof b.errorMessage === 'string' && b.code === r.status) counts.errors++;
      else bad.push(`${r.status} ${JSON.stringify(query)} -> ${r.text.slice(0, 200)}`);
    }
    console.log(`HTTP fuzz: ${total} queries, ${counts.results} results, ${counts.errors} error envelopes, ${bad.length} other answers`);
    expect(bad.slice(0, 10)).toEqual([]);
    expect((await t.client.get('/_api/version')).status).toBe(200);
  }, 600_000);
});
