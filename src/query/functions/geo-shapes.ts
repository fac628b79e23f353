/**
 * GEO_CONTAINS, GEO_INTERSECTS and GEO_EQUALS on the sphere, as ArangoDB's S2 does: edges are
 * great-circle arcs, and each polygon ring encloses the smaller of the two regions it bounds.
 *
 * The shapes of one call are projected gnomonically onto the plane tangent at their mean
 * direction. That projection maps every great circle to a straight line, so planar point-in-ring
 * and segment-crossing tests on the projection are exact for geodesic edges. It needs every vertex
 * within a quarter turn of that direction; shapes spread wider are refused (null), not guessed.
 */
type Pos = [number, number];

/** The earth radius S2 and AQL's DISTANCE() use, in meters. */
export const EARTH_RADIUS_M = 6371000;
export type Vec = [number, number, number];

export interface Shape {
  points: Pos[];
  lines: Pos[][];
  /** Each polygon: its outer ring, then its holes. */
  polygons: Pos[][][];
}

const isPos = (v: unknown): v is Pos => Array.isArray(v) && v.length >= 2 && typeof v[0] === 'number' && typeof v[1] === 'number';
const isRing = (v: unknown): v is Pos[] => Array.isArray(v) && v.length >= 4 && v.every(isPos);
const isLine = (v: unknown): v is Pos[] => Array.isArray(v) && v.length >= 2 && v.every(isPos);
const isPolygon = (v: unknown): v is Pos[][] => Array.isArray(v) && v.length > 0 && v.every(isRing);

/** A GeoJSON geometry or a [lon, lat] pair; null when it is neither. */
export function shapeOf(v: unknown): Shape | null {
  const s: Shape = { points: [], lines: [], polygons: [] };
  if (isPos(v)) return { ...s, points: [v] };
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const { type, coordinates: c } = v as { type?: unknown; coordinates?: unknown };
  if (type === 'Point' && isPos(c)) return { ...s, points: [c] };
  if (type === 'MultiPoint' && Array.isArray(c) && c.length > 0 && c.every(isPos)) return { ...s, points: c };
  if (type === 'LineString' && isLine(c)) return { ...s, lines: [c] };
  if (type === 'MultiLineString' && Array.isArray(c) && c.length > 0 && c.every(isLine)) return { ...s, lines: c };
  if (type === 'Polygon' && isPolygon(c)) return { ...s, polygons: [c] };
  if (type === 'MultiPolygon' && Array.isArray(c) && c.length > 0 && c.every(isPolygon)) return { ...s, polygons: c };
  return null;
}

/** The unit vector of a [lon, lat] position (S2LatLng::ToPoint). */
export function unitVector([lon, lat]: Pos): Vec {
  const phi = lat * (Math.PI / 180);
  const theta = lon * (Math.PI / 180);
  return [Math.cos(theta) * Math.cos(phi), Math.sin(theta) * Math.cos(phi), Math.sin(phi)];
}

export const dot = (a: Vec, b: Vec): number => a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
export const cross = (a: Vec, b: Vec): Vec => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

function vertices(s: Shape): Pos[] {
  return [...s.points, ...s.lines.flat(), ...s.polygons.flat(2)];
}

type Plane = (p: Pos) => [number, number];

/** The gnomonic projection about the shapes' mean direction, or null when they are spread too wide. */
function projection(shapes: Shape[]): Plane | null {
  const all = shapes.flatMap(vertices).map(unitVector);
  const sum = all.reduce<Vec>((m, v) => [m[0] + v[0], m[1] + v[1], m[2] + v[2]], [0, 0, 0]);
  const n = Math.hypot(...sum);
  if (n === 0) return null;
  const c: Vec = [sum[0] / n, sum[1] / n, sum[2] / n];
  if (all.some((v) => dot(v, c) < 1e-6)) return null;
  const helper: Vec = Math.abs(c[2]) < 0.9 ? [0, 0, 1] : [1, 0, 0];
  const e1 = cross(helper, c);
  const l1 = Math.hypot(...e1);
  const u: Vec = [e1[0] / l1, e1[1] / l1, e1[2] / l1];
  const w = cross(c, u);
  return (p) => {
    const v = unitVector(p);
    const d = dot(v, c);
    return [dot(v, u) / d, dot(v, w) / d];
  };
}

type XY = [number, number];

const orient = (a: XY, b: XY, p: XY): number => (b[0] - a[0]) * (p[1] - a[1]) - (b[1] - a[1]) * (p[0] - a[0]);

/** Whether two segments share a point; `proper`: only a crossing of their interiors counts. */
function crosses(a: XY, b: XY, c: XY, d: XY, proper = false): boolean {
  const [o1, o2, o3, o4] = [orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)];
  if (((o1 > 0 && o2 < 0) || (o1 < 0 && o2 > 0)) && ((o3 > 0 && o4 < 0) || (o3 < 0 && o4 > 0))) return true;
  if (proper) return false;
  const on = (p: XY, q: XY, r: XY) => Math.min(p[0], q[0]) <= r[0] && r[0] <= Math.max(p[0], q[0]) && Math.min(p[1], q[1]) <= r[1] && r[1] <= Math.max(p[1], q[1]);
  return (o1 === 0 && on(a, b, c)) || (o2 === 0 && on(a, b, d)) || (o3 === 0 && on(c, d, a)) || (o4 === 0 && on(c, d, b));
}

function inRing(ring: XY[], p: XY): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [a, b] = [ring[i]!, ring[j]!];
    if ((a[1] > p[1]) !== (b[1] > p[1]) && p[0] < ((b[0] - a[0]) * (p[1] - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

interface Flat {
  points: XY[];
  edges: [XY, XY][];
  polygons: XY[][][];
}

function flatten(s: Shape, plane: Plane): Flat {
  const ring = (r: Pos[]) => r.map(plane);
  const polygons = s.polygons.map((p) => p.map(ring));
  const edges: [XY, XY][] = [];
  for (const line of [...s.lines.map(ring), ...polygons.flat()]) for (let i = 1; i < line.length; i++) edges.push([line[i - 1]!, line[i]!]);
  return { points: s.points.map(plane), edges, polygons };
}

function onRing(ring: XY[], p: XY): boolean {
  for (let i = 1; i < ring.length; i++) if (crosses(ring[i - 1]!, ring[i]!, p, p)) return true;
  return false;
}

/** Closed: a point on a ring counts as inside the polygon (a vertex is, as S2 has it for these cases). */
function inPolygons(f: Flat, p: XY): boolean {
  return f.polygons.some(([outer, ...holes]) => (inRing(outer!, p) || onRing(outer!, p)) && !holes.some((h) => inRing(h, p) && !onRing(h, p)));
}

const anyCrossing = (a: Flat, b: Flat, proper = false): boolean => a.edges.some(([p, q]) => b.edges.some(([r, s]) => crosses(p, q, r, s, proper)));
const verticesOf = (f: Flat): XY[] => [...f.points, ...f.edges.map(([p]) => p), ...f.edges.map(([, q]) => q)];
const samePoint = (p: XY, q: XY): boolean => p[0] === q[0] && p[1] === q[1];

/** null: the shapes are spread too wide for the projection. */
export function intersects(a: Shape, b: Shape): boolean | null {
  const plane = projection([a, b]);
  if (!plane) return null;
  const [fa, fb] = [flatten(a, plane), flatten(b, plane)];
  if (anyCrossing(fa, fb)) return true;
  if (verticesOf(fa).some((p) => inPolygons(fb, p)) || verticesOf(fb).some((p) => inPolygons(fa, p))) return true;
  const onEdges = (pts: XY[], f: Flat) => pts.some((p) => f.points.some((q) => samePoint(p, q)) || f.edges.some(([r, s]) => crosses(r, s, p, p)));
  return onEdges(fa.points, fb) || onEdges(fb.points, fa);
}

/** Whether polygon(s) `a` hold all of `b`; null as for intersects, or when `a` has no area. */
export function contains(a: Shape, b: Shape): boolean | null {
  if (a.polygons.length === 0 || a.points.length > 0 || a.lines.length > 0) return null;
  const plane = projection([a, b]);
  if (!plane) return null;
  const [fa, fb] = [flatten(a, plane), flatten(b, plane)];
  if (!verticesOf(fb).every((p) => inPolygons(fa, p)) || anyCrossing(fa, fb, true)) return false;
  // A hole of `a` inside a polygon of `b` leaves part of `b` outside `a`.
  return !fa.polygons.some(([, ...holes]) => holes.some((h) => h.some((p) => inPolygons(fb, p))));
}

/** Same kind of geometry with the same vertices in the same order. */
export function equals(a: Shape, b: Shape): boolean {
  const same = (x: unknown, y: unknown): boolean => JSON.stringify(x) === JSON.stringify(y);
  return same(a.points, b.points) && same(a.lines, b.lines) && same(a.polygons, b.polygons);
}
