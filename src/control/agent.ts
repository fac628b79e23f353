import type { ClockState } from '../core/clock.js';
import type { LinkSettings, ReplicationStatus } from '../replication/index.js';
import type { RegionRunState } from './types.js';

/** A replica image (one PoP's SQLite file of a snapshot): its storage schema version and change log high-water seq. */
export interface ReplicaImageInfo {
  schemaVersion: number;
  lastSeq: number;
}

/**
 * One PoP as the fabric's control verbs see it, wherever it runs: in this process, in a worker
 * thread or in a child process. The verbs are written once, against this (fabric-control.ts), so
 * the in-process and the `--processes` fabric cannot drift apart.
 */
export interface RegionAgent {
  readonly name: string;
  url(): string;
  /** What the fabric knows without asking the PoP. */
  state(): RegionRunState;
  /** The PoP's replication view; undefined when it cannot be asked (killed). */
  replication(): Promise<ReplicationStatus | undefined>;
  setLink(peer: string, settings: LinkSettings): Promise<void>;
  setReplication(running: boolean): Promise<void>;
  /** Wipes the replica and the link statistics; only while replication is stopped everywhere. */
  reset(): Promise<void>;
  setClock(state: ClockState): Promise<void>;
  /** Before setClock on any PoP: this PoP's copy of the clock is about to take `state` (FabricClock.expect). */
  expectClock(state: ClockState): Promise<void>;
  /** Writes a consistent copy of the replica to `file` (SQLite's online backup) while the PoP serves. */
  backup(file: string): Promise<ReplicaImageInfo>;
  /** Checks and migrates the image in `file`, in place, ready for restore(); rejects with why it cannot be loaded. */
  prepareImage(file: string): Promise<ReplicaImageInfo>;
  /** Replaces the replica with a prepared image; only while replication is stopped on every region. */
  restore(file: string): Promise<void>;
  /** Stops serving and replicating at once, as a crash would; the data stays. */
  kill(): Promise<void>;
  /** Serves again on the same port with the same data, replication not yet running. */
  start(): Promise<void>;
  close(): Promise<void>;
}
