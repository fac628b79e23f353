import type { ReplicationStatus } from '../replication/index.js';
import type { FabricStatus, LinkStatus, RegionRunState } from './types.js';

export interface RegionReport {
  name: string;
  url: string;
  state: RegionRunState;
  /** undefined when the region cannot be asked (a killed process). */
  replication: ReplicationStatus | undefined;
}

/** Joins each region's view of its outgoing and incoming links into one row per directed link. */
export function combineStatus(reports: RegionReport[]): FabricStatus {
  const byName = new Map(reports.map((r) => [r.name, r]));
  const links: LinkStatus[] = [];
  for (const r of reports) {
    for (const o of r.replication?.outgoing ?? []) {
      const inc = byName.get(o.to)?.replication?.incoming.find((i) => i.from === r.name);
      const applied = inc?.applied ?? null;
      links.push({
        from: r.name,
        to: o.to,
        state: r.state === 'serving' ? o.state : 'down',
        cut: o.settings.cut,
        rttMs: o.profile.rttMs,
        jitterMs: o.profile.jitterMs,
        lossRate: o.profile.lossRate,
        networkRttMs: o.network === null ? null : Math.round(o.network.rttMs * 100) / 100,
        shipped: o.shipped,
        acked: o.acked,
        applied,
        queueDepth: Math.max(0, o.lastSeq - (applied ?? o.acked)),
        lagP50Ms: inc?.lagP50Ms ?? null,
        lagP99Ms: inc?.lagP99Ms ?? null,
        lost: inc?.lost ?? 0,
      });
    }
  }
  return {
    regions: reports.map((r) => ({ name: r.name, url: r.url, state: r.state, lastSeq: r.replication?.lastSeq ?? null })),
    links,
  };
}

/** Links whose peer holds changes the origin's log lost (see LinkStatus.lost), as `a→b (N lost)`. */
export function divergedLinks(reports: RegionReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) for (const i of r.replication?.incoming ?? []) if (i.lost > 0) out.push(`${i.from}→${r.name} (${i.lost} changes of ${i.from}'s earlier log)`);
  return out;
}

/** Uncut links between serving regions skipped by a wait because they are cut, as `a→b (cut)`. */
export function cutLinks(reports: RegionReport[]): string[] {
  const out: string[] = [];
  for (const r of reports) for (const o of r.replication?.outgoing ?? []) if (o.settings.cut) out.push(`${r.name}→${o.to} (cut)`);
  return out;
}

/**
 * Drained: every uncut link between two serving regions is open and acknowledged up to the last
 * change of its origin. A link to a live peer that is still connecting is not drained.
 */
export function undrainedLinks(reports: RegionReport[]): string[] {
  const serving = new Set(reports.filter((r) => r.state === 'serving' && r.replication).map((r) => r.name));
  const behind: string[] = [];
  for (const r of reports) {
    if (!serving.has(r.name)) continue;
    const rep = r.replication as ReplicationStatus;
    for (const o of rep.outgoing) {
      if (o.settings.cut || !serving.has(o.to)) continue;
      if (o.state !== 'open' || o.acked < rep.lastSeq) behind.push(`${r.name}→${o.to} (${o.state}, ${rep.lastSeq - o.acked} behind)`);
    }
  }
  return behind;
}
