import type { Hlc } from './hlc.js';

/**
 * Generated document keys: numeric strings that grow over time like GDN's "traditional" keys, and
 * are unique across regions without coordination because they combine the writer's HLC (unique
 * within a region) with the region's ordinal in the topology (unique across regions).
 */
export function generatedKey(hlc: Hlc, regionOrdinal: number): string {
  return (
    String(hlc.physical) +
    String(hlc.logical).padStart(4, '0') +
    String(regionOrdinal).padStart(3, '0')
  );
}

let counter = 0;

/** Request ids for x-gdn-requestid: region-scoped, unique within a process run; `now` from the PoP's clock. */
export function requestId(region: string, now: number): string {
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${region}-${Math.floor(now).toString(36)}-${counter.toString(36)}`;
}
