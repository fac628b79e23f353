/*
 * The query executor of one PoP: a worker thread with its own connection to the PoP's database
 * (WAL lets it read while the PoP writes). Long queries, index builds over large collections and
 * replicated batches that build such indexes run here, so the PoP's loop keeps answering health,
 * control and replication. It writes only inside Storage.exclusive on the PoP's side, so its
 * write never meets one of the PoP's own.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { FabricClock } from '../core/clock.js';
import { GdnError } from '../core/errors.js';
import { openStorage, type Storage } from '../storage/index.js';
import { queryWrites } from '../query/index.js';
import { serializeError, type ExecutorData, type ExecutorJob, type JobEnvelope, type JobReply } from './executor-protocol.js';
import { restrictedSource } from './query-access.js';
import { runQueryOn, querySource } from './query-runner.js';

const data = workerData as ExecutorData;
const clock = new FabricClock();
// Writes wait for the PoP's group commit to end, which Storage.exclusive makes it do at once.
const storage: Storage = openStorage({ path: data.path, region: data.region, regionOrdinal: data.regionOrdinal, clock, busyTimeoutMs: 10_000 });
let seenVersion = -1;

/** Another connection (the PoP) committed since the last job: re-read the cached definitions. */
function catchUp(): void {
  const v = storage.db.pragma('data_version', { simple: true }) as number;
  if (v === seenVersion) return;
  seenVersion = v;
  storage.collections.reload();
  storage.indexes.reload(false);
  // A replicated batch applied here merges users, keys, grants and fabrics with what is stored, and a dropped fabric's floor discards its late changes.
  storage.registry.reload();
  storage.floors.reload();
}

/** Runs `fn` as one write and commits it before answering; a failed commit fails the job. */
function written<T>(fn: () => T): T {
  const value = storage.write(fn);
  let failure: unknown;
  storage.whenCommitted((err) => (failure = err));
  storage.commitNow();
  if (failure !== undefined) throw failure;
  return value;
}

function run(job: ExecutorJob): unknown {
  switch (job.kind) {
    case 'query': {
      // Killed while it waited for an earlier job.
      if (Atomics.load(job.kill, 0) !== 0) throw new GdnError('QUERY_KILLED');
      const source = job.access ? restrictedSource(querySource(storage, job.fabric), job.access) : querySource(storage, job.fabric);
      const exec = () => runQueryOn(storage, source, job.database, job.query, job.bindVars, job.options, { killed: () => Atomics.load(job.kill, 0) !== 0, startedAt: job.startedAt });
      return queryWrites(job.query) ? written(exec) : exec();
    }
    case 'index': {
      const c = storage.collections.require(job.fabric, job.collection);
      return written(() => storage.indexes.ensure(c, job.input));
    }
    case 'apply':
      return written(() => storage.applier.applyBatch(job.origin, job.entries, job.epoch, job.span));
  }
}

parentPort!.on('message', (m: JobEnvelope | 'close') => {
  if (m === 'close') {
    storage.close();
    parentPort!.close();
    return;
  }
  clock.setState(m.clock);
  storage.hlc.observe(m.hlc);
  let reply: JobReply;
  try {
    catchUp();
    reply = { id: m.id, ok: true, value: run(m.job), hlc: storage.hlc.peek() };
  } catch (e) {
    reply = { id: m.id, ok: false, error: serializeError(e), hlc: storage.hlc.peek() };
  }
  parentPort!.postMessage(reply);
});
