import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../src/fabric/ports.js';
import { BIN, runCli } from '../helpers/cli.js';
import { eventually } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';

const SECRET = 'shared-by-every-pop-0123456789';
const API_KEY = '_mm.popkey.abcdefghijklmnop0123';
const env = { ...process.env, FABRIC_EMU_SECRET: SECRET, FABRIC_EMU_API_KEY: API_KEY };

const started: ChildProcess[] = [];
// SIGTERM, not SIGKILL: an --ephemeral PoP removes its temporary database only on a clean stop.
afterEach(async () => {
  await Promise.all(
    started.splice(0).map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          const stuck = setTimeout(() => c.kill('SIGKILL'), 10_000);
          c.on('exit', () => {
            clearTimeout(stuck);
            resolve();
          });
          c.kill('SIGTERM');
        }),
    ),
  );
});

/** Spawns `fabric-emu <verb> NAME ...` and resolves with its URL once it says it is ready. */
function startPop(verb: 'region' | 'pop', name: string, args: string[], cwd: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [BIN, verb, name, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  started.push(child);
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not get ready\n${out}\n${err}`)), 30_000);
    child.on('exit', (code) => reject(new Error(`${name} exited with ${code}\n${out}\n${err}`)));
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /ready: (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
  });
}

async function call(method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(url, { method, headers: { authorization: `apikey ${API_KEY}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  return { status: res.status, body: await res.json() };
}

const has = (url: string, key: string) => async () => (await call('GET', `${url}/_fabric/_system/_api/document/c/${key}`)).status === 200;

function kill(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('fabric-emu region / pop: one PoP per process, peers by address', () => {
  it('PoPs start in any order, find their peers by address (flag or regions.yaml host), replicate both ways, and a killed one catches up when it is back; status shows the profile and the network', async () => {
    const dir = tempDir('pops');
    const [east, eu] = [await freePort('127.0.0.1'), await freePort('127.0.0.1')];
    // r-eu's port in the file is wrong on purpose: r-east finds it by --peer; r-eu finds r-east by its host.
    writeFileSync(
      join(dir, 'regions.yaml'),
      [
        'name: two-hosts',
        'global: { port: 0 }',
        'regions:',
        `  - { name: r-east, city: Ashburn, country: US, countryName: United States, lat: 39.04, lon: -77.49, port: ${east}, host: 127.0.0.1 }`,
        `  - { name: r-eu, city: Frankfurt, country: DE, countryName: Germany, lat: 50.11, lon: 8.68, port: 1 }`,
        'latency:',
        '  - { between: [r-east, r-eu], rttMs: 100, jitterMs: 0, distribution: constant, source: test }',
        '',
      ].join('\n'),
    );
    const a = await startPop('region', 'r-east', ['--ephemeral', '--peer', `r-eu=127.0.0.1:${eu}`], dir);
    expect((await call('POST', `${a.url}/_fabric/_system/_api/collection`, { name: 'c' })).status).toBe(200);
    expect((await call('POST', `${a.url}/_fabric/_system/_api/document/c`, { _key: 'before' })).status).toBe(202);

    // The peer comes up after the first write: the link, retrying all along, delivers it.
    const b = await startPop('pop', 'r-eu', ['--port', String(eu), '--data-dir', join(dir, 'eu')], dir);
    await eventually(has(b.url, 'before'));
    expect((await call('POST', `${b.url}/_fabric/_system/_api/document/c`, { _key: 'from-eu' })).status).toBe(202);
    await eventually(has(a.url, 'from-eu'));

    const status = await runCli(['status', '--pop', a.url, '--pop', b.url, '--json'], dir, env);
    expect(status.stderr).toBe('');
    const links = (JSON.parse(status.stdout) as { links: { from: string; to: string; state: string; rttMs: number; networkRttMs: number | null }[] }).links;
    expect(links.map((l) => [l.from, l.to, l.state, l.rttMs])).toEqual([
      ['r-east', 'r-eu', 'open', 100],
      ['r-eu', 'r-east', 'open', 100],
    ]);
    for (const l of links) expect(l.networkRttMs).toBeGreaterThanOrEqual(0);
    const table = await runCli(['status', '--pop', a.url, '--pop', b.url], dir, env);
    expect(table.stdout).toMatch(/RTT ms +NETWORK ms/);
    expect(table.stdout).toMatch(/r-east +r-eu +open +100 +\d/);

    // Gone, and back on its data dir: what was written meanwhile arrives.
    await kill(b.child);
    expect((await call('POST', `${a.url}/_fabric/_system/_api/document/c`, { _key: 'while-down' })).status).toBe(202);
    const b2 = await startPop('region', 'r-eu', ['--port', String(eu), '--data-dir', join(dir, 'eu')], dir);
    await eventually(has(b2.url, 'while-down'));
    expect(await has(b2.url, 'from-eu')()).toBe(true);
  }, 90_000);

  it('refuses a --peer that is not a region, or that names the PoP itself, or has no port', async () => {
    const dir = tempDir('pop-args');
    const unknown = await runCli(['pop', 'gdn-us-west', '--ephemeral', '--peer', 'gdn-mars=10.0.0.9:8532'], dir);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(/--peer gdn-mars: not a region of the topology; known: gdn-us-west, gdn-us-east/);
    const self = await runCli(['pop', 'gdn-us-west', '--ephemeral', '--peer', 'gdn-us-west=10.0.0.9:8531'], dir);
    expect(self.stderr).toMatch(/--peer gdn-us-west: that is this PoP/);
    const bad = await runCli(['pop', 'gdn-us-west', '--ephemeral', '--peer', 'gdn-us-east=10.0.0.9'], dir);
    expect(bad.stderr).toMatch(/expected name=host:port/);
  });

  it('status --pop without the fabric secret says how to give it', async () => {
    const dir = tempDir('pop-status');
    const { FABRIC_EMU_SECRET: _, ...rest } = env;
    const res = await runCli(['status', '--pop', 'http://127.0.0.1:9', '--data-dir', dir], dir, rest);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/no fabric secret: set FABRIC_EMU_SECRET/);
  });
});
