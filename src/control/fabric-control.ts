import { systemClock, type ClockState, type FabricClock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import { linkSettingsProblem, type LinkSettings } from '../replication/index.js';
import type { RegionAgent } from './agent.js';
import { renderPrometheus, replicationFamilies } from './metrics.js';
import { snapshotVerbs } from './snapshots.js';
import { combineStatus, cutLinks, divergedLinks, undrainedLinks, type RegionReport } from './status.js';
import { partitionCuts, type ClockAction, type FabricControl, type LinkChange, type VerbResult } from './types.js';

/** The verbs plus the lifecycle that only the fabric's owner drives. */
export interface FabricRuntime extends FabricControl {
  /** Starts every region, then their replication. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export function applyChange(cur: LinkSettings, change: LinkChange): LinkSettings {
  const base: LinkSettings = change.clear ? { cut: cur.cut } : { ...cur };
  const { clear: _clear, ...rest } = change;
  const next: LinkSettings = { ...base };
  for (const [k, v] of Object.entries(rest)) if (v !== undefined) (next as unknown as Record<string, unknown>)[k] = v;
  return next;
}

/** Every region in at most one group: a region in two would leave the partition undefined. */
export function checkGroups(names: readonly string[], groups: string[][]): void {
  const seen = new Map<string, number>();
  groups.forEach((g, i) =>
    g.forEach((r) => {
      if (!names.includes(r)) throw gdnError('NOT_FOUND', `unknown region '${r}'; known: ${names.join(', ')}`);
      const before = seen.get(r);
      if (before !== undefined && before !== i) throw gdnError('BAD_PARAMETER', `region '${r}' is in group ${before + 1} and group ${i + 1}; a region can be in one group only`);
      seen.set(r, i);
    }),
  );
}

/**
 * The control verbs of a fabric, once, over its regions' agents. The desired link settings and the
 * clock live here and are pushed to a region again whenever it (re)starts, before it replicates, so
 * a restarted PoP never ships across a cut link, whatever it forgot when it was killed.
 */
/**
 * Every PoP keeps its own copy of the clock (it may run in another thread or process). They take a
 * new time one by one, so each is told first: none then refuses a peer's change for being stamped
 * at a time it is about to take itself.
 */
export async function moveClocks(agents: readonly RegionAgent[], s: ClockState): Promise<void> {
  await Promise.all(agents.map((a) => a.expectClock(s)));
  await Promise.all(agents.map((a) => a.setClock(s)));
}

export function fabricControl(agents: readonly RegionAgent[], clock: FabricClock, opts: { topology?: string } = {}): FabricRuntime {
  const names = agents.map((a) => a.name);
  const settings = new Map<string, LinkSettings>();
  const settingsOf = (a: string, b: string): LinkSettings => settings.get(`${a}>${b}`) ?? { cut: false };
  const agent = (name: string): RegionAgent => {
    const a = agents.find((x) => x.name === name);
    if (!a) throw gdnError('NOT_FOUND', `unknown region '${name}'; known: ${names.join(', ')}`);
    return a;
  };
  const serving = () => agents.filter((a) => a.state() === 'serving');
  const push = async (a: string, b: string) => {
    const ag = agent(a);
    if (ag.state() === 'serving') await ag.setLink(b, settingsOf(a, b));
  };
  const setAll = async (fn: (a: string, b: string) => LinkSettings) => {
    for (const a of names) for (const b of names) if (a !== b) settings.set(`${a}>${b}`, fn(a, b));
    await Promise.all(names.flatMap((a) => names.filter((b) => b !== a).map((b) => push(a, b))));
  };
  const reports = (): Promise<RegionReport[]> =>
    Promise.all(
      agents.map(async (a): Promise<RegionReport> => {
        const replication = a.state() === 'serving' ? await a.replication().catch(() => undefined) : undefined;
        return { name: a.name, url: a.url(), state: replication || a.state() !== 'serving' ? a.state() : 'killed', replication };
      }),
    );
  const syncClock = async (s: ClockState) => {
    await moveClocks(serving(), s);
    return s;
  };
  /** What every (re)start of a listening region must go through: settings and clock, then replication. */
  const configure = async (a: RegionAgent) => {
    await Promise.all(names.filter((b) => b !== a.name).map((b) => a.setLink(b, settingsOf(a.name, b))));
    await a.setClock(clock.state());
    await a.setReplication(true);
  };
  // Verbs that stop and start replication on every PoP run one at a time, so that none restarts it under another.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const p = queue.then(fn, fn);
    queue = p.catch(() => undefined);
    return p;
  };
  const snapshots = snapshotVerbs({ agents, clock, topology: opts.topology ?? 'fabric', syncClock });

  return {
    status: async () => combineStatus(await reports()),
    async setLink(from, to, change, o = {}) {
      agent(from);
      agent(to);
      if (from === to) throw gdnError('BAD_PARAMETER', 'a link joins two different regions');
      const problem = linkSettingsProblem(change);
      if (problem) throw gdnError('BAD_PARAMETER', problem);
      const pairs: [string, string][] = o.bidirectional === false ? [[from, to]] : [[from, to], [to, from]];
      for (const [a, b] of pairs) {
        settings.set(`${a}>${b}`, applyChange(settingsOf(a, b), change));
        await push(a, b);
      }
    },
    async partition(groups) {
      checkGroups(names, groups);
      const cuts = partitionCuts(names, groups);
      await setAll((a, b) => ({ ...settingsOf(a, b), cut: cuts.has(`${a}>${b}`) }));
    },
    async heal() {
      await setAll((a, b) => ({ ...settingsOf(a, b), cut: false }));
    },
    async kill(name): Promise<VerbResult> {
      const a = agent(name);
      const before = a.state();
      if (before !== 'serving') return { changed: false, state: before, message: `${name} is already ${before}; restart it with 'fabric-emu restart ${name}'` };
      await a.kill();
      return { changed: true, state: a.state(), message: `${name} killed` };
    },
    restart: (name) => serial(async (): Promise<VerbResult> => {
      const a = agent(name);
      const before = a.state();
      if (before === 'serving') return { changed: false, state: before, message: `${name} is already serving; kill it first to restart it` };
      await a.start();
      await configure(a);
      return { changed: true, state: a.state(), message: `${name} restarted` };
    }),
    reset: (o = {}) => serial(async () => {
      const dead = agents.filter((a) => a.state() !== 'serving').map((a) => a.name);
      if (dead.length) throw gdnError('CONFLICT', `cannot reset while ${dead.join(', ')} ${dead.length === 1 ? 'is' : 'are'} killed: restart first`);
      if (o.links && settings.size > 0) {
        const changed = [...settings.keys()];
        settings.clear();
        await Promise.all(changed.map((k) => push(...(k.split('>') as [string, string]))));
      }
      // Two phases, so no region ships into a peer whose version vector still holds old numbers.
      await Promise.all(agents.map((a) => a.setReplication(false)));
      await Promise.all(agents.map((a) => a.reset()));
      await Promise.all(agents.map((a) => a.setReplication(true)));
    }),
    saveSnapshot: (file) => serial(() => snapshots.saveSnapshot(file)),
    loadSnapshot: (file) => serial(() => snapshots.loadSnapshot(file)),
    async waitForReplication(o = {}) {
      const timeout = o.timeoutMs ?? 30_000;
      // Real time, not the fabric's clock: a frozen fabric clock must not make a wait hang.
      const deadline = systemClock.now() + timeout;
      for (;;) {
        const now = await reports();
        const diverged = divergedLinks(now);
        if (diverged.length > 0) {
          throw gdnError('CONFLICT', `replication can never complete: ${diverged.join(', ')}; the origin's change log started over (a reset of one PoP, or its data dir replaced), so run 'fabric-emu reset'`, { diverged });
        }
        const behind = undrainedLinks(now);
        if (behind.length === 0) return { skipped: [...cutLinks(now), ...agents.filter((a) => a.state() !== 'serving').map((a) => `${a.name} (${a.state()})`)] };
        if (systemClock.now() > deadline) {
          throw gdnError('REPLICATION_TIMEOUT', `replication did not drain in ${timeout} ms; still pending: ${behind.join(', ')}`, { pending: behind });
        }
        await systemClock.sleep(5);
      }
    },
    async metrics() {
      const statuses = await Promise.all(serving().map((a) => a.replication().catch(() => undefined)));
      return renderPrometheus(statuses.flatMap((s) => (s ? replicationFamilies(s) : [])));
    },
    health: () => agents.map((a) => ({ name: a.name, url: a.url(), listening: a.state() === 'serving' })),
    async clock(action?: ClockAction) {
      if (!action) return clock.state();
      if ('advance' in action) return syncClock(clock.advance(action.advance));
      if ('freeze' in action) return syncClock(clock.freeze());
      return syncClock(clock.resume());
    },
    async start() {
      // Every PoP listens before any link dials, so links do not storm peers that are not up yet.
      await Promise.all(agents.map((a) => a.start()));
      await Promise.all(agents.map((a) => configure(a)));
    },
    async close() {
      await Promise.all(agents.map((a) => a.close()));
    },
  };
}
