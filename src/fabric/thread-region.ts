import type { Worker } from 'node:worker_threads';
import type { ClockState } from '../core/clock.js';
import { dialHost } from '../core/dial-host.js';
import type { RegionAgent, ReplicaImageInfo } from '../control/agent.js';
import type { RegionHandle, RegionState } from '../region/handle.js';
import type { LinkSettings, ReplicationStatus } from '../replication/index.js';
import type { DatacenterInfo, RegionSpec } from '../topology/index.js';
import type { PopMessage, PopReply, PopRequest, PopThreadData, Switchboard } from './thread-protocol.js';
import { giveBack, takeThread } from './thread-pool.js';

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/**
 * One worker thread running one or more PoPs of a fabric (pop-thread.ts), and the requests waiting
 * for its answers. The thread comes from the pool and goes back to it once its PoPs are closed.
 */
export class PopThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  private readonly open = new Set<string>();
  exited = false;
  readonly done: Promise<void>;
  private finish!: () => void;
  private readonly detach: () => void;
  private unclean = false;

  /** `worker` is a thread from the pool (takeThread), taken early so that it loads while the fabric sets up. */
  constructor(data: PopThreadData, switchboard: Switchboard, warn: (region: string, msg: string) => void, worker: Worker = takeThread()) {
    this.worker = worker;
    for (const name of data.names) this.open.add(name);
    this.done = new Promise((resolve) => (this.finish = resolve));
    const onMessage = (m: PopReply) => {
      if ('warn' in m) return warn(m.region, m.warn);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    };
    // What the thread threw, cloned: an Error keeps its message; anything else is described.
    const onError = (e: unknown) =>
      this.fail(e instanceof Error && e.message ? e : new Error(`the PoP thread of ${data.names.join(', ')} failed: ${JSON.stringify(e)}`), data.names, warn);
    const onExit = () => this.ended(this.failure ?? new Error(`the thread of ${data.names.join(', ')} exited`));
    this.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    this.detach = () => this.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
    const id = this.nextId++;
    this.pending.set(id, {
      resolve: () => undefined,
      // Whatever had opened before the failure goes with the thread; every later call fails with it.
      reject: (e) => {
        this.fail(e, data.names, warn);
        this.ended(e);
        void this.worker.terminate();
      },
    });
    this.worker.postMessage({ id, open: data, env: { ...process.env }, switchboard } satisfies PopMessage, Object.values(switchboard.ports));
  }

  private fail(failure: Error, names: string[], warn: (region: string, msg: string) => void): void {
    if (this.failure) return;
    this.failure = failure;
    for (const name of names) warn(name, `the PoP thread failed: ${failure.message}`);
  }

  /** The thread is gone (or given back): whatever still waits for an answer gets `reason`. */
  private ended(reason: Error): void {
    if (this.exited) return;
    this.exited = true;
    for (const p of this.pending.values()) p.reject(reason);
    this.pending.clear();
    this.finish();
  }

  /**
   * After a PoP's close: the last one gives the thread back to the pool, unless a close failed (a
   * PoP may then still hold its port or replica, and the thread is ended instead).
   */
  closed(region: string, cleanly: boolean): void {
    this.open.delete(region);
    if (!cleanly) this.unclean = true;
    if (this.open.size > 0 || this.exited || this.failure) return;
    if (this.unclean) {
      void this.worker.terminate();
      return;
    }
    this.detach();
    this.ended(new Error(`the PoPs of this thread are closed`));
    giveBack(this.worker);
  }

  call<T>(region: string, request: PopRequest): Promise<T> {
    if (this.exited) return Promise.reject(this.failure ?? new Error(`the thread of ${region} is gone`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, region, request } satisfies PopMessage);
    });
  }

  setDatacenters(datacenters: DatacenterInfo[]): void {
    if (!this.exited) this.worker.postMessage({ datacenters } satisfies PopMessage);
  }
}

/**
 * A PoP on a PopThread, as the fabric's control verbs and its public handle see it. What a handle
 * answers at once (state, port) is kept here; the rest is a message to the thread.
 */
export class ThreadRegion implements RegionAgent, RegionHandle {
  private current: RegionState = 'created';
  private bound: number | undefined;
  private doorPort: number | undefined;

  constructor(
    readonly spec: RegionSpec,
    private readonly thread: PopThread,
    private readonly host: string,
    private readonly onPort: () => void,
  ) {
    void thread.done.then(() => {
      if (this.current !== 'closed') this.current = 'killed';
    });
  }

  get name(): string {
    return this.spec.name;
  }

  state(): RegionState {
    return this.current;
  }

  port(): number {
    return this.bound ?? this.spec.port;
  }

  url(): string {
    return `http://${this.host}:${this.port()}`;
  }

  listening(): boolean {
    return this.current === 'serving';
  }

  /** The PoP's TLS door on its thread, once opened (openDoor). */
  door(): { host: string; port: number } | undefined {
    return this.doorPort === undefined ? undefined : { host: dialHost(this.host).replace(/^\[|\]$/g, ''), port: this.doorPort };
  }

  /** TLS for this PoP's host names on its own thread; what is not its own goes back to `frontDoorUrl`. */
  async openDoor(tls: { cert: string; key: string; ca: string }, frontDoorUrl: string): Promise<void> {
    this.doorPort = await this.call<number>({ op: 'openDoor', tls: { cert: tls.cert, key: tls.key, ca: tls.ca }, frontDoorUrl });
  }

  replication(): Promise<ReplicationStatus | undefined> {
    return this.current === 'serving' ? this.call<ReplicationStatus | undefined>({ op: 'replication' }) : Promise.resolve(undefined);
  }

  async setLink(peer: string, settings: LinkSettings): Promise<void> {
    await this.call({ op: 'setLink', peer, settings });
  }

  async setReplication(running: boolean): Promise<void> {
    await this.call({ op: 'setReplication', running });
  }

  async reset(): Promise<void> {
    await this.call({ op: 'reset' });
  }

  async setClock(state: ClockState): Promise<void> {
    await this.call({ op: 'setClock', state });
  }

  async expectClock(state: ClockState): Promise<void> {
    await this.call({ op: 'expectClock', state });
  }

  backup(file: string): Promise<ReplicaImageInfo> {
    return this.call({ op: 'backup', file });
  }

  prepareImage(file: string): Promise<ReplicaImageInfo> {
    return this.call({ op: 'prepareImage', file });
  }

  async restore(file: string): Promise<void> {
    await this.call({ op: 'restore', file });
  }

  async start(): Promise<void> {
    this.bound = await this.call<number>({ op: 'start' });
    this.current = 'serving';
    this.onPort();
  }

  async kill(): Promise<void> {
    if (this.current !== 'serving') return;
    this.current = 'killed';
    await this.call({ op: 'kill' });
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    const cleanly = this.thread.exited || (await this.call({ op: 'close' }).then(() => true, () => false));
    this.current = 'closed';
    this.thread.closed(this.name, cleanly);
  }

  private call<T>(request: PopRequest): Promise<T> {
    return this.thread.call<T>(this.name, request);
  }
}
