import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/fabric-emu.js', import.meta.url));

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Region name → URL, as printed by `up`. */
  urls: Map<string, string>;
  globalUrl: string;
  /** The dev API key `up` printed (undefined with --no-auth). */
  apiKey: string | undefined;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs a fabric-emu command to completion. */
export function runCli(args: string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Spawns `fabric-emu up ...` and resolves once it prints its ready line. */
export function startUp(args: string[], cwd?: string, timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<Running> {
  const child = spawn(process.execPath, [BIN, 'up', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], ...(env ? { env } : {}) });
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fabric-emu up did not get ready in ${timeoutMs} ms\nstdout:\n${out}\nstderr:\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const ready = /fabric-emu ready: (\S+)/.exec(out);
      if (!ready) return;
      clearTimeout(timer);
      const urls = new Map<string, string>();
      for (const m of out.matchAll(/^([a-z0-9-]+) {2,}.*\s(http:\/\/\S+)$/gm)) urls.set(m[1]!, m[2]!);
      const apiKey = /^api key: (\S+)$/m.exec(out)?.[1];
      resolve({ child, stdout: () => out, stderr: () => err, urls, globalUrl: ready[1]!, apiKey, exited });
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`fabric-emu up exited with ${code}\nstdout:\n${out}\nstderr:\n${err}`));
    });
  });
}

/** regions.yaml of two PoPs on free ports with a 20 ms link and no access delay, as the CLI control tests use. */
export function twoRegionYaml(name: string): string {
  return `
name: ${name}
global: { port: 0 }
access: { rttMs: 0, jitterMs: 0, distribution: constant, source: test }
regions:
  - { name: r-one, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: r-two, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: 0 }
latency:
  - { between: [r-one, r-two], rttMs: 20, jitterMs: 0, distribution: constant, source: test }
`;
}
