import { deriveRtt, FIBRE_KM_PER_MS, greatCircleKm, OVERHEAD_MS, ROUTE_FACTOR, type LatLon } from './geo.js';
import type { LinkProfile, Topology } from './types.js';

/** The `links` key of a pair: sorted by code unit so both directions share one entry. */
export function linkKey(a: string, b: string): string {
  return a < b ? `${a}|${b}` : `${b}|${a}`;
}

/** Two nodes of one PoP: published AZ<->AZ round trips are 0.25-3.4 ms; the low end fits one metro. */
export const INTRA_REGION_PROFILE: Readonly<LinkProfile> = Object.freeze({
  rttMs: 0.5,
  jitterMs: 0.1,
  distribution: 'normal',
  lossRate: 0,
  source: 'AZ<->AZ: 0.25-3.4 ms published (AWS, IBM, GCP), low end for one metro',
  derived: false,
});

/**
 * Client -> nearest PoP when a topology does not say: the middle of the 10-50 ms access range,
 * with enough spread that Macrometa's "global P90 of 50 ms" sits in the tail.
 */
export const DEFAULT_ACCESS_PROFILE: Readonly<LinkProfile> = Object.freeze({
  rttMs: 20,
  jitterMs: 5,
  distribution: 'normal',
  lossRate: 0,
  source: 'estimate: middle of the 10-50 ms access range (Macrometa: global P90 of 50 ms to users)',
  derived: false,
});

/**
 * A pair without a figure in the file. Jitter is 2.5% of the RTT (at least 1 ms), the ratio of the
 * sigmas to the RTTs in the seed-era table of spec/latency.md.
 */
export function derivedProfile(a: LatLon, b: LatLon): LinkProfile {
  const rttMs = deriveRtt(a, b);
  const km = Math.round(greatCircleKm(a, b));
  return {
    rttMs,
    jitterMs: Math.max(1, Math.round(rttMs * 0.25) / 10),
    distribution: 'normal',
    lossRate: 0,
    source: `derived: great-circle ${km} km at ${FIBRE_KM_PER_MS} km/ms in fibre, route factor ${ROUTE_FACTOR}, +${OVERHEAD_MS} ms`,
    derived: true,
  };
}

/** Symmetric lookup; the same region on both ends is the intra-region profile. */
export function linkProfile(t: Topology, a: string, b: string): LinkProfile {
  for (const name of [a, b]) {
    if (!t.regions.some((r) => r.name === name)) {
      const known = t.regions.map((r) => r.name).join(', ');
      throw new RangeError(`unknown region "${name}" in topology ${t.name} (known: ${known})`);
    }
  }
  if (a === b) return { ...INTRA_REGION_PROFILE };
  const p = t.links[linkKey(a, b)];
  if (!p) throw new RangeError(`topology ${t.name} has no link ${linkKey(a, b)}`);
  return p;
}
