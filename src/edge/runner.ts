import { Worker } from 'node:worker_threads';
import type { HandlerStyle, HostData, HostReady, Invocation, Outcome } from './protocol.js';

/** A handler failed: the message names the handler file and the cause. */
export class HandlerError extends Error {
  override readonly name = 'HandlerError';
}

const HOST = new URL('./host.js', import.meta.url);

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  timer: NodeJS.Timeout;
}

/** One loaded version of a handler, in its own worker thread. */
export class HandlerRunner {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private deadReason: string | undefined;

  private constructor(
    private readonly worker: Worker,
    /** How messages name the handler: its path as the user gave it. */
    readonly shown: string,
    readonly style: HandlerStyle,
  ) {
    worker.on('message', (o: Outcome) => this.settle(o));
    worker.on('error', (e) => this.die(`crashed: ${e.stack ?? e.message}`));
    worker.on('exit', (code) => this.die(`its thread exited (code ${code}) before answering; does it call process.exit()?`));
  }

  /** Loads the handler; rejects with a HandlerError when it cannot be imported or has no known shape. */
  static start(file: string, shown: string, data: Omit<HostData, 'file'>): Promise<HandlerRunner> {
    const worker = new Worker(HOST, { workerData: { ...data, file } satisfies HostData, stdout: true });
    // A handler's console.log is its log (CloudWatch, wrangler tail), not the response: keep stdout for that.
    worker.stdout.pipe(process.stderr);
    return new Promise((resolve, reject) => {
      const onMessage = (m: HostReady) => {
        off();
        if (m.type === 'ready') resolve(new HandlerRunner(worker, shown, m.style));
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

  /** Runs the handler once; rejects with a HandlerError naming the handler when it throws, hangs or answers badly. */
  invoke(env: Record<string, string>, input: unknown, timeoutMs: number): Promise<unknown> {
    if (this.deadReason !== undefined) return Promise.reject(new HandlerError(`handler ${this.shown}: ${this.deadReason}`));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new HandlerError(`handler ${this.shown}: did not answer within ${timeoutMs} ms (--timeout)`));
        // It may be stuck in a loop that no promise can interrupt: stop the thread.
        this.die(`was stopped after a ${timeoutMs} ms timeout`);
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.worker.postMessage({ id, env, input } satisfies Invocation);
    });
  }

  private settle(o: Outcome): void {
    const p = this.pending.get(o.id);
    if (!p) return;
    this.pending.delete(o.id);
    clearTimeout(p.timer);
    if (o.ok) p.resolve(o.output);
    else p.reject(new HandlerError(`handler ${this.shown}: ${o.cause === 'threw' ? 'threw' : 'returned a malformed response'}: ${o.message}`));
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
