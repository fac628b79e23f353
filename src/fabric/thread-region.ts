import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClockState } from '../core/clock.js';
import { dialHost } from '../core/dial-host.js';
import type { RegionAgent, ReplicaImageInfo } from '../control/agent.js';
import type { RegionHandle, RegionState } from '../region/handle.js';
import type { LinkSettings, ReplicationStatus } from '../replication/index.js';
import type { DatacenterInfo, RegionSpec } from '../topology/index.js';
import type { PopMessage, PopReply, PopRequest, PopThreadData } from './thread-protocol.js';

/** src/fabric and dist/fabric are both two levels below the package root; the thread runs the built file. */
const ENTRY = fileURLToPath(new URL('../../dist/fabric/pop-thread.js', import.meta.url));

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

/** One worker thread running one or more PoPs (pop-thread.ts), and the requests waiting for its answers. */
export class PopThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  exited = false;
  readonly done: Promise<void>;

  constructor(data: PopThreadData, warn: (region: string, msg: string) => void) {
    this.worker = new Worker(ENTRY, { workerData: data });
    this.worker.on('message', (m: PopReply) => {
      if ('warn' in m) return warn(m.region, m.warn);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    });
    this.worker.on('error', (e: unknown) => {
      // What the thread threw, cloned: an Error keeps its message; anything else is described.
      const failure = e instanceof Error && e.message ? e : new Error(`the PoP thread of ${data.names.join(', ')} failed: ${JSON.stringify(e)}`);
      this.failure = failure;
      for (const name of data.names) warn(name, `the PoP thread failed: ${failure.message}`);
    });
    this.done = new Promise((resolve) =>
      this.worker.on('exit', () => {
        this.exited = true;
        for (const p of this.pending.values()) p.reject(this.failure ?? new Error(`the thread of ${data.names.join(', ')} exited`));
        this.pending.clear();
        resolve();
      }),
    );
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
    if (!this.thread.exited) await this.call({ op: 'close' }).catch(() => undefined);
    this.current = 'closed';
  }

  private call<T>(request: PopRequest): Promise<T> {
    return this.thread.call<T>(this.name, request);
  }
}
