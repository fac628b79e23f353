import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClockState, FabricClock } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import { VERSION } from '../core/version.js';
import type { RegionAgent } from './agent.js';
import { readSnapshot, snapshotError, writeSnapshot, type SnapshotHeader } from './snapshot-file.js';
import type { FabricControl, SnapshotSummary } from './types.js';

export interface SnapshotContext {
  agents: readonly RegionAgent[];
  clock: FabricClock;
  topology: string;
  /** Gives every PoP the fabric's clock state. */
  syncClock(s: ClockState): Promise<ClockState>;
}

function summary(file: string, h: SnapshotHeader): SnapshotSummary {
  return {
    file,
    bytes: statSync(file).size,
    createdAt: h.createdAt,
    fabricEmu: h.fabricEmu,
    topology: h.topology,
    clock: h.clock,
    regions: h.images.map((i) => ({ name: i.region, bytes: i.bytes, schemaVersion: i.schemaVersion, lastSeq: i.lastSeq })),
  };
}

/** The snapshot's clock, never moving this one back: HLCs, ttl and expiry carry on from the later of the two. */
export function restoredClock(current: ClockState, saved: ClockState): { offsetMs: number; frozen: boolean; now?: number } {
  const offsetMs = Math.max(current.offsetMs, saved.offsetMs);
  return saved.frozen ? { offsetMs, frozen: true, now: Math.max(current.now, saved.now) } : { offsetMs, frozen: false };
}

/** Every PoP's answer; the first failure only once all have answered, so none still uses the temp dir when it goes. */
async function onAll<T>(agents: readonly RegionAgent[], fn: (a: RegionAgent) => Promise<T> | T): Promise<T[]> {
  const settled = await Promise.allSettled(agents.map(async (a) => fn(a)));
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function inTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-snapshot-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The snapshot verbs over the fabric's agents. Replication is held on every PoP while the images
 * are taken (and while they are swapped in): a PoP's image taken later than its origin's must not
 * hold a change the origin's image lacks, or the restored version vectors would skip the
 * origin's next changes. Clients are served throughout; changes made meanwhile ship afterwards.
 */
export function snapshotVerbs(o: SnapshotContext): Pick<FabricControl, 'saveSnapshot' | 'loadSnapshot'> {
  const { agents } = o;
  const allServing = (verb: string) => {
    const dead = agents.filter((a) => a.state() !== 'serving').map((a) => a.name);
    if (dead.length) throw gdnError('CONFLICT', `cannot ${verb} while ${dead.join(', ')} ${dead.length === 1 ? 'is' : 'are'} killed: restart first`);
  };
  const held = async <T>(fn: () => Promise<T>): Promise<T> => {
    await onAll(agents, (a) => a.setReplication(false));
    try {
      return await fn();
    } finally {
      await onAll(agents, (a) => (a.state() === 'serving' ? a.setReplication(true) : undefined));
    }
  };
  return {
    async saveSnapshot(file) {
      allServing('take a snapshot');
      return inTempDir(async (dir) => {
        const clock = o.clock.state();
        const createdAt = new Date(clock.now).toISOString();
        const files = new Map(agents.map((a, i) => [a.name, join(dir, `${i}.sqlite`)]));
        const infos = await held(() => onAll(agents, (a) => a.backup(files.get(a.name) as string)));
        const images = agents.map((a, i) => ({ region: a.name, bytes: 0, ...(infos[i] as { schemaVersion: number; lastSeq: number }) }));
        const header = await writeSnapshot(file, { fabricEmu: VERSION, createdAt, topology: o.topology, clock, images }, files);
        return summary(file, header);
      });
    },
    async loadSnapshot(file) {
      allServing('load a snapshot');
      return inTempDir(async (dir) => {
        const { header, files } = await readSnapshot(file, dir);
        const names = agents.map((a) => a.name);
        const theirs = header.images.map((i) => i.region);
        if (theirs.length !== names.length || new Set(theirs).size !== theirs.length || !names.every((n) => files.has(n))) {
          throw snapshotError(file, `it is of another topology: '${header.topology}' with regions ${theirs.join(', ')}; this fabric has ${names.join(', ')}`);
        }
        const checks = await Promise.allSettled(agents.map((a) => a.prepareImage(files.get(a.name) as string)));
        checks.forEach((c, i) => {
          if (c.status === 'rejected') throw snapshotError(file, `the image of ${names[i]}: ${(c.reason as Error).message}`);
        });
        await held(() => onAll(agents, (a) => a.restore(files.get(a.name) as string)));
        await o.syncClock(o.clock.setState(restoredClock(o.clock.state(), header.clock)));
        return summary(file, header);
      });
    },
  };
}
