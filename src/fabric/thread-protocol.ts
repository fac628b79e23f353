import type { MessagePort } from 'node:worker_threads';
import type { ClockState } from '../core/clock.js';
import type { LinkSettings } from '../replication/index.js';
import type { DatacenterInfo, Topology } from '../topology/index.js';

/** What a PoP thread's PoPs are opened with (structured-cloned into the worker). */
export interface PopThreadData {
  topology: Topology;
  /** The PoPs this thread runs (one, unless the fabric has more PoPs than threads). */
  names: string[];
  dataDir: string | undefined;
  latency: boolean;
  host: string;
  secret: string;
  allowedHosts: true | readonly string[];
  /** false: the PoPs run without authentication (FabricOptions.auth). */
  auth: boolean;
  bodyLimit?: number;
  logger?: boolean;
  /** The port of the fabric's HTTPS front door (fixed before the threads start), if it has one. */
  httpsPort?: number;
}

/**
 * A thread's end of the fabric's switchboard (replication/port-transport.ts): which thread runs
 * each PoP, and a port to every other thread of the fabric, transferred with the open message.
 */
export interface Switchboard {
  thread: number;
  threadOf: Record<string, number>;
  ports: Record<number, MessagePort>;
}

/** The control verbs, as messages to a PoP thread (RegionAgent, one message per method). */
export type PopRequest =
  | { op: 'start' }
  | { op: 'kill' }
  | { op: 'close' }
  | { op: 'replication' }
  | { op: 'setLink'; peer: string; settings: LinkSettings }
  | { op: 'setReplication'; running: boolean }
  | { op: 'reset' }
  | { op: 'setClock'; state: ClockState }
  | { op: 'expectClock'; state: ClockState }
  | { op: 'backup'; file: string }
  | { op: 'prepareImage'; file: string }
  | { op: 'restore'; file: string }
  /** Opens the PoP's TLS door (control/pop-door.ts) on a loopback port; answers that port. */
  | { op: 'openDoor'; tls: { cert: string; key: string; ca: string }; frontDoorUrl: string };

export type PopMessage =
  /** Starts a fabric's PoPs on the thread, in the fabric's environment (process.env). */
  | { id: number; open: PopThreadData; env: Record<string, string | undefined>; switchboard: Switchboard }
  | { id: number; region: string; request: PopRequest }
  /** The thread is not wanted again: it ends once its queue is empty. */
  | 'end'
  /** Every PoP's port, whenever one becomes known: peers are dialled by it. No reply. */
  | { datacenters: DatacenterInfo[] };

export type PopReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; message: string }
  | { region: string; warn: string };
