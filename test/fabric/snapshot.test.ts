import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSnapshot, SNAPSHOT_MAGIC, writeSnapshot } from '../../src/control/snapshot-file.js';
import { launchFabric, type LocalFabric } from '../../src/fabric/local-fabric.js';
import { startProcessFabric } from '../../src/index.js';
import { SCHEMA_VERSION } from '../../src/storage/index.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { tempDir } from '../helpers/tmp.js';
import { testTopology } from '../helpers/topology.js';

const fabrics: LocalFabric[] = [];
afterEach(async () => {
  await Promise.all(fabrics.splice(0).map((f) => f.close()));
});

async function fabric(o: { regions?: number; fromSnapshot?: string } = {}): Promise<LocalFabric> {
  const f = await launchFabric({ topology: testTopology({ regions: o.regions ?? 2 }), latency: false, ...(o.fromSnapshot ? { fromSnapshot: o.fromSnapshot } : {}) });
  fabrics.push(f);
  useCredentials(f);
  return f;
}

const docs = (f: LocalFabric, region: string) => `${f.region(region).url()}/_fabric/_system/_api/document/c`;

async function keysAt(f: LocalFabric, region: string): Promise<string[]> {
  const r = await post(`${f.region(region).url()}/_fabric/_system/_api/cursor`, { query: 'FOR d IN c SORT d._key RETURN d._key' });
  expect(r.status).toBe(201);
  return r.body.result;
}

async function withDoc(f: LocalFabric, key: string): Promise<void> {
  expect((await post(`${f.region('r-east').url()}/_fabric/_system/_api/collection`, { name: 'c' })).status).toBe(200);
  expect((await post(docs(f, 'r-east'), { _key: key })).status).toBe(202);
  await f.waitForReplication();
}

async function refusal(f: LocalFabric, file: string): Promise<string> {
  const e = await f.loadSnapshot(file).then(
    () => undefined,
    (err: Error) => err,
  );
  expect(e, `${file} was loaded`).toBeDefined();
  return (e as Error).message;
}

describe('fabric snapshots', () => {
  it('a round trip keeps the data, delivers what was in flight between PoPs and carries the clock', async () => {
    const dir = tempDir('snap');
    const a = await fabric();
    await withDoc(a, 'before');
    // Cut: east's next write stays in east's change log, not yet shipped to eu.
    await a.partition([['r-east'], ['r-eu']]);
    expect((await post(docs(a, 'r-east'), { _key: 'in-flight' })).status).toBe(202);
    await a.clock({ advance: 3_600_000 });
    const file = join(dir, 'a.snapshot');
    const saved = await a.saveSnapshot(file);
    expect(saved.regions.map((r) => r.name)).toEqual(['r-east', 'r-eu']);
    expect(saved.regions.every((r) => r.schemaVersion === SCHEMA_VERSION)).toBe(true);
    expect(saved.clock.offsetMs).toBeGreaterThan(3_599_000);
    expect(await keysAt(a, 'r-eu')).toEqual(['before']);

    const b = await fabric({ fromSnapshot: file });
    expect((await b.clock()).offsetMs).toBeGreaterThan(3_599_000);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-eu')).toEqual(['before', 'in-flight']);
    expect(await keysAt(b, 'r-east')).toEqual(['before', 'in-flight']);
    // The loaded fabric writes and replicates on from where the snapshot left off.
    expect((await post(docs(b, 'r-eu'), { _key: 'after' })).status).toBe(202);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-east')).toEqual(['after', 'before', 'in-flight']);
  });

  it('loads into a running fabric over its data, and a second load of the same snapshot gives the same state', async () => {
    const dir = tempDir('snap');
    const a = await fabric();
    await withDoc(a, 'theirs');
    const file = join(dir, 'a.snapshot');
    await a.saveSnapshot(file);
    const b = await fabric();
    await withDoc(b, 'mine');
    await b.loadSnapshot(file);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-east')).toEqual(['theirs']);
    expect(await keysAt(b, 'r-eu')).toEqual(['theirs']);
    expect((await post(docs(b, 'r-east'), { _key: 'later' })).status).toBe(202);
    await b.loadSnapshot(file);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-eu')).toEqual(['theirs']);
  });

  it('refuses a truncated, foreign, damaged, newer or other-topology file with a clear message, and changes nothing', async () => {
    const dir = tempDir('snap');
    const a = await fabric();
    await withDoc(a, 'theirs');
    const good = join(dir, 'good.snapshot');
    await a.saveSnapshot(good);
    const bytes = readFileSync(good);
    const variant = (name: string, b: Buffer) => {
      const f = join(dir, name);
      writeFileSync(f, b);
      return f;
    };
    const flipped = (at: number) => {
      const copy = Buffer.from(bytes);
      copy[at] = (copy[at] as number) ^ 0xff;
      return copy;
    };
    const headerEnd = SNAPSHOT_MAGIC.length + 4 + bytes.readUInt32BE(SNAPSHOT_MAGIC.length);

    const b = await fabric();
    await withDoc(b, 'mine');
    expect(await refusal(b, variant('half', bytes.subarray(0, Math.floor(bytes.length / 2))))).toMatch(/truncated: \d+ bytes of the \d+ its header announces; nothing was loaded/);
    expect(await refusal(b, variant('stub', bytes.subarray(0, 10)))).toMatch(/truncated: 10 bytes, not even a whole header/);
    expect(await refusal(b, variant('foreign', Buffer.from('SQLite format 3\0 and so on, but no snapshot')))).toMatch(/not a fabric-emu snapshot/);
    expect(await refusal(b, variant('empty', Buffer.alloc(0)))).toMatch(/not a fabric-emu snapshot/);
    expect(await refusal(b, variant('header', flipped(SNAPSHOT_MAGIC.length + 10)))).toMatch(/damaged: the header does not match its checksum/);
    expect(await refusal(b, variant('image', flipped(headerEnd + 32 + 5000)))).toMatch(/damaged: the image of r-east does not match its checksum/);
    expect(await refusal(b, variant('tail', Buffer.concat([bytes, Buffer.from('x')])))).toMatch(/damaged: 1 bytes after the last image/);
    expect(await refusal(b, join(dir, 'missing'))).toMatch(/cannot read snapshot/);

    // A header written by a newer format, checksum and all.
    const json = Buffer.from(bytes.subarray(SNAPSHOT_MAGIC.length + 4, headerEnd).toString().replace('"format":1', '"format":2'));
    const len = Buffer.alloc(4);
    len.writeUInt32BE(json.length);
    const newer = Buffer.concat([SNAPSHOT_MAGIC, len, json, createHash('sha256').update(json).digest(), bytes.subarray(headerEnd + 32)]);
    expect(await refusal(b, variant('format', newer))).toMatch(/snapshot format 2, newer than this fabric-emu reads \(1\)/);

    // One image of a newer storage schema: the other PoP's image checks out, and still nothing loads.
    const unpacked = tempDir('unpacked');
    const { header, files } = await readSnapshot(good, unpacked);
    const eu = new Database(files.get('r-eu') as string);
    eu.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    eu.close();
    const repacked = join(dir, 'schema.snapshot');
    await writeSnapshot(repacked, header, files);
    expect(await refusal(b, repacked)).toMatch(new RegExp(`the image of r-eu: it was written with storage schema version ${SCHEMA_VERSION + 1}, newer than this fabric-emu reads`));

    const three = await fabric({ regions: 3 });
    const wide = join(dir, 'three.snapshot');
    await three.saveSnapshot(wide);
    expect(await refusal(b, wide)).toMatch(/it is of another topology: 'test' with regions r-east, r-eu, r-ap; this fabric has r-east, r-eu/);

    // Nothing of any of them reached b, which still replicates as before.
    expect(await keysAt(b, 'r-east')).toEqual(['mine']);
    expect((await post(docs(b, 'r-east'), { _key: 'still' })).status).toBe(202);
    await b.waitForReplication();
    expect(await keysAt(b, 'r-eu')).toEqual(['mine', 'still']);
  });

  it('refuses to snapshot or load while a PoP is killed', async () => {
    const dir = tempDir('snap');
    const a = await fabric();
    await a.kill('r-eu');
    await expect(a.saveSnapshot(join(dir, 'x'))).rejects.toThrow(/cannot take a snapshot while r-eu is killed: restart first/);
    await expect(a.loadSnapshot(join(dir, 'x'))).rejects.toThrow(/cannot load a snapshot while r-eu is killed/);
  });

  it('GET /_emu/snapshot answers the file and POST /_emu/snapshot loads one, both for the dev API key only', async () => {
    const a = await fabric();
    await withDoc(a, 'theirs');
    const key = (f: LocalFabric) => ({ authorization: `apikey ${f.credentials.apiKey}` });
    for (const headers of [{}, { authorization: 'apikey _mm.dev.wrong' }, { authorization: `bearer ${a.credentials.apiKey}` }]) {
      const refused = await a.globalApp.inject({ method: 'GET', url: '/_emu/snapshot', headers });
      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ error: true, code: 401, errorNum: 11 });
    }
    const saved = await a.globalApp.inject({ method: 'GET', url: '/_emu/snapshot', headers: key(a) });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers['content-type']).toBe('application/octet-stream');
    expect(saved.headers['content-disposition']).toMatch(/^attachment; filename="fabric-emu-.*\.snapshot"$/);
    expect(saved.rawPayload.subarray(0, SNAPSHOT_MAGIC.length)).toEqual(SNAPSHOT_MAGIC);

    const b = await fabric();
    await withDoc(b, 'mine');
    const unkeyed = await b.globalApp.inject({ method: 'POST', url: '/_emu/snapshot', payload: saved.rawPayload, headers: { 'content-type': 'application/octet-stream', ...key(a) } });
    expect(unkeyed.statusCode).toBe(401);
    const loaded = await b.globalApp.inject({ method: 'POST', url: '/_emu/snapshot', payload: saved.rawPayload, headers: { 'content-type': 'application/octet-stream', ...key(b) } });
    expect(loaded.statusCode).toBe(200);
    expect(loaded.json()).toMatchObject({ ok: true, topology: 'test', regions: [{ name: 'r-east' }, { name: 'r-eu' }], file: '(the request body)' });
    await b.waitForReplication();
    expect(await keysAt(b, 'r-eu')).toEqual(['theirs']);

    const bad = await b.globalApp.inject({ method: 'POST', url: '/_emu/snapshot', payload: saved.rawPayload.subarray(0, 100), headers: { 'content-type': 'application/octet-stream', ...key(b) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ error: true, code: 400, errorNum: 10 });
    expect(bad.json().errorMessage).toMatch(/^snapshot \(the request body\): truncated/);
    const none = await b.globalApp.inject({ method: 'POST', url: '/_emu/snapshot', headers: key(b) });
    expect(none.statusCode).toBe(400);
    expect(none.json().errorMessage).toMatch(/takes a snapshot file as its body/);
    expect((await get(`${b.globalUrl()}/_emu/health`)).status).toBe(200);
  });
});

describe('snapshots of a fabric with a process per PoP', () => {
  it('go through each child and come back, a damaged image refused by the child that checks it', async () => {
    const dir = tempDir('snap-proc');
    const f = await startProcessFabric({ topology: testTopology(), dataDir: join(dir, 'data'), latency: false, log: () => undefined });
    try {
      useCredentials(f, f.topology.regions.map((r) => f.regionUrl(r.name)));
      const east = f.regionUrl('r-east');
      expect((await post(`${east}/_api/collection`, { name: 'c' })).status).toBe(200);
      expect((await post(`${east}/_api/document/c`, { _key: 'saved' })).status).toBe(202);
      await f.waitForReplication();
      const file = join(dir, 'p.snapshot');
      await f.saveSnapshot(file);
      expect((await post(`${east}/_api/document/c`, { _key: 'later' })).status).toBe(202);

      const unpacked = tempDir('unpacked');
      const { header, files } = await readSnapshot(file, unpacked);
      writeFileSync(files.get('r-eu') as string, 'no longer SQLite');
      const broken = join(dir, 'broken.snapshot');
      await writeSnapshot(broken, header, files);
      await expect(f.loadSnapshot(broken)).rejects.toThrow(/the image of r-eu: cannot open it as SQLite|the image of r-eu: not a healthy SQLite database/);

      await f.loadSnapshot(file);
      await f.waitForReplication();
      expect((await get(`${f.regionUrl('r-eu')}/_api/document/c/saved`)).status).toBe(200);
      expect((await get(`${f.regionUrl('r-eu')}/_api/document/c/later`)).status).toBe(404);
    } finally {
      await f.close();
    }
  }, 90_000);
});
