import type { RegionSpec, Topology } from './types.js';

export interface LatLon {
  lat: number;
  lon: number;
}

/** Mean Earth radius (IUGG), km. */
export const EARTH_RADIUS_KM = 6371.0088;
/** Light in fibre travels at about 2/3 c, i.e. ~200 km per ms (spec/latency.md). */
export const FIBRE_KM_PER_MS = 200;
/** Real cable paths are 1.4-1.6x the great circle (spec/latency.md); 1.5 is the middle. */
export const ROUTE_FACTOR = 1.5;
/** Switching, routing and serialisation added to every round trip ("a couple of ms"). */
export const OVERHEAD_MS = 2;

export function greatCircleKm(a: LatLon, b: LatLon): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * Estimated round trip between two places, rounded to 0.1 ms: there and back along a cable path
 * ROUTE_FACTOR times the great circle, at FIBRE_KM_PER_MS, plus OVERHEAD_MS.
 * Lands within ~15% of the published AWS/GCP/IBM figures in spec/latency.md.
 */
export function deriveRtt(a: LatLon, b: LatLon): number {
  const rtt = (2 * greatCircleKm(a, b) * ROUTE_FACTOR) / FIBRE_KM_PER_MS + OVERHEAD_MS;
  return Math.round(rtt * 10) / 10;
}

/** The PoP the global URL routes a client at `from` to; ties go to the first listed region. */
export function nearestRegion(t: Topology, from: LatLon): RegionSpec {
  let best: RegionSpec | undefined;
  let bestKm = Infinity;
  for (const r of t.regions) {
    const km = greatCircleKm(from, r);
    if (km < bestKm) {
      best = r;
      bestKm = km;
    }
  }
  if (!best) throw new RangeError(`topology ${t.name} has no regions`);
  return best;
}
