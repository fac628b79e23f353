import { createHash } from 'node:crypto';
import { createRng, type Rng } from '../core/rng.js';
import type { LinkSettings } from '../replication/index.js';
import type { RegisterMerge } from '../storage/index.js';
import type { Topology } from '../topology/index.js';
import { describeChange, type AckedChange } from './changes.js';
import { SimFabric } from './fabric.js';
import { Oracle } from './oracle.js';
import { SimStreams } from './streams.js';
import { replicaDigest, replicaView } from './view.js';
import { DEFAULT_WRITE_SPACE, randomWrite, type WriteSpace } from './writer.js';

export const FAULT_KINDS = ['partition', 'cut', 'loss', 'slow', 'kill', 'restart', 'drop', 'sever', 'heal'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ScheduleOptions {
  seed: number;
  topology: Topology;
  /** Writes and faults, interleaved. */
  steps?: number;
  /** Share of steps that inject a fault. */
  faultRate?: number;
  space?: WriteSpace;
  /** Keep the network's events and hash them with the applied batches into `traceHash`. */
  trace?: boolean;
  /** A replacement register merge (StorageOptions.merge): only to show that a broken rule is caught. */
  merge?: RegisterMerge;
}

export interface ScheduleResult {
  seed: number;
  pops: number;
  faults: Record<FaultKind, number>;
  /** rolledBack: written at a PoP that crashed before the commit, so never acknowledged. */
  writes: { acknowledged: number; refused: number; rolledBack: number; superseded: number; lost: number };
  /** Messages of the global stream: acknowledged publishes, deliveries to the PoPs' consumers, redeliveries among them. */
  messages: { acknowledged: number; rolledBack: number; deliveries: number; redeliveries: number };
  frames: number;
  /** Virtual time the schedule and its settling took. */
  virtualMs: number;
  /** Empty when every check passed. */
  failures: string[];
  /** What happened, step by step, to read a failing seed. */
  log: string[];
  traceHash?: string;
}

const FABRIC_SETTLE_MS = 30 * 60_000;

/**
 * One seeded schedule: random writes at random PoPs interleaved with faults (partitions, one-way
 * cuts, loss, slow links, kills and restarts, dropped and half-open connections), then every fault
 * healed and the fabric run until nothing is left to do. Then the checks: every PoP has the same
 * digest, agrees with the sequential oracle, and shows every acknowledged write that no later
 * write superseded. Everything comes from the seed, so a seed replays exactly.
 */
export function runSchedule(o: ScheduleOptions): ScheduleResult {
  const rng = createRng(o.seed);
  const topology: Topology = { ...o.topology, seed: o.seed };
  const space = o.space ?? DEFAULT_WRITE_SPACE;
  const trace = o.trace ? createHash('sha256') : undefined;
  const log: string[] = [];
  const failures: string[] = [];
  // Every replication warning is a refusal between members of one fabric sending valid data: a bug.
  const warnings: string[] = [];
  const fabric = new SimFabric({
    topology,
    ...(o.merge ? { merge: o.merge } : {}),
    warn: (region, msg) => warnings.push(`${region}: ${msg}`),
    onBoot: (region) => streams.up(region),
    onKill: (region) => streams.down(region),
    onApplied: (region, origin, st) => {
      trace?.update(`apply ${fabric.clock.now()} ${region}<${origin} ${JSON.stringify(st)}\n`);
      // A crash between applying a batch and committing it: the batch and its version vector roll back.
      if (crashOnApply.delete(region)) {
        say(`kill ${region} while it applies a batch from ${origin}`);
        fabric.kill(region);
        faults.kill++;
      }
    },
  });
  const crashOnApply = new Set<string>();
  // Its own random stream, so that the document writes a seed makes stay what they were.
  const streams = new SimStreams(fabric.clock, rng.fork('streams'), (pop) => fabric.pop(pop).storage, (s) => say(s));
  const streamRng = rng.fork('publish');
  fabric.network.tracing = o.trace ?? false;
  const wire = rng.fork('wire');
  // Mostly the next turn; now and then long enough for a newer connection to overtake an older one.
  fabric.network.wireDelay = () => (wire.next() < 0.85 ? 0 : 1 + wire.int(80));
  const oracle = new Oracle();
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const writes = { acknowledged: 0, refused: 0, rolledBack: 0, superseded: 0, lost: 0 };
  const start = fabric.clock.now();
  const say = (s: string) => log.push(`${(fabric.clock.now() - start).toFixed(1)} ms: ${s}`);

  const ack = (change: Omit<AckedChange, 'n'>, origin: string) => {
    fabric.pop(origin).storage.whenCommitted((err) => {
      if (err !== undefined) {
        writes.rolledBack++;
        return say(`  not acknowledged: ${(err as Error).message}`);
      }
      const c = { ...change, n: oracle.size } as AckedChange;
      oracle.add(c);
      writes.acknowledged++;
      trace?.update(`ack ${describeChange(c)} ${JSON.stringify(c)}\n`);
    });
  };
  const writeAt = (origin: string) => {
    const r = randomWrite(fabric.pop(origin).storage, origin, rng.fork(`write:${log.length}`), space);
    if (r.kind === 'refused') {
      writes.refused++;
      return say(`write at ${origin} refused: ${r.error}`);
    }
    say(`write ${describeChange({ ...r.change, n: oracle.size } as AckedChange)}`);
    ack(r.change, origin);
    if (streamRng.next() < 0.3) streams.publish(origin);
  };

  try {
    // Setup: the collections exist everywhere before the schedule starts.
    fabric.start();
    for (const name of space.collections) {
      const origin = fabric.names[rng.int(fabric.names.length)]!;
      const r = randomWrite(fabric.pop(origin).storage, origin, rng, { ...space, collections: [name], ddlRate: 1 });
      if (r.kind === 'written') ack(r.change, origin);
    }
    streams.create(fabric.names[rng.fork('stream-origin').int(fabric.names.length)]!);
    fabric.runUntilIdle();
    streams.connectAll();
    fabric.runUntilIdle();

    const steps = o.steps ?? 40;
    const faultRate = o.faultRate ?? 0.25;
    for (let i = 0; i < steps; i++) {
      fabric.clock.advance(rng.int(4) === 0 ? 0 : rng.int(250));
      if (rng.next() < faultRate) {
        const kind = injectFault(fabric, rng, say, writeAt, crashOnApply);
        if (kind) faults[kind]++;
        continue;
      }
      // Sometimes a burst: several writes in one turn, at one or more PoPs.
      const burst = rng.next() < 0.25 ? 2 + rng.int(3) : 1;
      for (let b = 0; b < burst; b++) {
        const up = fabric.pops.filter((p) => p.up);
        if (up.length > 0) writeAt(up[rng.int(up.length)]!.name);
      }
    }

    crashOnApply.clear();
    say('heal everything, restart every killed PoP');
    fabric.heal();
    for (const p of fabric.pops) {
      if (p.up) continue;
      fabric.restart(p.name);
      faults.restart++;
    }
    if (!fabric.runUntilIdle(FABRIC_SETTLE_MS)) failures.push(`still busy after ${FABRIC_SETTLE_MS} ms of virtual time after healing`);
    if (!fabric.drained()) failures.push(`not drained after healing: ${undrained(fabric).join(', ')}`);
    failures.push(...warnings.slice(0, 5).map((w) => `replication warned: ${w}`));

    const digests = fabric.pops.map((p) => replicaDigest(p.storage));
    if (new Set(digests).size !== 1) failures.push(`digests differ: ${fabric.names.map((n, i) => `${n}=${digests[i]!.slice(0, 12)}`).join(' ')}`);
    const lost = new Map<AckedChange, string>();
    for (const p of fabric.pops) {
      const view = replicaView(p.storage);
      for (const d of oracle.disagreements(view, 5)) failures.push(`${p.name} disagrees with the oracle: ${d}`);
      for (const [c, why] of oracle.lost(view)) if (!lost.has(c)) lost.set(c, `${p.name}: ${why}`);
    }
    for (const [c, why] of lost) failures.push(`lost acknowledged write ${describeChange(c)}: ${why}`);
    failures.push(...checkLogs(fabric, oracle, streams.logged));
    // Every consumer reconnects and acknowledges all it gets: then each subscription must have delivered every message.
    streams.connectAll(true);
    fabric.runUntilIdle();
    failures.push(...streams.problems(fabric.names));
    writes.lost = lost.size;
    writes.superseded = oracle.superseded();
    if (trace) {
      for (const e of fabric.network.events) trace.update(`${e.at} ${e.kind} ${e.from}>${e.to} ${e.text ?? ''}\n`);
      for (const d of digests) trace.update(`digest ${d}\n`);
    }
  } catch (e) {
    failures.push(`threw: ${(e as Error).stack ?? String(e)}`);
  } finally {
    fabric.close();
  }
  return {
    seed: o.seed,
    pops: fabric.names.length,
    faults,
    writes,
    messages: { acknowledged: streams.published.length, rolledBack: streams.rolledBack, deliveries: streams.deliveries, redeliveries: streams.redeliveries },
    frames: fabric.network.messages,
    virtualMs: fabric.clock.now() - start,
    failures,
    log,
    ...(trace ? { traceHash: trace.digest('hex') } : {}),
  };
}

/** Each origin's change log holds exactly its acknowledged writes and stream changes, and every peer applied all of them. */
function checkLogs(fabric: SimFabric, oracle: Oracle, streamChanges: ReadonlyMap<string, string[]>): string[] {
  const out: string[] = [];
  for (const p of fabric.pops) {
    const mine = oracle.all().filter((c) => c.origin === p.name);
    const last = p.storage.changes.lastSeq();
    const entries = p.storage.changes.since(0, last + 1);
    const logged = entries.filter((e) => !e.op.startsWith('stream.')).map((e) => e.hlc);
    const acked = mine.map((c) => c.hlc);
    if (logged.join() !== acked.join()) out.push(`${p.name}'s change log holds ${logged.length} changes, ${acked.length} were acknowledged`);
    const streamLogged = entries.filter((e) => e.op.startsWith('stream.')).map((e) => e.hlc);
    const streamAcked = streamChanges.get(p.name) ?? [];
    if (streamLogged.join() !== streamAcked.join()) out.push(`${p.name}'s change log holds ${streamLogged.length} stream changes, ${streamAcked.length} were acknowledged`);
    for (const q of fabric.pops) {
      if (q === p) continue;
      const applied = q.storage.applier.appliedSeq(p.name);
      if (applied !== last) out.push(`${q.name} applied ${p.name}'s changes up to ${applied} of ${last}`);
    }
  }
  return out;
}

function undrained(fabric: SimFabric): string[] {
  const out: string[] = [];
  for (const p of fabric.pops) {
    const st = p.replicator?.status();
    if (!st) {
      out.push(`${p.name} down`);
      continue;
    }
    for (const l of st.outgoing) if (l.state !== 'open' || l.acked < st.lastSeq) out.push(`${p.name}→${l.to} ${l.state} acked ${l.acked}/${st.lastSeq}`);
  }
  return out;
}

function pickOther(rng: Rng, names: readonly string[], not: string): string {
  const others = names.filter((n) => n !== not);
  return others[rng.int(others.length)]!;
}

/** One random fault; returns its kind, or undefined when it had nothing to act on. */
function injectFault(
  fabric: SimFabric,
  rng: Rng,
  say: (s: string) => void,
  writeAt: (pop: string) => void,
  crashOnApply: Set<string>,
): FaultKind | undefined {
  const names = fabric.names;
  const a = names[rng.int(names.length)]!;
  const b = pickOther(rng, names, a);
  const change = (from: string, to: string, s: Partial<LinkSettings>) => fabric.setLink(from, to, { ...fabric.link(from, to), ...s });
  const kind = FAULT_KINDS[rng.int(FAULT_KINDS.length)]!;
  switch (kind) {
    case 'partition': {
      const groups = 2 + rng.int(Math.min(2, names.length - 1));
      const groupOf = names.map((_, i) => (i < groups ? i : rng.int(groups)));
      for (let i = groupOf.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [groupOf[i], groupOf[j]] = [groupOf[j]!, groupOf[i]!];
      }
      names.forEach((x, i) => names.forEach((y, j) => x !== y && change(x, y, { cut: groupOf[i] !== groupOf[j] })));
      say(`partition ${groups} groups: ${names.map((n, i) => `${n}:${groupOf[i]}`).join(' ')}`);
      return kind;
    }
    case 'cut':
      change(a, b, { cut: true });
      say(`cut ${a}→${b}`);
      return kind;
    case 'loss': {
      const lossRate = [0.1, 0.3, 0.6][rng.int(3)]!;
      change(a, b, { lossRate });
      if (rng.next() < 0.5) change(b, a, { lossRate });
      say(`loss ${lossRate} on ${a}→${b}`);
      return kind;
    }
    case 'slow': {
      const rttMs = 200 + rng.int(2800);
      change(a, b, { rttMs, jitterMs: rng.int(Math.ceil(rttMs / 4)) });
      say(`slow ${a}→${b} to ${rttMs} ms`);
      return kind;
    }
    case 'kill': {
      const up = fabric.pops.filter((p) => p.up);
      if (up.length < 2) return undefined;
      const victim = up[rng.int(up.length)]!.name;
      const when = rng.int(3);
      if (when === 2) {
        // Counted when it happens.
        crashOnApply.add(victim);
        say(`kill ${victim} the next time it applies a batch`);
        return undefined;
      }
      // In the middle of a write: it has not committed, so it is lost, never acknowledged.
      if (when === 1) writeAt(victim);
      fabric.kill(victim);
      say(`kill ${victim}`);
      return kind;
    }
    case 'restart': {
      const down = fabric.pops.filter((p) => !p.up);
      if (down.length === 0) return undefined;
      const back = down[rng.int(down.length)]!.name;
      fabric.restart(back);
      say(`restart ${back}`);
      return kind;
    }
    case 'drop': {
      const n = rng.next() < 0.5 ? fabric.network.drop((e) => e.self === a) : fabric.network.drop((e) => e.self === a && e.other === b);
      say(`drop ${n} connection ends at ${a}`);
      return n > 0 ? kind : undefined;
    }
    case 'sever': {
      // The sender sees its connection die and reconnects; the receiver's end lingers and its
      // stale frames still arrive after the new connection said hello.
      const lingerMs = 20 + rng.int(400);
      const n = fabric.network.sever((e) => e.outgoing && e.self === a && (rng.next() < 0.5 || e.other === b), lingerMs);
      say(`sever ${n} connections from ${a}, lingering ${lingerMs} ms`);
      return n > 0 ? kind : undefined;
    }
    case 'heal':
      if (rng.next() < 0.5) {
        fabric.heal();
        say('heal');
      } else {
        fabric.setLink(a, b, { cut: false });
        say(`heal ${a}→${b}`);
      }
      return kind;
  }
}

export interface ScheduleFigures {
  schedules: number;
  pops: number;
  faults: Record<FaultKind, number>;
  faultsTotal: number;
  acknowledged: number;
  refused: number;
  rolledBack: number;
  superseded: number;
  lost: number;
  messages: number;
  deliveries: number;
  redeliveries: number;
  frames: number;
  failed: number[];
}

export function summarize(results: readonly ScheduleResult[]): ScheduleFigures {
  const faults = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  const f: ScheduleFigures = { schedules: results.length, pops: results[0]?.pops ?? 0, faults, faultsTotal: 0, acknowledged: 0, refused: 0, rolledBack: 0, superseded: 0, lost: 0, messages: 0, deliveries: 0, redeliveries: 0, frames: 0, failed: [] };
  for (const r of results) {
    for (const k of FAULT_KINDS) {
      faults[k] += r.faults[k];
      f.faultsTotal += r.faults[k];
    }
    f.acknowledged += r.writes.acknowledged;
    f.refused += r.writes.refused;
    f.rolledBack += r.writes.rolledBack;
    f.superseded += r.writes.superseded;
    f.lost += r.writes.lost;
    f.messages += r.messages.acknowledged;
    f.deliveries += r.messages.deliveries;
    f.redeliveries += r.messages.redeliveries;
    f.frames += r.frames;
    if (r.failures.length > 0) f.failed.push(r.seed);
  }
  return f;
}

export function formatFigures(f: ScheduleFigures, ms: number): string {
  const kinds = FAULT_KINDS.map((k) => `${k} ${f.faults[k]}`).join(', ');
  return (
    `${f.schedules} schedules on ${f.pops} PoPs in ${(ms / 1000).toFixed(1)} s: ` +
    `faults injected ${f.faultsTotal} (${kinds}); writes acknowledged ${f.acknowledged} (superseded ${f.superseded}), ` +
    `refused ${f.refused}, rolled back by a crash before their commit ${f.rolledBack}, lost: ${f.lost}; ` +
    `stream messages acknowledged ${f.messages}, delivered ${f.deliveries} times to the PoPs' subscriptions (${f.redeliveries} redeliveries); frames ${f.frames}; failed schedules ${f.failed.length}`
  );
}
