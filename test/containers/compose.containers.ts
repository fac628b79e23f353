import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../helpers/http.js';
import { IMAGE } from './image.js';

const run = promisify(execFile);
const FILE = fileURLToPath(new URL('../../docker/compose.yaml', import.meta.url));
const ADDRESSES = fileURLToPath(new URL('../../fixtures/address-book/addresses.jsonl', import.meta.url));
const API_KEY = '_mm.compose.0123456789abcdefghij';
const env = { ...process.env, FABRIC_EMU_IMAGE: IMAGE, FABRIC_EMU_SECRET: 'compose-test-secret-0123456789', FABRIC_EMU_API_KEY: API_KEY };
const compose = (...args: string[]) => run('docker-compose', ['-p', 'fabric-emu-test', '-f', FILE, ...args], { env, timeout: 300_000 });

const url = { west: 'http://127.0.0.1:8531', east: 'http://127.0.0.1:8532', eu: 'http://127.0.0.1:8533', mumbai: 'http://127.0.0.1:8534' };

async function call(method: string, u: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    const res = await fetch(u, { method, headers: { authorization: `apikey ${API_KEY}`, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }), signal: AbortSignal.timeout(5_000) });
    return { status: res.status, body: await res.json() };
  } catch {
    return { status: 0, body: undefined };
  }
}
const count = async (u: string) => (await call('GET', `${u}/_fabric/_system/_api/collection/addresses/count`)).body?.count as number | undefined;

describe('docker/compose.yaml with docker-compose: the default topology as four containers', () => {
  beforeAll(async () => {
    await compose('up', '-d');
    for (const u of Object.values(url)) await eventually(async () => (await call('GET', `${u}/_api/version`)).status === 200, 120_000);
  }, 400_000);
  afterAll(async () => {
    await compose('down', '-v', '--remove-orphans');
  }, 120_000);

  it('runs the seed tutorial; a killed PoP leaves the others serving and catches up once started again', async () => {
    const { stdout } = await compose('ps', '-q');
    expect(stdout.trim().split('\n')).toHaveLength(4);

    // The tutorial: a global collection and 500 addresses at Ashburn, the saved query run at Mumbai.
    expect((await call('POST', `${url.east}/_fabric/_system/_api/collection`, { name: 'addresses' })).status).toBe(200);
    const docs = readFileSync(ADDRESSES, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as object);
    expect((await call('POST', `${url.east}/_fabric/_system/_api/document/addresses?silent=true`, docs)).status).toBe(202);
    expect((await call('POST', `${url.east}/_fabric/_system/_api/restql`, { query: { name: 'showAddresses', value: 'for docs in addresses return docs', parameter: {} } })).status).toBe(200);
    await eventually(async () => (await count(url.mumbai)) === docs.length, 60_000);
    await eventually(async () => (await call('POST', `${url.mumbai}/_tenant/_mm/_fabric/_system/_api/restql/execute/showAddresses`, {})).status === 201, 60_000);
    const page = await call('POST', `${url.mumbai}/_tenant/_mm/_fabric/_system/_api/restql/execute/showAddresses`, {});
    expect(page.body.result).toHaveLength(100);
    expect(page.body.hasMore).toBe(true);

    await compose('kill', 'gdn-ap-west');
    expect((await call('GET', `${url.mumbai}/_api/version`)).status).toBe(0);
    expect((await call('POST', `${url.east}/_fabric/_system/_api/document/addresses`, { _key: 'while-mumbai-was-down' })).status).toBe(202);
    for (const u of [url.west, url.eu]) await eventually(async () => (await count(u)) === docs.length + 1, 60_000);

    await compose('start', 'gdn-ap-west');
    await eventually(async () => (await count(url.mumbai)) === docs.length + 1, 120_000);
    expect((await call('GET', `${url.mumbai}/_fabric/_system/_api/document/addresses/while-mumbai-was-down`)).status).toBe(200);
  });
});
