import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../src/fabric/ports.js';
import { removeOrphans, temporaryReplica } from '../../src/storage/temp-replica.js';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

/** The pid of a process that has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', '0']);
  return r.pid!;
}

function owned(root: string, name: string, owner: unknown): string {
  const dir = join(root, name);
  mkdirSync(dir);
  if (owner !== undefined) writeFileSync(join(dir, 'owner.json'), JSON.stringify(owner));
  return dir;
}

describe('temporary replica dirs', () => {
  it('removes only the dirs whose owner on this host has exited', () => {
    const root = tempDir('orphans');
    const dead = deadPid();
    owned(root, 'fabric-emu-dead', { pid: dead, host: hostname() });
    owned(root, 'fabric-emu-live', { pid: process.pid, host: hostname() });
    owned(root, 'fabric-emu-elsewhere', { pid: dead, host: `not-${hostname()}` });
    owned(root, 'fabric-emu-unowned', undefined);
    owned(root, 'fabric-emu-garbled', 'not an owner');
    owned(root, 'other-tool', { pid: dead, host: hostname() });
    expect(removeOrphans(root)).toBe(1);
    expect(readdirSync(root).sort()).toEqual(['fabric-emu-elsewhere', 'fabric-emu-garbled', 'fabric-emu-live', 'fabric-emu-unowned', 'other-tool']);
  });

  it('a new replica names its owner, and removing it leaves nothing', () => {
    const root = tempDir('replica');
    const t = temporaryReplica(root);
    const dir = join(t.path, '..');
    expect(existsSync(join(dir, 'owner.json'))).toBe(true);
    expect(removeOrphans(root)).toBe(0);
    t.remove();
    expect(readdirSync(root)).toEqual([]);
  });

  it("an --ephemeral PoP killed with SIGKILL leaves its replica, and the next one removes it", async () => {
    const root = tempDir('sigkill');
    const env = { ...process.env, TMPDIR: root, FABRIC_EMU_SECRET: 'shared-by-every-pop-0123456789' };
    const pop = spawn(process.execPath, [BIN, 'pop', 'gdn-us-west', '--ephemeral', '--port', String(await freePort('127.0.0.1'))], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => pop.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      let out = '';
      pop.stdout!.on('data', (d) => {
        out += d;
        if (/ready: http/.test(out)) resolve();
      });
      pop.on('exit', (code) => reject(new Error(`the PoP exited with ${code} before it was ready: ${out}`)));
    });
    const left = readdirSync(root).filter((n) => n.startsWith('fabric-emu-'));
    expect(left).toHaveLength(1);
    pop.kill('SIGKILL');
    await exited;
    expect(readdirSync(root)).toContain(left[0]);
    const next = temporaryReplica(root);
    expect(readdirSync(root)).not.toContain(left[0]);
    next.remove();
  });
});
