import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A replica kept in a temporary file (an ephemeral PoP whose queries run on another thread) lives
 * in a dir of its own under the OS temp dir, removed on close. A process killed with SIGKILL cannot
 * remove it, so each dir names its owner, and making a new one removes those whose owner is gone on
 * this host: a CI job that kills its fabrics day after day does not fill its temp dir.
 */
const PREFIX = 'fabric-emu-';
const OWNER = 'owner.json';

export interface TemporaryReplica {
  path: string;
  remove: () => void;
}

export function temporaryReplica(root = tmpdir()): TemporaryReplica {
  removeOrphans(root);
  const dir = mkdtempSync(join(root, PREFIX));
  writeFileSync(join(dir, OWNER), JSON.stringify({ pid: process.pid, host: hostname() }));
  return { path: join(dir, 'replica.sqlite'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Removes the replica dirs under `root` whose owning process on this host has exited; returns how many. */
export function removeOrphans(root: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(PREFIX)) continue;
    const owner = readOwner(join(root, name, OWNER));
    // No owner file: another tool's dir, or one whose owner is still writing it.
    if (owner === undefined || owner.host !== hostname() || alive(owner.pid)) continue;
    rmSync(join(root, name), { recursive: true, force: true });
    removed++;
  }
  return removed;
}

function readOwner(file: string): { pid: number; host: string } | undefined {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as { pid?: unknown; host?: unknown };
    return Number.isInteger(o.pid) && typeof o.host === 'string' ? { pid: o.pid as number, host: o.host } : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to another user.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
