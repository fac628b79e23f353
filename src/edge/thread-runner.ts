import { Worker } from 'node:worker_threads';
import type { FabricCall } from './outbound.js';
import { HandlerError } from './runtime.js';
import type { HostData, HostReady, Invocation, Outcome } from './thread-protocol.js';

interface Pending {
  resolve(output: unknown): void;
  reject(e: Error): void;
  onCall(c: FabricCall): void;
  timer: NodeJS.Timeout;
}

/**
 * One loaded version of a function in its own worker thread (Lambda, EdgeWorkers): a fresh module
 * graph per reload, its own process.env, and a thread that can be stopped when the function hangs.
 */
export class HandlerRunner {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private deadReason: string | undefined;

  private constructor(
    private readonly worker: Worker,
    /** How messages name the function: its path as the user gave it. */
    readonly shown: string,
  ) {
    worker.on('message', (o: Outcome) => this.settle(o));
    worker.on('error', (e) => this.die(`crashed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => this.die(`its thread exited (code ${code}) before answering; does it call process.exit()?`));
  }

  /**
   * Loads the function in a thread running `host`; rejects with a HandlerError when it cannot be
   * loaded. `env` is the whole of its process.env.
   */
  static start(host: URL, data: HostData, shown: string, o: { env: Record<string, string>; execArgv?: string[] }): Promise<HandlerRunner> {
    const worker = new Worker(host, { workerData: data satisfies HostData, stdout: true, env: o.env, execArgv: o.execArgv ?? [] });
    // A function's console.log is its log (CloudWatch, EdgeWorkers' logger), not the response: keep stdout for that.
    worker.stdout.pipe(process.stderr);
    return new Promise((resolve, reject) => {
      const onMessage = (m: HostReady) => {
        off();
        if (m.type === 'ready') resolve(new HandlerRunner(worker, shown));
        else fail(m.message);
      };
      const onError = (e: Error) => fail(`cannot load: ${e.stack ?? e.message}`);
      const onExit = (code: number) => fail(`its thread exited (code ${code}) while loading`);
      // Only our own listeners: Worker keeps internal ones that start and stop its message port.
      const off = () => worker.off('message', onMessage).off('error', onError).off('exit', onExit);
      const fail = (why: string) => {
        off();
        void worker.terminate();
        reject(new HandlerError(`handler ${shown}: ${why}`));
      };
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }

  alive(): boolean {
    return this.deadReason === undefined;
  }

  idle(): boolean {
    return this.pending.size === 0;
  }

  /** Runs the function once; rejects with a HandlerError naming it when it throws or hangs. */
  invoke(inv: Omit<Invocation, 'id'>, timeoutMs: number, onCall: (c: FabricCall) => void): Promise<unknown> {
    if (this.deadReason !== undefined) return Promise.reject(new HandlerError(`handler ${this.shown}: ${this.deadReason}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HandlerError(`handler ${this.shown}: did not answer within ${timeoutMs} ms (--timeout)`));
        // It may be stuck in a loop that no promise can interrupt: stop the thread.
        this.die(`was stopped after a ${timeoutMs} ms timeout`);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, onCall });
      this.worker.postMessage({ id, ...inv } satisfies Invocation);
    });
  }

  private settle(o: Outcome): void {
    const p = this.pending.get(o.id);
    if (!p) return;
    this.pending.delete(o.id);
    clearTimeout(p.timer);
    o.calls.forEach((c) => p.onCall(c));
    if (o.ok) p.resolve(o.output);
    else p.reject(new HandlerError(`handler ${this.shown}: ${o.message}`));
  }

  private die(reason: string): void {
    if (this.deadReason !== undefined) return;
    this.deadReason = reason;
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new HandlerError(`handler ${this.shown}: ${reason}`));
      this.pending.delete(id);
    }
    void this.worker.terminate();
  }

  async close(): Promise<void> {
    this.die('was unloaded');
    await this.worker.terminate();
  }
}
