import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { BIN } from '../helpers/cli.js';
import { eventually } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';
import { tempDir } from '../helpers/tmp.js';

const handler = (name: string) => fileURLToPath(new URL(`./handlers/${name}`, import.meta.url));

let fabric: Fabric;
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false });
});
afterAll(() => fabric.close());

let child: ChildProcess | undefined;
afterEach(() => {
  child?.kill('SIGTERM');
  child = undefined;
});

/** Starts `fabric-emu dev FILE` on a free port and resolves with its URL once it says ready. */
function dev(file: string, ...args: string[]): Promise<{ url: string; log: () => string }> {
  const c = spawn(process.execPath, [BIN, 'dev', file, '--url', fabric.globalUrl(), '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = c;
  let out = '';
  let err = '';
  c.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    c.stdout!.on('data', (d) => {
      out += d;
      const m = /fabric-emu dev ready: (\S+)/.exec(out);
      if (m) resolve({ url: m[1]!, log: () => err });
    });
    c.on('exit', (code) => reject(new Error(`fabric-emu dev exited with ${code}\n${out}\n${err}`)));
  });
}

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

function workdir(...files: string[]): string {
  const dir = tempDir('dev');
  for (const f of files) copyFileSync(handler(f), join(dir, f));
  return dir;
}

describe('fabric-emu dev', () => {
  it('serves a Lambda-style handler: the HTTP request becomes an API Gateway event', async () => {
    const d = await dev(handler('region-lambda.mjs'), '--at', 'r-eu');
    const r = await get(`${d.url}/addresses?zipCode=10115`, { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pop: 'r-eu', path: '/addresses', query: { zipCode: '10115' }, body: '{"a":1}', env: { GDN_REGION: 'r-eu' } });
  });

  it('serves a Workers-style handler', async () => {
    const d = await dev(handler('region-worker.mjs'), '--at', 'r-ap');
    const r = await get(`${d.url}/x`, { method: 'PUT', body: 'payload' });
    expect(r.body).toMatchObject({ pop: 'r-ap', method: 'PUT', path: '/x', body: 'payload' });
  });

  it('reloads the handler when its file changes', async () => {
    const dir = workdir();
    const file = join(dir, 'handler.mjs');
    writeFileSync(file, "export async function handler() { return { statusCode: 200, body: JSON.stringify({ version: 1 }) }; }\n");
    const d = await dev(file, '--at', 'r-eu');
    expect((await get(d.url)).body).toEqual({ version: 1 });
    writeFileSync(file, "export async function handler() { return { statusCode: 200, body: JSON.stringify({ version: 2 }) }; }\n");
    await eventually(async () => (await get(d.url)).body.version === 2);
    expect(d.log()).toContain('reloading');
  });

  it('answers 502 naming the handler when it throws, hangs or answers badly, and keeps serving', async () => {
    const dir = workdir();
    const file = join(dir, 'handler.mjs');
    const write = (code: string) => writeFileSync(file, code);
    write("export async function handler() { throw new Error('kaboom'); }\n");
    const d = await dev(file, '--at', 'r-eu', '--timeout', '300');
    const threw = await get(d.url);
    expect(threw.status).toBe(502);
    expect(threw.type).toContain('application/json');
    expect(threw.body).toMatchObject({ error: true, cause: 'handler' });
    expect(threw.body.handler).toMatch(/handler\.mjs$/);
    expect(threw.body.message).toContain('threw: Error: kaboom');

    write('export async function handler() { return 42; }\n');
    await eventually(async () => (await get(d.url)).body.message?.includes('malformed') === true);
    expect((await get(d.url)).body.message).toContain('expected an object { statusCode, headers?, body? }, got number');

    write('export async function handler() { for (;;); }\n');
    await eventually(async () => (await get(d.url)).body.message?.includes('did not answer within 300 ms') === true);

    write('export const nothing = 1;\n');
    await eventually(async () => (await get(d.url)).body.message?.includes('exports neither') === true);

    write('export async function handler( {\n');
    await eventually(async () => (await get(d.url)).body.message?.includes('cannot load: SyntaxError') === true);

    write("export async function handler() { return { statusCode: 201, body: '{\"fixed\":true}' }; }\n");
    await eventually(async () => (await get(d.url)).status === 201);
    expect((await get(d.url)).body).toEqual({ fixed: true });
  });
});
