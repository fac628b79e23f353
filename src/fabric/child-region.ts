import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ClockState } from '../core/clock.js';
import type { RegionAgent, ReplicaImageInfo } from '../control/agent.js';
import type { RegionRunState } from '../control/types.js';
import { INTERNAL_SECRET_HEADER } from '../control/region-routes.js';
import type { LinkSettings, ReplicationStatus } from '../replication/index.js';

/** src/fabric and dist/fabric are both two levels below the package root, beside bin/. */
const BIN = fileURLToPath(new URL('../../bin/fabric-emu.js', import.meta.url));

export interface ChildRegionOptions {
  name: string;
  /** Arguments naming the topology (--topology-json FILE). */
  topologyArgs: string[];
  dataDir: string;
  latency: boolean;
  host: string;
  /** Every region's port, so the child can reach its peers. */
  ports: Record<string, number>;
  log: (line: string) => void;
  /** Shown to the child's internal routes, which answer no one else. */
  secret: string;
  allowedHosts: true | readonly string[];
  /** false: the child runs with --no-auth. */
  auth: boolean;
  /** The parent's HTTPS front door, which the child's /datacenter/* names; undefined without one. */
  httpsPort?: number | undefined;
}

/** Backing up, checking and restoring a large replica takes longer than a verb. */
const IMAGE_TIMEOUT_MS = 600_000;

/** The child's own words when it answered with the error envelope. */
function refusal(text: string): string | undefined {
  try {
    const m = (JSON.parse(text) as { errorMessage?: unknown }).errorMessage;
    return typeof m === 'string' ? m : undefined;
  } catch {
    return undefined;
  }
}

async function request<T>(secret: string, method: string, url: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json', [INTERNAL_SECRET_HEADER]: secret },
    signal: AbortSignal.timeout(timeoutMs),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(refusal(text) ?? `${method} ${url}: ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * One PoP in its own process (`fabric-emu region NAME`), so that it can be killed with SIGKILL. It
 * starts with replication held until the parent has given it the link settings and the clock.
 */
export class ChildRegion implements RegionAgent {
  private child: ChildProcess | undefined;
  private ready = false;
  private closed = false;

  constructor(readonly o: ChildRegionOptions) {}

  get name(): string {
    return this.o.name;
  }

  alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  state(): RegionRunState {
    if (this.closed) return 'closed';
    if (this.ready && this.alive()) return 'serving';
    return this.child ? 'killed' : 'created';
  }

  url(): string {
    return `http://${this.o.host}:${this.o.ports[this.o.name]}`;
  }

  async replication(): Promise<ReplicationStatus | undefined> {
    if (this.state() !== 'serving') return undefined;
    return (await request<{ replication: ReplicationStatus }>(this.o.secret, 'GET', `${this.url()}/_emu/region/status`)).replication;
  }

  async setLink(peer: string, settings: LinkSettings): Promise<void> {
    await request(this.o.secret, 'PUT', `${this.url()}/_emu/region/links/${encodeURIComponent(peer)}`, settings);
  }

  async setReplication(running: boolean): Promise<void> {
    await request(this.o.secret, 'POST', `${this.url()}/_emu/region/replication`, { running });
  }

  async reset(): Promise<void> {
    await request(this.o.secret, 'POST', `${this.url()}/_emu/region/reset`);
  }

  async setClock(s: ClockState): Promise<void> {
    await request(this.o.secret, 'PUT', `${this.url()}/_emu/region/clock`, s);
  }

  async expectClock(s: ClockState): Promise<void> {
    await request(this.o.secret, 'PUT', `${this.url()}/_emu/region/clock/expected`, s);
  }

  backup(file: string): Promise<ReplicaImageInfo> {
    return request(this.o.secret, 'POST', `${this.url()}/_emu/region/backup`, { file }, IMAGE_TIMEOUT_MS);
  }

  prepareImage(file: string): Promise<ReplicaImageInfo> {
    return request(this.o.secret, 'POST', `${this.url()}/_emu/region/prepare-image`, { file }, IMAGE_TIMEOUT_MS);
  }

  async restore(file: string): Promise<void> {
    await request(this.o.secret, 'POST', `${this.url()}/_emu/region/restore`, { file }, IMAGE_TIMEOUT_MS);
  }

  /** Spawns the process and resolves once it serves (replication held). */
  start(timeoutMs = 30_000): Promise<void> {
    const args = [
      BIN,
      'region',
      this.o.name,
      ...this.o.topologyArgs,
      '--data-dir',
      this.o.dataDir,
      '--host',
      this.o.host,
      '--ports',
      Object.entries(this.o.ports).map(([n, p]) => `${n}=${p}`).join(','),
      '--hold-replication',
      ...(this.o.allowedHosts === true ? ['--allow-host', '*'] : this.o.allowedHosts.flatMap((h) => ['--allow-host', h])),
      ...(this.o.latency ? [] : ['--no-latency']),
      ...(this.o.auth ? [] : ['--no-auth']),
      ...(this.o.httpsPort === undefined ? [] : ['--front-door-port', String(this.o.httpsPort)]),
    ];
    // The IPC channel is the child's lifeline: it exits when the channel closes (cli/shutdown.ts).
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    this.child = child;
    this.ready = false;
    const forward = (chunk: Buffer) => {
      for (const line of String(chunk).split('\n')) if (line.trim()) this.o.log(`[${this.o.name}] ${line}`);
    };
    child.stderr!.on('data', forward);
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`region ${this.o.name} did not start within ${timeoutMs} ms`));
      }, timeoutMs);
      child.stdout!.on('data', (d: Buffer) => {
        out += String(d);
        if (!this.ready && out.includes('ready:')) {
          this.ready = true;
          clearTimeout(timer);
          resolve();
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        if (!this.ready) reject(new Error(`region ${this.o.name} exited (${signal ?? code}) before it was ready:\n${out}`));
      });
    });
  }

  /** SIGKILL: no clean shutdown, exactly like a crash. */
  async kill(): Promise<void> {
    await this.signal('SIGKILL');
  }

  async close(): Promise<void> {
    await this.signal('SIGTERM');
    this.closed = true;
  }

  private signal(sig: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || !this.alive()) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(sig);
    });
  }
}
