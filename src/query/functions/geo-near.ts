import { GdnError } from '../../core/errors.js';
import type { Document, IndexInfo } from '../datasource.js';
import { def, notSupportedYet, type FnContext, type FnDef } from './context.js';
import { cross, dot, EARTH_RADIUS_M, unitVector, type Vec } from './geo-shapes.js';
import { argumentMismatch, attributeAt, indexedCollection } from './index-lookup.js';

/**
 * NEAR(coll, lat, lon, limit, distanceName) and WITHIN(coll, lat, lon, radius, distanceName), the
 * AQL 3.4 functions over a geo index: they need one (1570 otherwise) and see the documents it
 * holds (valid coordinates in its fields), nearest first. They read the collection rather than an
 * S2 index, and measure as S2 does: the angle between unit vectors times 6,371 km.
 */
const DEFAULT_NEAR_LIMIT = 100;

function meters(a: Vec, b: Vec): number {
  return Math.atan2(Math.hypot(...cross(a, b)), dot(a, b)) * EARTH_RADIUS_M;
}

const valid = (lat: unknown, lon: unknown): lat is number =>
  typeof lat === 'number' && typeof lon === 'number' && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;

/** [lat, lon] the index keeps for a document, or null when it leaves the document out. */
function position(doc: Document, index: IndexInfo): [number, number] | null {
  if (index.fields.length === 2) {
    const [lat, lon] = [attributeAt(doc, index.fields[0]!), attributeAt(doc, index.fields[1]!)];
    return valid(lat, lon) ? [lat, lon as number] : null;
  }
  const v = attributeAt(doc, index.fields[0]!);
  if (index.geoJson && v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const g = v as { type?: unknown; coordinates?: unknown };
    if (g.type !== 'Point') {
      if (typeof g.type === 'string') notSupportedYet(`NEAR() and WITHIN() over a GeoJSON ${g.type} (measured from its centroid; only points are)`);
      return null;
    }
    return Array.isArray(g.coordinates) && valid(g.coordinates[1], g.coordinates[0]) ? [g.coordinates[1], g.coordinates[0] as number] : null;
  }
  if (!Array.isArray(v) || v.length < 2) return null;
  const [lat, lon] = index.geoJson ? [v[1], v[0]] : [v[0], v[1]];
  return valid(lat, lon) ? [lat, lon as number] : null;
}

interface Args {
  coll: string;
  origin: Vec;
  distanceName: string | null;
}

function args(a: unknown[], name: string): Args {
  const [coll, lat, lon, , distanceName] = a;
  if (typeof coll !== 'string' || typeof lat !== 'number' || typeof lon !== 'number') throw argumentMismatch(name);
  if (distanceName !== undefined && distanceName !== null && typeof distanceName !== 'string') throw argumentMismatch(name);
  if (!valid(lat, lon)) throw new GdnError('QUERY_INVALID_GEO_VALUE', 'invalid geo coordinate value');
  return { coll, origin: unitVector([lon, lat]), distanceName: typeof distanceName === 'string' ? distanceName : null };
}

/** The documents of the collection's geo index with their distance from the origin, nearest first. */
function byDistance(ctx: FnContext, { coll, origin }: Args): { doc: Document; d: number }[] {
  const { source, index } = indexedCollection(ctx, coll, (i) => i.type === 'geo',
    () => new GdnError('QUERY_GEO_INDEX_MISSING', `no suitable geo index found for geo restriction on '${coll}'`));
  const out: { doc: Document; d: number }[] = [];
  for (const doc of source.documents(coll)) {
    ctx.work(1);
    const p = position(doc, index);
    if (p) out.push({ doc, d: meters(origin, unitVector([p[1], p[0]])) });
  }
  // Array.prototype.sort is stable: equal distances keep the collection's order.
  return out.sort((x, y) => x.d - y.d);
}

function withDistance(rows: { doc: Document; d: number }[], distanceName: string | null): Document[] {
  return rows.map(({ doc, d }) => (distanceName === null ? doc : { ...doc, [distanceName]: d }));
}

export const GEO_INDEX_FUNCTIONS: Record<string, FnDef> = {
  NEAR: def(3, 5, (ctx, a, name) => {
    const limit = a[3];
    if (limit !== undefined && limit !== null && typeof limit !== 'number') throw argumentMismatch(name);
    const p = args(a, name);
    const n = typeof limit === 'number' ? Math.max(0, Math.floor(limit)) : DEFAULT_NEAR_LIMIT;
    return withDistance(byDistance(ctx, p).slice(0, n), p.distanceName);
  }),
  WITHIN: def(4, 5, (ctx, a, name) => {
    const radius = a[3];
    if (typeof radius !== 'number') throw argumentMismatch(name);
    const p = args(a, name);
    return withDistance(byDistance(ctx, p).filter((r) => r.d <= radius), p.distanceName);
  }),
};
