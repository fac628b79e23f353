import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClockState } from '../core/clock.js';
import type { RegionAgent } from '../control/agent.js';
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

/**
 * A PoP on its own event loop (pop-thread.ts), as the fabric's control verbs and its public
 * handle see it. What a handle answers at once (state, port) is kept here; the rest is a message.
 */
export class ThreadRegion implements RegionAgent, RegionHandle {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private current: RegionState = 'created';
  private bound: number | undefined;
  private exited = false;
  private failure: Error | undefined;

  constructor(
    readonly spec: RegionSpec,
    private readonly data: PopThreadData,
    private readonly o: { warn: (msg: string) => void; onPort: () => void },
  ) {
    this.worker = new Worker(ENTRY, { workerData: data });
    this.worker.on('message', (m: PopReply) => {
      if ('warn' in m) return this.o.warn(m.warn);
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (m.ok) p.resolve(m.value);
      else p.reject(new Error(m.message));
    });
    this.worker.on('error', (e) => {
      this.failure = e;
      this.o.warn(`the PoP thread failed: ${e.message}`);
    });
    this.worker.on('exit', () => {
      this.exited = true;
      if (this.current !== 'closed') this.current = 'killed';
      for (const p of this.pending.values()) p.reject(this.failure ?? new Error(`the thread of ${this.name} exited`));
      this.pending.clear();
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
    return `http://${this.data.host}:${this.port()}`;
  }

  listening(): boolean {
    return this.current === 'serving';
  }

  /** Tells the PoP every region's port (its peers are dialled by them). */
  setDatacenters(datacenters: DatacenterInfo[]): void {
    if (!this.exited) this.worker.postMessage({ datacenters } satisfies PopMessage);
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

  async start(): Promise<void> {
    this.bound = await this.call<number>({ op: 'start' });
    this.current = 'serving';
    this.o.onPort();
  }

  async kill(): Promise<void> {
    if (this.current !== 'serving') return;
    this.current = 'killed';
    await this.call({ op: 'kill' });
  }

  async close(): Promise<void> {
    if (this.current === 'closed') return;
    const exited = new Promise<void>((resolve) => (this.exited ? resolve() : this.worker.once('exit', () => resolve())));
    if (!this.exited) await this.call({ op: 'close' }).catch(() => undefined);
    this.current = 'closed';
    await exited;
  }

  private call<T>(request: PopRequest): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`the thread of ${this.name} is gone`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request } satisfies PopMessage);
    });
  }
}
