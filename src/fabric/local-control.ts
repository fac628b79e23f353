import { combineStatus, undrainedLinks, type RegionReport } from '../control/status.js';
import { partitionCuts, type FabricControl, type FabricStatus, type LinkChange } from '../control/types.js';
import { renderPrometheus, replicationFamilies } from '../control/metrics.js';
import type { LinkSettings } from '../replication/index.js';
import type { Region } from '../region/region.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function applyChange(cur: LinkSettings, change: LinkChange): LinkSettings {
  const base: LinkSettings = change.clear ? { cut: cur.cut } : { ...cur };
  const { clear: _clear, ...rest } = change;
  const next: LinkSettings = { ...base };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  return next;
}

/** Control of a fabric whose regions all live in this process. */
export function localControl(regions: readonly Region[]): FabricControl {
  const byName = (name: string): Region => {
    const r = regions.find((x) => x.name === name);
    if (!r) throw new RangeError(`unknown region '${name}'; known: ${regions.map((x) => x.name).join(', ')}`);
    return r;
  };

  const reports = (): RegionReport[] =>
    regions.map((r) => ({ name: r.name, url: r.url(), state: r.state(), replication: r.replicator.status() }));
  const status = async (): Promise<FabricStatus> => combineStatus(reports());

  const setLink = async (from: string, to: string, change: LinkChange, opts: { bidirectional?: boolean } = {}) => {
    const pairs: [string, string][] = opts.bidirectional === false ? [[from, to]] : [[from, to], [to, from]];
    for (const [a, b] of pairs) {
      const link = byName(a).replicator.link(b);
      link.setSettings(applyChange(link.settings, change));
    }
  };

  return {
    status,
    setLink,
    async partition(groups) {
      const cuts = partitionCuts(regions.map((r) => r.name), groups);
      for (const a of regions) {
        for (const b of regions) {
          if (a === b) continue;
          const link = a.replicator.link(b.name);
          link.setSettings({ ...link.settings, cut: cuts.has(`${a.name}>${b.name}`) });
        }
      }
    },
    async heal() {
      for (const r of regions) for (const link of r.replicator.outgoing.values()) link.setSettings({ ...link.settings, cut: false });
    },
    async kill(name) {
      await byName(name).kill();
    },
    async restart(name) {
      await byName(name).listen();
    },
    async reset() {
      const serving = regions.filter((r) => r.state() === 'serving');
      for (const r of regions) r.replicator.stop();
      for (const r of regions) r.storage.reset();
      for (const r of serving) r.replicator.start();
    },
    async waitForReplication(opts = {}) {
      const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
      for (;;) {
        const behind = undrainedLinks(reports());
        if (behind.length === 0) return;
        if (Date.now() > deadline) throw new Error(`replication did not drain in ${opts.timeoutMs ?? 30_000} ms; behind: ${behind.join(', ')}`);
        await sleep(5);
      }
    },
    async metrics() {
      return renderPrometheus(regions.flatMap((r) => replicationFamilies(r.replicator.status())));
    },
    health: () => regions.map((r) => ({ name: r.name, url: r.url(), listening: r.listening() })),
  };
}
