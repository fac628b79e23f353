import type { ClockState } from '../core/clock.js';
import { GdnError, isGdnError, type ErrorName } from '../core/errors.js';
import type { Hlc } from '../core/hlc.js';
import type { CollectionLevels } from '../auth/access.js';
import type { BatchSpan, ChangeEntry, IndexInput } from '../storage/index.js';
import { ReplicationGapError } from '../storage/index.js';

/** What the executor is started with: the PoP's database and who it writes as. */
export interface ExecutorData {
  path: string;
  region: string;
  regionOrdinal: number;
}

/** A query the PoP's loop gave up on after its slice, to run again in the executor. */
export interface QueryJob {
  kind: 'query';
  /** The storage key `<tenant>/<fabric>`. */
  fabric: string;
  /** The plain fabric name: CURRENT_DATABASE(). */
  database: string;
  /** The caller's level per collection, applied in the executor as on the PoP (query-access.ts); absent: full access. */
  access?: CollectionLevels;
  query: string;
  bindVars: Record<string, unknown> | undefined;
  options: QueryJobOptions;
  /** Real time (systemClock) the query started at the PoP: its slice there counts against its time limit. */
  startedAt: number;
  /** Int32Array over a SharedArrayBuffer: non-zero kills the query (DELETE /_api/query/{id}). */
  kill: Int32Array;
}

/** What the PoP's query executor (a worker thread with its own connection to the PoP's database) is asked to do. */
export type ExecutorJob =
  | QueryJob
  | { kind: 'index'; fabric: string; collection: string; input: IndexInput }
  | { kind: 'apply'; origin: string; entries: ChangeEntry[]; epoch: string; span: BatchSpan };

export interface QueryJobOptions {
  fullCount: boolean;
  failOnWarning: boolean;
  maxWarningCount?: number;
  timeoutMs: number;
  memoryLimit: number;
}

export interface JobEnvelope {
  id: number;
  job: ExecutorJob;
  /** The PoP's clock (DATE_NOW, HLC physical time) and HLC, so that what the job writes sorts after what the PoP wrote. */
  clock: ClockState;
  hlc: Hlc;
}

export type SerializedError = { gdn: ErrorName; message: string; extra?: Record<string, unknown> } | { gap: [string, number, number] } | { message: string };

export type JobReply = { id: number; ok: true; value: unknown; hlc: Hlc } | { id: number; ok: false; error: SerializedError; hlc: Hlc };

export function serializeError(e: unknown): SerializedError {
  if (isGdnError(e)) return { gdn: e.errorName, message: e.message, ...(e.extra ? { extra: { ...e.extra } } : {}) };
  if (e instanceof ReplicationGapError) return { gap: [e.origin, e.expected, e.got] };
  return { message: e instanceof Error ? e.message : String(e) };
}

export function deserializeError(e: SerializedError): Error {
  if ('gdn' in e) return new GdnError(e.gdn, e.message, e.extra);
  if ('gap' in e) return new ReplicationGapError(...e.gap);
  return new GdnError('INTERNAL', `query executor: ${e.message}`);
}
