import { describe, expect, it } from 'vitest';
import { isGdnError } from '../../src/core/errors.js';
import { executeQuery } from '../../src/query/index.js';
import { seedQueries } from './cases/index.js';
import { MemorySource } from './memory-source.js';
import { mutate, prng, randomQuery } from './fuzz-gen.js';

function source(): MemorySource {
  return new MemorySource('apply')
    .addCollection('users', [{ _key: 'a', name: 'Ann', age: 30 }, { _key: 'b', name: 'Bob', age: null }, { name: 'Cy', tags: [1, 2] }])
    .addCollection('coll', [{ _key: 'k', value: 1 }]);
}

describe('fuzz: random and mutated queries', () => {
  it('either return a result or throw a GdnError (10,000+ queries)', () => {
    // FUZZ_SEED / FUZZ_COUNT allow longer exploratory runs; the defaults keep CI deterministic.
    const rnd = prng(Number(process.env.FUZZ_SEED ?? 0xc8c8));
    const seeds = seedQueries();
    const limits = { maxSteps: 100_000, maxArrayLength: 100_000, timeoutMs: 2_000 };
    const failures: string[] = [];
    let ok = 0;
    let errors = 0;
    const total = Number(process.env.FUZZ_COUNT ?? 12_000);
    for (let n = 0; n < total; n++) {
      const base = seeds[Math.floor(rnd() * seeds.length)];
      const query = n % 5 === 4 || !base ? randomQuery(rnd) : mutate(base.query, rnd);
      const bindVars = base && rnd() < 0.8 ? base.bindVars : { value: 1, coll: 'users' };
      try {
        executeQuery(query, bindVars, source(), { limits });
        ok++;
      } catch (e) {
        if (isGdnError(e)) errors++;
        else failures.push(`${JSON.stringify(query)} ${JSON.stringify(bindVars)} -> ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`);
      }
    }
    console.log(`fuzz: ${total} queries, ${ok} results, ${errors} GdnErrors, ${failures.length} other exceptions`);
    expect(failures.slice(0, 20)).toEqual([]);
  }, 300_000);
});
