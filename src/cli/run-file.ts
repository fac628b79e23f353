import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { ControlError } from './client.js';
import { StartError } from './errors.js';

/**
 * `fabric-emu up` records its run in `<data dir>/run.json`: the owner's PID and its URLs. The file
 * is the data dir's lock (a second `up` on it fails, naming the owner) and tells the control
 * commands where the fabric is, so they need no --url. It is written with --ephemeral too: it
 * records the run, not data. A file whose PID is not running any more is stale and ignored.
 */
export const RUN_FILE = 'run.json';
export const DEFAULT_DATA_DIR = '.fabric-emu';
/** Where control commands look when there is no run file, --url or FABRIC_EMU_URL. */
const FALLBACK_URL = 'http://127.0.0.1:8530';

export interface RunInfo {
  pid: number;
  startedAt: string;
  /** Absent while the fabric is starting. */
  globalUrl?: string;
  /** Region name → URL. */
  regions?: Record<string, string>;
  /** The dev API key, for the commands that call the GDN API (load, invoke, dev); absent with --no-auth. */
  apiKey?: string;
}

function isRunInfo(v: unknown): v is RunInfo {
  return typeof v === 'object' && v !== null && Number.isInteger((v as RunInfo).pid);
}

/** The run recorded in `dataDir`, if any; an unreadable file counts as none. */
export function readRun(dataDir: string): RunInfo | undefined {
  try {
    const v: unknown = JSON.parse(readFileSync(join(dataDir, RUN_FILE), 'utf8'));
    return isRunInfo(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a running fabric-emu (a recycled PID of another program is not). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('fabric-emu');
  } catch {
    return true;
  }
}

function describeRun(run: RunInfo): string {
  return `pid ${run.pid}, ${run.globalUrl ?? 'still starting'}`;
}

/** The data dir's lock, held by this process while its fabric runs. */
export class RunFile {
  private constructor(
    private readonly dataDir: string,
    private info: RunInfo,
  ) {}

  private get path(): string {
    return join(this.dataDir, RUN_FILE);
  }

  /**
   * Takes the lock of `dataDir` (the folder must exist). The file is written whole under another
   * name and linked into place, so no reader ever sees it half written and only one `up` wins.
   */
  static acquire(dataDir: string, warn: (msg: string) => void): RunFile {
    const path = join(dataDir, RUN_FILE);
    const info: RunInfo = { pid: process.pid, startedAt: new Date().toISOString() };
    const temp = `${path}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(info));
    try {
      for (;;) {
        try {
          linkSync(temp, path);
          return new RunFile(dataDir, info);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        }
        const owner = readRun(dataDir);
        if (owner && isRunning(owner.pid)) {
          throw new StartError(`data dir ${dataDir} is in use by a running fabric (${describeRun(owner)}); stop it first, or use another --data-dir`, 'dataDirInUse');
        }
        warn(`fabric-emu: removing the stale ${path}${owner ? ` (pid ${owner.pid} is not running)` : ''}`);
        rmSync(path, { force: true });
      }
    } finally {
      rmSync(temp, { force: true });
    }
  }

  /** Records the URLs (and the dev API key) once the fabric serves; readable by its owner only. */
  record(globalUrl: string, regions: Record<string, string>, apiKey?: string): void {
    this.info = { ...this.info, globalUrl, regions, ...(apiKey ? { apiKey } : {}) };
    const temp = `${this.path}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(this.info, null, 2), { mode: 0o600 });
    renameSync(temp, this.path);
  }

  release(): void {
    if (readRun(this.dataDir)?.pid === this.info.pid) rmSync(this.path, { force: true });
  }
}

/** Adds the options every command that talks to a running fabric takes. */
export function withFabricOptions(c: Command): Command {
  return c
    .option('--url <url>', `global URL of the fabric (default: the one \`up\` runs from --data-dir, else $FABRIC_EMU_URL, else ${FALLBACK_URL})`)
    .option('-d, --data-dir <dir>', 'data dir of the running fabric', DEFAULT_DATA_DIR);
}

/** Adds --api-key, for the commands that call the GDN API of a running fabric. */
export function withApiKeyOption(c: Command): Command {
  return c.option('--api-key <key>', 'API key to call the fabric with (default: $FABRIC_EMU_API_KEY, else the dev key `up` recorded in --data-dir)');
}

export interface FabricFlags {
  url?: string;
  dataDir: string;
  apiKey?: string;
}

/** --api-key, else $FABRIC_EMU_API_KEY, else the key in the run file of --data-dir (none with --no-auth). */
export function fabricApiKey(o: FabricFlags): string | undefined {
  if (o.apiKey) return o.apiKey;
  const env = process.env['FABRIC_EMU_API_KEY'];
  if (env) return env;
  const run = readRun(resolve(o.dataDir));
  return run && isRunning(run.pid) ? run.apiKey : undefined;
}

/** --url, else $FABRIC_EMU_URL, else the run file of --data-dir, else the default topology's global port. */
export function fabricUrl(o: FabricFlags): string {
  if (o.url) return o.url;
  const env = process.env['FABRIC_EMU_URL'];
  if (env) return env;
  const dir = resolve(o.dataDir);
  const run = readRun(dir);
  if (run && !isRunning(run.pid)) {
    console.error(`fabric-emu: ignoring the stale ${join(dir, RUN_FILE)}: the fabric that wrote it (pid ${run.pid}) is not running`);
  } else if (run) {
    if (!run.globalUrl) throw new ControlError(`the fabric of ${dir} (pid ${run.pid}) is still starting; try again in a moment`);
    return run.globalUrl;
  }
  return FALLBACK_URL;
}
