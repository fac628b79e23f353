/** Edge-function tests: copies of example projects configured for a test fabric, and `fabric-emu dev` as a child. */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fabric } from '../../src/index.js';
import { BIN } from './cli.js';

export const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
export const HANDLERS = fileURLToPath(new URL('../edge/handlers/', import.meta.url));

/** The key a function sends: the fixture fabric's dev key, put in each example's config in place of its placeholder. */
export function devApiKey(fabric: Fabric): string {
  return fabric.credentials.apiKey;
}

/** Temp folders made by a test file; `cleanup()` in afterAll removes them all. */
export function scratch() {
  const made: string[] = [];
  return {
    dir(prefix = 'fabric-emu-edge-'): string {
      const d = mkdtempSync(join(tmpdir(), prefix));
      made.push(d);
      return d;
    },
    /** A copy of examples/NAME with the example API key replaced by `key` in every file that has it. */
    example(name: string, key: string): string {
      const d = this.dir(`fabric-emu-${name}-`);
      cpSync(join(EXAMPLES, name), d, { recursive: true });
      for (const f of ['wrangler.toml', 'config.json', 'config.js']) {
        try {
          writeFileSync(join(d, f), readFileSync(join(d, f), 'utf8').replace('_mm.dev.replace-with-your-api-key', key));
        } catch {
          // not in this example
        }
      }
      return d;
    },
    files(files: Record<string, string>): string {
      const d = this.dir();
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(d, name)), { recursive: true });
        writeFileSync(join(d, name), text);
      }
      return d;
    },
    cleanup(): void {
      for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

export interface Dev {
  url: string;
  child: ChildProcess;
  log: () => string;
  stop(): Promise<void>;
}

/** Starts `fabric-emu dev PATH` on a free port; resolves with its URL once it says ready. */
export function startDev(path: string, globalUrl: string, ...args: string[]): Promise<Dev> {
  const c = spawn(process.execPath, [BIN, 'dev', path, '--url', globalUrl, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  c.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((ok) => c.on('exit', () => ok()));
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', (d) => {
      out += d;
      const m = /fabric-emu dev ready: (\S+)/.exec(out);
      if (m)
        resolve({
          url: m[1]!,
          child: c,
          log: () => err,
          stop: async () => {
            c.kill('SIGTERM');
            await exited;
          },
        });
    });
    c.on('exit', (code) => reject(new Error(`fabric-emu dev exited with ${code}\n${out}\n${err}`)));
  });
}
