import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testRegion, type TestClient, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
let client: TestClient;
beforeEach(async () => {
  t = await testRegion();
  client = t.client;
});
afterEach(() => t.close());

const ONE_DEGREE_M = (6371000 * Math.PI) / 180;
const run = async (query: string) => (await client.post('/_api/cursor', { query })).body;
const rows = async (query: string) => {
  const b = await run(query);
  expect(b.error, JSON.stringify(b)).toBe(false);
  return b.result as unknown[];
};

async function places(index: Record<string, unknown>, docs: Record<string, unknown>[]): Promise<void> {
  await client.post('/_api/collection', { name: 'places' });
  await client.post('/_api/document/places', docs);
  expect((await client.post('/_api/index?collection=places', { type: 'geo', ...index })).status).toBe(201);
}

describe('NEAR() and WITHIN() over a geo index', () => {
  it('two fields: nearest first, a distance attribute in meters, the limit (100 by default), and a radius', async () => {
    const grid = Array.from({ length: 11 }, (_, i) => Array.from({ length: 11 }, (_, j) => ({ _key: `p${i}_${j}`, lat: i, lon: j }))).flat();
    await places({ fields: ['lat', 'lon'] }, [...grid, { _key: 'nowhere' }, { _key: 'bad', lat: 91, lon: 0 }]);
    const near = (await rows('FOR p IN NEAR(places, 0, 0, 3, "d") RETURN [p._key, p.d]')) as [string, number][];
    expect(near[0]).toEqual(['p0_0', 0]);
    expect(near.slice(1).map(([k]) => k).sort()).toEqual(['p0_1', 'p1_0']);
    for (const [, d] of near.slice(1)) expect(d).toBeCloseTo(ONE_DEGREE_M, 6);
    expect(await rows('RETURN LENGTH(NEAR(places, 0, 0))')).toEqual([100]);
    expect(await rows('RETURN LENGTH(NEAR(places, 0, 0, null))')).toEqual([100]);
    expect(await rows('FOR p IN NEAR(places, 0, 0, 1) RETURN p')).toEqual([expect.not.objectContaining({ d: expect.anything() })]);
    expect(await rows('RETURN LENGTH(NEAR(places, 0, 0, 1000))')).toEqual([121]);
    const within = await rows(`FOR p IN WITHIN(places, 5, 5, ${ONE_DEGREE_M * 1.01}) SORT p._key RETURN p._key`);
    expect(within).toEqual(['p4_5', 'p5_4', 'p5_5', 'p5_6', 'p6_5']);
  });

  it('one field: [lat, lon], or with geoJson [lon, lat] and GeoJSON points; a GeoJSON shape is refused, not skipped', async () => {
    await places({ fields: ['at'], geoJson: true }, [
      { _key: 'pair', at: [10, 5] },
      { _key: 'point', at: { type: 'Point', coordinates: [20, 0] } },
    ]);
    expect(await rows('FOR p IN NEAR(places, 0, 0) RETURN p._key')).toEqual(['pair', 'point']);
    expect(await rows('FOR p IN NEAR(places, 5, 10, 1, "d") RETURN [p._key, p.d]')).toEqual([['pair', 0]]);
    expect(await rows('FOR p IN NEAR(places, 0, 20, 1, "d") RETURN [p._key, p.d]')).toEqual([['point', 0]]);
    expect(await rows('FOR p IN WITHIN(places, 0, 0, 15 * 111200) RETURN p._key')).toEqual(['pair']);
    await client.post('/_api/document/places', { _key: 'shape', at: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } });
    expect(await run('RETURN NEAR(places, 0, 0)')).toMatchObject({ error: true, code: 501, errorNum: 9 });
  });

  it('one field without geoJson reads [lat, lon]', async () => {
    await places({ fields: ['at'] }, [{ _key: 'north', at: [10, 0] }, { _key: 'east', at: [0, 20] }]);
    expect(await rows('FOR p IN NEAR(places, 10, 0, 1, "d") RETURN [p._key, p.d]')).toEqual([['north', 0]]);
  });

  it('refuses a collection without a geo index (1570), a bad coordinate (1505), bad arguments (1542) and an unknown collection (1203)', async () => {
    await client.post('/_api/collection', { name: 'plain' });
    expect(await run('RETURN NEAR(plain, 0, 0)')).toMatchObject({ errorNum: 1570, errorMessage: "no suitable geo index found for geo restriction on 'plain'" });
    await places({ fields: ['lat', 'lon'] }, []);
    expect(await run('RETURN WITHIN(places, 100, 0, 10)')).toMatchObject({ errorNum: 1505 });
    for (const q of ['RETURN NEAR(places, 0, 0, true)', 'RETURN NEAR(places, 0, 0, 1, 7)', 'RETURN WITHIN(places, 0, 0, "far")', 'RETURN WITHIN({}, 0, 0, 1)', 'RETURN NEAR(places, "0", 0)']) {
      expect(await run(q), q).toMatchObject({ errorNum: 1542 });
    }
    expect(await run('RETURN NEAR("nosuch", 0, 0)')).toMatchObject({ errorNum: 1203 });
  });
});
