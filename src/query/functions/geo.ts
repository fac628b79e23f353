import { isObject, toNumber } from '../types.js';
import { def, notSupportedYet, typeMismatch, type FnContext, type FnDef } from './context.js';
import { contains, EARTH_RADIUS_M, equals, intersects, shapeOf, type Shape } from './geo-shapes.js';

function haversine(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** [lon, lat] of a GeoJSON Point or a coordinate pair; null otherwise. */
function pointOf(v: unknown): [number, number] | null {
  const c = isObject(v) && v.type === 'Point' ? v.coordinates : v;
  if (Array.isArray(c) && c.length >= 2 && typeof c[0] === 'number' && typeof c[1] === 'number') return [c[0], c[1]];
  return null;
}

function isPosition(v: unknown): boolean {
  return Array.isArray(v) && v.length >= 2 && v.every((x) => typeof x === 'number');
}

function geometry(type: string, check: (v: unknown) => boolean, wrap = (v: unknown): unknown => v): FnDef {
  return def(1, 1, (ctx, a, name) => (check(a[0]) ? { type, coordinates: wrap(a[0]) } : typeMismatch(ctx, name)));
}

/**
 * GeoJSON types GEO_DISTANCE measures from their centroid in ArangoDB: computing that is not built,
 * and a null with a warning would make a FILTER on the distance keep every shape, so it is refused.
 */
const SHAPES = new Set(['MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

const positions = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every(isPosition);

/** Two shapes to a predicate; a bad geometry is a warning and null, as in ArangoDB. */
function relation(test: (a: Shape, b: Shape) => boolean | null): FnDef {
  return def(2, 2, (ctx: FnContext, args, name) => {
    const [a, b] = [shapeOf(args[0]), shapeOf(args[1])];
    if (a === null || b === null) return typeMismatch(ctx, name);
    const r = test(a, b);
    return r ?? notSupportedYet(`${name}() of shapes spread over more than a hemisphere, or whose first argument is not a polygon`);
  });
}

export const GEO_FUNCTIONS: Record<string, FnDef> = {
  GEO_CONTAINS: relation(contains),
  GEO_INTERSECTS: relation(intersects),
  GEO_EQUALS: relation(equals),
  DISTANCE: def(4, 4, (_c, a) => haversine(toNumber(a[0]), toNumber(a[1]), toNumber(a[2]), toNumber(a[3]))),
  GEO_DISTANCE: def(2, 3, (ctx, a, name) => {
    if (a[2] !== undefined && a[2] !== 'sphere') notSupportedYet(`${name}() on the ${JSON.stringify(a[2])} ellipsoid (only "sphere")`);
    for (const v of [a[0], a[1]]) if (isObject(v) && typeof v.type === 'string' && SHAPES.has(v.type)) notSupportedYet(`${name}() of a GeoJSON ${v.type} (measured from its centroid; only points are)`);
    const p = pointOf(a[0]);
    const q = pointOf(a[1]);
    if (p === null || q === null) return typeMismatch(ctx, name);
    return haversine(p[1], p[0], q[1], q[0]);
  }),
  GEO_POINT: def(2, 2, (ctx, a, name) => (typeof a[0] === 'number' && typeof a[1] === 'number'
    ? { type: 'Point', coordinates: [a[0], a[1]] } : typeMismatch(ctx, name))),
  GEO_MULTIPOINT: geometry('MultiPoint', positions),
  GEO_LINESTRING: geometry('LineString', positions),
  GEO_MULTILINESTRING: geometry('MultiLineString', (v) => Array.isArray(v) && v.length > 0 && v.every(positions)),
  GEO_MULTIPOLYGON: geometry('MultiPolygon', (v) => Array.isArray(v) && v.length > 0 && v.every((p) => Array.isArray(p) && p.length > 0 && p.every(positions))),
  GEO_POLYGON: geometry('Polygon', (v) => positions(v) || (Array.isArray(v) && v.length > 0 && v.every(positions)),
    (v) => (Array.isArray(v) && isPosition(v[0]) ? [v] : v)),
};
