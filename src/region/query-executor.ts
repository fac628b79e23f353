import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClockState } from '../core/clock.js';
import { GdnError } from '../core/errors.js';
import type { Hlc } from '../core/hlc.js';
import { deserializeError, type ExecutorData, type ExecutorJob, type JobReply } from './executor-protocol.js';

/** src/region and dist/region are both two levels below the package root; the worker runs the built file. */
const ENTRY = fileURLToPath(new URL('../../dist/region/executor-entry.js', import.meta.url));

/** The executor's heap: past it the worker dies and its query fails with 32 instead of the PoP running out of memory. */
export const EXECUTOR_HEAP_MB = 1024;

export interface QueryExecutorOptions extends ExecutorData {
  clockState: () => ClockState;
  hlc: () => Hlc;
}

interface Pending {
  resolve: (r: { value: unknown; hlc: Hlc }) => void;
  reject: (e: unknown) => void;
}

/**
 * The PoP's side of its query executor (executor-worker.ts): started on the first job, restarted
 * on the next job after it died. Jobs run one at a time, in order.
 */
export class QueryExecutor {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: QueryExecutorOptions) {}

  run<T>(job: ExecutorJob): Promise<{ value: T; hlc: Hlc }> {
    if (this.closed) return Promise.reject(new GdnError('SHUTTING_DOWN', 'the PoP is shutting down'));
    const w = this.worker ?? this.start();
    const id = this.nextId++;
    w.ref();
    return new Promise<{ value: T; hlc: Hlc }>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject });
      w.postMessage({ id, job, clock: this.o.clockState(), hlc: this.o.hlc() });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('close');
    // A job still running (a long query) is not waited for: the PoP is going away.
    const timer = setTimeout(() => void w.terminate(), 1_000);
    await exited;
    clearTimeout(timer);
  }

  private start(): Worker {
    const data: ExecutorData = { path: this.o.path, region: this.o.region, regionOrdinal: this.o.regionOrdinal };
    const w = new Worker(ENTRY, { workerData: data, resourceLimits: { maxOldGenerationSizeMb: EXECUTOR_HEAP_MB }, stdout: false, stderr: false });
    this.worker = w;
    w.on('message', (r: JobReply) => {
      const p = this.pending.get(r.id);
      if (!p) return;
      this.pending.delete(r.id);
      if (this.pending.size === 0) w.unref();
      if (r.ok) p.resolve({ value: r.value, hlc: r.hlc });
      else p.reject(deserializeError(r.error));
    });
    let failure: Error | undefined;
    w.on('error', (e: Error & { code?: string }) => {
      failure =
        e.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? new GdnError('RESOURCE_LIMIT', `query would use more memory than the executor's ${EXECUTOR_HEAP_MB} MB heap`)
          : new GdnError('INTERNAL', `query executor failed: ${e.message}`);
    });
    w.on('exit', () => {
      if (this.worker === w) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(failure ?? new GdnError('INTERNAL', 'query executor exited'));
      this.pending.clear();
    });
    return w;
  }
}
