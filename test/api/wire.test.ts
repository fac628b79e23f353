import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { canonicalUrl, normalizeUrl } from '../../src/api/paths.js';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion({ bodyLimit: 64 * 1024 });
  await t.client.post('/_api/collection', { name: 'c' });
  await t.client.post('/_api/document/c', { _key: 'k', v: 1 });
});
afterEach(async () => t.close());

describe('path forms (spec §1.2)', () => {
  it.each([
    '/_fabric/_system/_api/document/c/k',
    '/_fabric/_system/document/c/k',
    '/_tenant/_mm/_fabric/_system/_api/document/c/k',
    '/_tenant/_mm/_fabric/_system/document/c/k',
    '/_api/document/c/k',
    '/_fabric/_system/_api/document/c/k/',
    '/_fabric/_system//document/c/k?',
  ])('%s reaches the document', async (path) => {
    const r = await t.client.get(path);
    expect(r.status).toBe(200);
    expect(r.body.v).toBe(1);
  });

  it('normalises to one canonical form and keeps the tenant', () => {
    expect(normalizeUrl('/_tenant/t1/_fabric/f/_api/restql/execute/x?a=1')).toEqual({ url: '/_fabric/f/restql/execute/x?a=1', tenant: 't1' });
    expect(normalizeUrl('/_api/datacenter/all')).toEqual({ url: '/datacenter/all', tenant: undefined });
    expect(normalizeUrl('/_api/version')).toEqual({ url: '/_fabric/_system/version', tenant: undefined });
    expect(normalizeUrl('/datacenter/local/')).toEqual({ url: '/datacenter/local', tenant: undefined });
  });

  it('routes by the canonical form however often, and however long, a URL comes', () => {
    const urls = ['/_api/kv/s/value', '/_fabric/f/_api/document/c/k?x=1', `/_api/document/c/k?q=${'a'.repeat(300)}`];
    for (let round = 0; round < 3; round++) for (const u of urls) expect(canonicalUrl(u)).toBe(normalizeUrl(u).url);
    // More distinct URLs than it remembers: the first ones are forgotten, not answered wrongly.
    for (let i = 0; i < 1500; i++) expect(canonicalUrl(`/_api/document/c/k${i}`)).toBe(`/_fabric/_system/document/c/k${i}`);
    expect(canonicalUrl('/_api/kv/s/value')).toBe('/_fabric/_system/kv/s/value');
  });
});

describe('headers and envelopes', () => {
  it('sets x-gdn-region and a fresh x-gdn-requestid on success and error', async () => {
    const a = await t.client.get('/_api/document/c/k');
    const b = await t.client.get('/_api/document/c/missing');
    for (const r of [a, b]) expect(r.headers['x-gdn-region']).toBe(t.region.name);
    expect(a.headers['x-gdn-requestid']).toBeTruthy();
    expect(a.headers['x-gdn-requestid']).not.toBe(b.headers['x-gdn-requestid']);
    // Latency is off here: nothing charged, and it says so.
    expect(a.headers['x-gdn-client-delay-ms']).toBe('0');
  });

  it('parses JSON whatever the content-type', async () => {
    const r = await t.client.post('/_api/document/c', undefined, { raw: '{"_key":"txt"}', headers: { 'content-type': 'text/plain' } });
    expect(r.status).toBe(202);
    const none = await t.client.post('/_api/document/c', undefined, { raw: '{"_key":"none"}', headers: { 'content-type': '' } });
    expect(none.status).toBe(202);
  });

  it('malformed JSON is 400/600 with all four envelope fields and a JSON content-type', async () => {
    const r = await t.client.post('/_api/document/c', undefined, { raw: '{"a":' });
    expect(r.status).toBe(400);
    expect(Object.keys(r.body).sort()).toEqual(['code', 'error', 'errorMessage', 'errorNum']);
    expect(r.body.errorNum).toBe(600);
    expect(String(r.headers['content-type'])).toMatch(/^application\/json/);
  });

  it('an oversized body is 413 and nothing is stored', async () => {
    const r = await t.client.post('/_api/document/c', { _key: 'big', blob: 'x'.repeat(70 * 1024) });
    expect(r.status).toBe(413);
    expect(r.body).toMatchObject({ error: true, code: 413, errorNum: 413 });
    expect((await t.client.get('/_api/document/c/big')).status).toBe(404);
  });

  it('refuses __proto__ attributes instead of silently dropping them', async () => {
    const r = await t.client.post('/_api/document/c', undefined, { raw: '{"_key":"p","__proto__":{"x":1}}' });
    expect(r.status).toBe(400);
    expect(r.body.errorNum).toBe(600);
  });

  it('unknown paths and bad boolean parameters get envelopes', async () => {
    const r = await t.client.get('/_api/nothing-here');
    expect(r.status).toBe(404);
    expect(r.body.errorNum).toBe(404);
    const b = await t.client.post('/_api/document/c', {}, { query: { returnNew: 'maybe' } });
    expect(b.status).toBe(400);
    expect(b.body.errorNum).toBe(10);
  });

  it('accepts pyC8-style capitalised booleans', async () => {
    const r = await t.client.post('/_api/document/c', { a: 1 }, { query: { returnNew: 'True' } });
    expect(r.body.new.a).toBe(1);
  });
});

describe('datacenters and version', () => {
  it('lists every region with local=true for the serving PoP', async () => {
    const all = await t.client.get('/datacenter/all');
    expect(all.status).toBe(200);
    expect(Array.isArray(all.body)).toBe(true);
    for (const dc of all.body) {
      for (const k of ['_key', 'host', 'local', 'name', 'spot_region', 'status', 'tags']) expect(dc).toHaveProperty(k);
      expect(dc.tags.url).not.toMatch(/http|api-/);
    }
    expect(all.body.filter((d: { local: boolean }) => d.local).map((d: { name: string }) => d.name)).toEqual([t.region.name]);
  });

  it('local, by name, by tenant, and 404 for an unknown one', async () => {
    const local = await t.client.get('/datacenter/local');
    expect(local.body).toMatchObject({ name: t.region.name, local: true, status: 0 });
    expect(local.body.locationInfo).toMatchObject({ city: t.region.spec.city, countrycode: t.region.spec.country });
    expect((await t.client.get(`/datacenter/${t.region.name}`)).body.name).toBe(t.region.name);
    expect((await t.client.get('/_api/datacenter/local')).body.name).toBe(t.region.name);
    const tenant = await t.client.get('/datacenter/_tenant/_mm');
    expect(tenant.body[0].tenant).toBe('_mm');
    expect((await t.client.get('/datacenter/nowhere')).status).toBe(404);
  });

  it('version says C8DB at every path form, with details only when asked for', async () => {
    const forms = ['/_api/version', '/_fabric/_system/_api/version?details=false', '/_fabric/_system/version', '/_tenant/demo_example.com/_fabric/_system/_api/version', '/_api/version/', '/_api/version?'];
    for (const p of forms) {
      const r = await t.client.get(p);
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ server: 'C8DB', license: 'Macrometa', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    }
    for (const q of ['true', 'True', '1']) {
      const r = await t.client.get(`/_fabric/_system/_api/version?details=${q}`);
      expect(r.body.details).toMatchObject({ emulator: 'fabric-emu', region: t.region.name, 'https-front-door': 'none' });
    }
    expect((await t.client.get('/_api/version?details=maybe')).body).toMatchObject({ error: true, code: 400, errorNum: 10 });
    expect((await t.client.get('/_fabric/nofabric/_api/version')).body).toMatchObject({ code: 404, errorNum: 1228 });
  });

  it('without a front door names the plain port and says there is none', async () => {
    const dc = (await t.client.get('/datacenter/local')).body;
    expect(dc.tags).toMatchObject({ api: `api-${t.region.name}.localhost:${t.region.port()}`, url: `${t.region.name}.localhost:${t.region.port()}` });
    expect(dc.tags.note).toMatch(/no HTTPS front door: this PoP runs alone/);
    expect(dc.locationInfo.url).toBe(dc.tags.url);
  });
});
