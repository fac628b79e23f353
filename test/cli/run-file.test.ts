import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startUp, type Running } from '../helpers/cli.js';

const topology = (port = 0) => `
name: run-file-test
global: { port: 0 }
regions:
  - { name: r-one, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: 0 }
  - { name: r-two, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: ${port} }
`;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workdir(port = 0): string {
  const dir = mkdtempSync(join(tmpdir(), 'fabric-emu-run-'));
  writeFileSync(join(dir, 'regions.yaml'), topology(port));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function up(args: string[], dir: string, readyMs?: number): Promise<Running> {
  const running = await startUp(args, dir, readyMs);
  cleanups.push(async () => {
    if (running.child.exitCode === null) running.child.kill('SIGTERM');
    await running.exited;
  });
  return running;
}

/** A PID that was a process a moment ago and is not any more. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

/** Holds a port, as another program would. */
async function holdPort(): Promise<number> {
  const srv: Server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => srv.close(() => resolve())));
  return (srv.address() as { port: number }).port;
}

describe('the run file: later commands find the running fabric without --url', () => {
  it('after up --preset global-25 (free ports), status finds the fabric of the current data dir', async () => {
    const dir = workdir();
    // 25 PoPs on 8 threads take ~20 s to get ready on a busy 2-core machine.
    const running = await up(['--preset', 'global-25', '--ephemeral', '--no-latency'], dir, 75_000);
    const run = JSON.parse(readFileSync(join(dir, '.fabric-emu', 'run.json'), 'utf8'));
    expect(run).toMatchObject({ pid: running.child.pid, globalUrl: running.globalUrl });
    expect(Object.keys(run.regions)).toHaveLength(25);
    const status = await runCli(['status'], dir);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/gdn-us-west\s+serving/);
  }, 120_000);

  it('control commands take --data-dir; the file is removed on a clean exit, an ephemeral run leaves nothing', async () => {
    const dir = workdir();
    const running = await up(['--ephemeral', '--no-latency', '--data-dir', 'runs/a'], dir);
    await fetch(`${running.urls.get('r-one')}/_api/collection`, { method: 'POST', headers: { authorization: `apikey ${running.apiKey}` }, body: JSON.stringify({ name: 'c' }) });
    expect((await runCli(['wait', '--data-dir', 'runs/a'], dir)).code).toBe(0);
    expect((await runCli(['kill', 'r-two', '--data-dir', 'runs/a'], dir)).code).toBe(0);
    expect((await runCli(['status', '--json', '-d', 'runs/a'], dir)).stdout).toContain('"killed"');
    running.child.kill('SIGTERM');
    expect((await running.exited).code).toBe(0);
    expect(existsSync(join(dir, 'runs/a'))).toBe(false);
  });

  it('a stale run file is ignored with a message, and the next up replaces it', async () => {
    const dir = workdir();
    const pid = await deadPid();
    mkdirSync(join(dir, '.fabric-emu'));
    writeFileSync(join(dir, '.fabric-emu', 'run.json'), JSON.stringify({ pid, startedAt: 'then', globalUrl: 'http://127.0.0.1:9' }));
    const status = await runCli(['status'], dir);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`ignoring the stale ${join(dir, '.fabric-emu', 'run.json')}: the fabric that wrote it (pid ${pid}) is not running`);
    const running = await up(['--no-latency'], dir);
    expect(running.stderr()).toContain(`removing the stale ${join(dir, '.fabric-emu', 'run.json')} (pid ${pid} is not running)`);
    expect(JSON.parse(readFileSync(join(dir, '.fabric-emu', 'run.json'), 'utf8')).pid).toBe(running.child.pid);
  });
});

describe('the run file is the data dir lock', () => {
  it('a second up on a data dir in use fails naming the owner, and the first keeps running', async () => {
    const dir = workdir();
    const first = await up(['--no-latency'], dir);
    const second = await runCli(['up', '--no-latency'], dir);
    expect(second.code).toBe(5);
    expect(second.stderr).toContain(`data dir ${join(dir, '.fabric-emu')} is in use by a running fabric (pid ${first.child.pid}, ${first.globalUrl})`);
    const ephemeral = await runCli(['up', '--no-latency', '--ephemeral'], dir);
    expect(ephemeral.code).toBe(5);
    expect(ephemeral.stderr).toContain(`pid ${first.child.pid}`);
    expect((await fetch(`${first.globalUrl}/_emu/health`)).status).toBe(200);
    expect(JSON.parse(readFileSync(join(dir, '.fabric-emu', 'run.json'), 'utf8')).pid).toBe(first.child.pid);
  });
});

describe('a start that fails', () => {
  it.each([[[]], [['--processes']]])('on a taken port says which region and port and what to do, and leaves nothing behind (%j)', async (mode) => {
    const port = await holdPort();
    const dir = workdir(port);
    const r = await runCli(['up', '--no-latency', ...mode], dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`cannot start: region r-two needs port ${port} on 127.0.0.1, which another program is using.`);
    expect(r.stderr).toContain(`give region r-two another port in ${join(dir, 'regions.yaml')} (port: 0 picks a free one)`);
    expect(readdirSync(dir)).toEqual(['regions.yaml']);
  });

  it('keeps what the data dir held before, removing only what it created', async () => {
    const dir = workdir();
    const first = await up(['--no-latency'], dir);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const before = readdirSync(join(dir, '.fabric-emu')).sort();
    expect(before).toEqual(['fabric.secret', 'r-one.sqlite', 'r-two.sqlite', 'tls']);
    // This start creates r-three's replica, then fails loading a fixture.
    writeFileSync(join(dir, 'regions.yaml'), topology().replace('name: r-two', 'name: r-three'));
    writeFileSync(join(dir, 'fixture.yaml'), 'version: 1\ncollections:\n  - name: c\n    documents: { file: docs.jsonl }\n');
    writeFileSync(join(dir, 'docs.jsonl'), '{"_key": "a b"}\n');
    const r = await runCli(['up', '--no-latency', '--fixture', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 document of "c" refused');
    expect(readdirSync(join(dir, '.fabric-emu')).sort()).toEqual(before);
  });

  it('on a damaged replica or a data dir that is a file says so and exits 6, keeping what was there', async () => {
    const dir = workdir();
    mkdirSync(join(dir, '.fabric-emu'));
    writeFileSync(join(dir, '.fabric-emu', 'r-one.sqlite'), 'not a database, but long enough to have a header that SQLite reads and refuses'.repeat(20));
    const damaged = await runCli(['up', '--no-latency'], dir);
    expect(damaged.code).toBe(6);
    expect(damaged.stderr).toContain(`fabric-emu: cannot start: data dir ${join(dir, '.fabric-emu')} cannot be used: region r-one cannot open its replica: file is not a database (SQLITE_NOTADB).`);
    expect(readdirSync(join(dir, '.fabric-emu'))).toEqual(['r-one.sqlite']);
    writeFileSync(join(dir, 'plain-file'), '');
    const file = await runCli(['up', '--no-latency', '--data-dir', 'plain-file'], dir);
    expect(file.code).toBe(6);
    expect(file.stderr).toContain(`cannot start: data dir ${join(dir, 'plain-file')} cannot be used: ENOTDIR`);
  });

  it('names another fabric-emu holding the port', async () => {
    const dir = workdir();
    const first = await up(['--no-latency', '--data-dir', 'one'], dir);
    const taken = Number(new URL(first.urls.get('r-two')!).port);
    writeFileSync(join(dir, 'regions.yaml'), topology(taken));
    const r = await runCli(['up', '--no-latency', '--data-dir', 'two'], dir);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`region r-two needs port ${taken} on 127.0.0.1, which another fabric-emu is using`);
    expect(existsSync(join(dir, 'two'))).toBe(false);
  });
});
