import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
}

/** One PoP in its own process (`fabric-emu region NAME`), so that it can be killed with SIGKILL. */
export class ChildRegion {
  private child: ChildProcess | undefined;
  private ready = false;

  constructor(readonly o: ChildRegionOptions) {}

  alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  isReady(): boolean {
    return this.ready && this.alive();
  }

  url(): string {
    return `http://${this.o.host}:${this.o.ports[this.o.name]}`;
  }

  /** Spawns the process and resolves once it serves. */
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
      ...(this.o.latency ? [] : ['--no-latency']),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
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

  async stop(): Promise<void> {
    await this.signal('SIGTERM');
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
