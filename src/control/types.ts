import type { ClockState } from '../core/clock.js';
// Only the plain link types: the public .d.ts must not reach the replicator or storage.
import type { LinkSettings, LinkState } from '../replication/link-settings.js';

export type RegionRunState = 'created' | 'serving' | 'killed' | 'closed';

export interface LinkStatus {
  from: string;
  to: string;
  state: LinkState | 'unknown';
  cut: boolean;
  /** The profile's round trip (the topology's, or an override): what the link gives in total. */
  rttMs: number;
  jitterMs: number;
  lossRate: number;
  /**
   * Round trip of the real network under the link, measured at its last handshake (null before
   * one); the emulator injects only max(0, rttMs - networkRttMs).
   */
  networkRttMs: number | null;
  /** Last change of `from` sent on the link, acknowledged by `to`, and applied at `to`. */
  shipped: number;
  acked: number;
  applied: number | null;
  /** Changes of `from` not yet applied at `to`. */
  queueDepth: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  /**
   * Changes of `from` that `to` applied before `from`'s change log started over (a reset of `from`
   * alone, or its data dir replaced): `to` still holds them, `from` no longer does. Non-zero means the
   * two can never agree again until the fabric is reset.
   */
  lost: number;
}

export interface FabricStatus {
  regions: { name: string; url: string; state: RegionRunState; lastSeq: number | null }[];
  links: LinkStatus[];
}

/** Partial link settings; `clear: true` first drops every override of the link (back to the topology). */
export interface LinkChange extends Partial<LinkSettings> {
  clear?: boolean;
}

/** What kill and restart did: `changed: false` says the region already was in that state. */
export interface VerbResult {
  changed: boolean;
  state: RegionRunState;
  message: string;
}

export type ClockAction = { advance: number } | { freeze: true } | { resume: true };

/** What a snapshot holds, as saveSnapshot and loadSnapshot report it. */
export interface SnapshotSummary {
  file: string;
  /** Size of the snapshot file in bytes. */
  bytes: number;
  createdAt: string;
  /** The fabric-emu version that wrote it. */
  fabricEmu: string;
  topology: string;
  /** The fabric's clock when the snapshot began. */
  clock: ClockState;
  /** Per PoP: its image's storage schema version (before any migration on load) and change log high-water seq. */
  regions: { name: string; bytes: number; schemaVersion: number; lastSeq: number }[];
}

/** What the /_emu API, the CLI and the Fabric object can do to a running fabric. */
export interface FabricControl {
  status(): Promise<FabricStatus>;
  setLink(from: string, to: string, change: LinkChange, opts?: { bidirectional?: boolean }): Promise<void>;
  /** Cuts every link between groups; a region may be in one group only. */
  partition(groups: string[][]): Promise<void>;
  heal(): Promise<void>;
  kill(region: string): Promise<VerbResult>;
  restart(region: string): Promise<VerbResult>;
  /**
   * Deletes all data everywhere. `links: true` also drops every link override and cut (back to the
   * topology), as a test fixture does between tests.
   */
  reset(opts?: { links?: boolean }): Promise<void>;
  /**
   * Resolves once every live, uncut link has delivered everything, naming what it did not wait for
   * (cut links, killed regions); a GdnError naming the pending links on timeout, and one naming the
   * diverged links when some can never catch up.
   */
  waitForReplication(opts?: { timeoutMs?: number }): Promise<{ skipped: string[] }>;
  metrics(): Promise<string>;
  health(): { name: string; url: string; listening: boolean }[];
  /** The fabric's clock: its state, or advanced (ms), frozen or resumed on every PoP. */
  clock(action?: ClockAction): Promise<ClockState>;
  /**
   * Writes a snapshot of every PoP (its whole replica, replication state included) and the clock
   * to `file`, taken with SQLite's online backup while the fabric serves; see docs/snapshots.md.
   */
  saveSnapshot(file: string): Promise<SnapshotSummary>;
  /**
   * Replaces every PoP's data with a snapshot's and takes its clock (never moving the clock back).
   * The whole file is checked first, and a damaged, foreign or newer one is refused with nothing
   * changed; changes that were in flight between PoPs are delivered after the load.
   */
  loadSnapshot(file: string): Promise<SnapshotSummary>;
}

/** Every ordered pair of regions that sit in different groups; unlisted regions form one more group. */
export function partitionCuts(all: readonly string[], groups: string[][]): Set<string> {
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((r) => groupOf.set(r, i)));
  const cuts = new Set<string>();
  for (const a of all) for (const b of all) {
    if (a !== b && (groupOf.get(a) ?? -1) !== (groupOf.get(b) ?? -1)) cuts.add(`${a}>${b}`);
  }
  return cuts;
}
