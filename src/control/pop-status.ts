import type { ReplicationStatus } from '../replication/index.js';
import { INTERNAL_SECRET_HEADER } from './region-routes.js';
import { combineStatus, type RegionReport } from './status.js';
import type { FabricStatus, RegionRunState } from './types.js';

/**
 * The status of PoPs that run on their own (`fabric-emu region`, perhaps on several machines),
 * asked one by one at their internal status route with the fabric's secret. A PoP that cannot be
 * reached is shown as down, under the URL it was asked at.
 */
export async function popStatus(urls: readonly string[], secret: string): Promise<FabricStatus> {
  const reports = await Promise.all(
    urls.map(async (u): Promise<RegionReport> => {
      const url = u.replace(/\/$/, '');
      try {
        const res = await fetch(`${url}/_emu/region/status`, { headers: { [INTERNAL_SECRET_HEADER]: secret }, signal: AbortSignal.timeout(5_000) });
        const body = (await res.json()) as { name: string; state: RegionRunState; replication: ReplicationStatus; errorMessage?: string };
        if (!res.ok) throw new Error(`${res.status}: ${body.errorMessage ?? 'refused'}`);
        return { name: body.name, url, state: body.state, replication: body.replication };
      } catch {
        return { name: '(unreachable)', url, state: 'killed', replication: undefined };
      }
    }),
  );
  return combineStatus(reports);
}
