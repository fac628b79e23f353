import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fabricKey } from '../../src/core/scope.js';
import type { Sink } from '../../src/streams/index.js';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
beforeEach(async () => {
  t = await testRegion();
});
afterEach(async () => t.close());

/** The broker's view of a connected consumer, to give subscriptions something to count. */
class Client implements Sink {
  readonly frames: { messageId: string; payload: string }[] = [];
  send(text: string): void {
    this.frames.push(JSON.parse(text) as { messageId: string; payload: string });
  }
  close(): void {}
}

async function turn(): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await t.region.storage.committed();
}

describe('streams over REST', () => {
  it('creates streams with the prefixes of spec §9.1, lists them by global, and refuses a duplicate', async () => {
    const g = await t.client.post('/_api/streams/s1', undefined, { query: { global: true } });
    expect(g.body).toEqual({ error: false, code: 200, result: { 'stream-id': 'c8globals.s1' } });
    const l = await t.client.post('/_api/streams/s2', undefined, { query: { global: false } });
    expect(l.body.result['stream-id']).toBe('c8locals.s2');
    expect((await t.client.post('/_api/streams/c8globals.s3')).body.result['stream-id']).toBe('c8globals.s3');
    const dup = await t.client.post('/_api/streams/s1', undefined, { query: { global: 'True' } });
    expect([dup.status, dup.body.errorNum]).toEqual([409, 1207]);
    const all = await t.client.get('/_api/streams');
    expect(all.body.result.map((s: { topic: string; local: boolean }) => [s.topic, s.local])).toEqual([
      ['c8globals.s1', false],
      ['c8locals.s2', true],
      ['c8globals.s3', false],
    ]);
    expect(all.body.result[0]).toMatchObject({ db: '_system', tenant: '_mm', type: 4, _key: 'c8globals.s1' });
    expect((await t.client.get('/_api/streams', { query: { global: true } })).body.result).toHaveLength(2);
    expect((await t.client.get('/_api/streams/persistent', { query: { local: true } })).body.result.map((s: { topic: string }) => s.topic)).toEqual(['c8locals.s2']);
  });

  it('answers bad names, unknown streams and bad numbers with the GDN envelope', async () => {
    const bad = await t.client.post('/_api/streams/no.dots', undefined, { query: { global: true } });
    expect([bad.status, bad.body.errorNum]).toEqual([400, 1208]);
    const clash = await t.client.post('/_api/streams/c8locals.x', undefined, { query: { global: true } });
    expect([clash.status, clash.body.errorNum]).toEqual([400, 10]);
    const missing = await t.client.get('/_api/streams/c8globals.nope/stats');
    expect([missing.status, missing.body.errorNum, missing.body.error]).toEqual([404, 404, true]);
    const ttl = await t.client.post('/_api/streams/ttl/-4');
    expect([ttl.status, ttl.body.errorNum]).toEqual([400, 10]);
    const plain = await t.client.get('/_ws/ws/v2/producer/persistent/t/c8global._system/c8globals.s');
    expect([plain.status, plain.body.errorNum]).toEqual([400, 10]);
  });

  it('publishes the raw body, JSON-looking or not, as the base64 of its bytes', async () => {
    await t.client.post('/_api/streams/s', undefined, { query: { global: false } });
    for (const raw of ['Hello raw', '{"a": 1}', '']) {
      const r = await t.client.post('/_api/streams/c8locals.s/publish', undefined, { raw, query: { global: false } });
      expect([r.status, r.body.error, r.body.code]).toEqual([202, false, 202]);
    }
    const rec = t.region.storage.streams.require(fabricKey(t.credentials.tenant, '_system'), 'c8locals.s');
    expect(t.region.storage.streams.messages.range(rec.id, 0, 10).map((m) => Buffer.from(m.payload, 'base64').toString())).toEqual(['Hello raw', '{"a": 1}', '']);
  });

  it('reports backlog, stats and subscriptions as JSON text; deletes a subscription, refusing one with consumers', async () => {
    await t.client.post('/_api/streams/s', undefined, { query: { global: true } });
    const rec = t.region.storage.streams.require(fabricKey(t.credentials.tenant, '_system'), 'c8globals.s');
    const c = new Client();
    const handle = t.region.streams().subscribe(rec, 'sub', { type: 'Exclusive', consumerName: 'me', queueSize: 1000, ackTimeoutMs: 0, nackDelayMs: 1000, pullMode: false }, c);
    for (const raw of ['a', 'b', 'c']) await t.client.post('/_api/streams/c8globals.s/publish', undefined, { raw });
    await turn();
    handle.ack(c.frames[0]!.messageId);
    await turn();
    const backlog = JSON.parse((await t.client.get('/_api/streams/c8globals.s/backlog', { query: { global: true } })).body.result);
    expect(backlog).toMatchObject({ totalMessages: 3, messageBacklog: 2, cursorDetails: { sub: { cursorBacklog: 2 } } });
    const stats = JSON.parse((await t.client.get('/_api/streams/c8globals.s/stats')).body.result);
    expect(stats).toMatchObject({ msgCount: 3, msgOutCounter: 3, subscriptions: { sub: { type: 'Exclusive', msgBacklog: 2, unackedMessages: 2, consumers: [{ consumerName: 'me', unackedMessages: 2 }] } } });
    expect(JSON.parse((await t.client.get('/_api/streams/c8globals.s/subscriptions')).body.result)).toEqual(['sub']);
    const busy = await t.client.delete('/_api/streams/c8globals.s/subscriptions/sub');
    expect([busy.status, busy.body.errorNum]).toEqual([412, 1200]);
    handle.close();
    expect((await t.client.delete('/_api/streams/c8globals.s/subscriptions/sub')).body).toEqual({ error: false, code: 200, result: {} });
    const gone = await t.client.delete('/_api/streams/c8globals.s/subscriptions/sub');
    expect([gone.status, gone.body.errorNum]).toEqual([404, 404]);
  });

  it('clears backlogs, expires old messages and unsubscribes everywhere', async () => {
    for (const s of ['a', 'b']) await t.client.post(`/_api/streams/${s}`, undefined, { query: { global: false } });
    const recs = ['a', 'b'].map((s) => t.region.storage.streams.require(fabricKey(t.credentials.tenant, '_system'), `c8locals.${s}`));
    for (const rec of recs) t.region.streams().subscribe(rec, 'sub', { type: 'Shared', consumerName: '', queueSize: 1, ackTimeoutMs: 0, nackDelayMs: 1000, pullMode: false }, new Client()).close();
    await t.client.post('/_api/streams/c8locals.a/publish', undefined, { raw: 'old' });
    t.clock.advance(60_000);
    await t.client.post('/_api/streams/c8locals.a/publish', undefined, { raw: 'new' });
    const backlog = async () => JSON.parse((await t.client.get('/_api/streams/c8locals.a/backlog')).body.result).cursorDetails.sub.cursorBacklog;
    expect(await backlog()).toBe(2);
    expect((await t.client.post('/_api/streams/c8locals.a/expiry/30')).body).toEqual({ error: false, code: 200, result: '' });
    expect(await backlog()).toBe(1);
    expect((await t.client.post('/_api/streams/clearbacklog/sub')).status).toBe(200);
    expect(await backlog()).toBe(0);
    expect((await t.client.post('/_api/streams/unsubscribe/sub')).status).toBe(200);
    for (const s of ['a', 'b']) expect(JSON.parse((await t.client.get(`/_api/streams/c8locals.${s}/subscriptions`)).body.result)).toEqual([]);
    const none = await t.client.delete('/_api/streams/subscription/sub');
    expect(none.status).toBe(404);
  });

  it("sets and reads the fabric's message ttl", async () => {
    expect((await t.client.get('/_api/streams/ttl')).body).toEqual({ error: false, code: 200, result: '0' });
    expect((await t.client.post('/_api/streams/ttl/3600')).status).toBe(200);
    expect((await t.client.get('/_api/streams/ttl')).body.result).toBe('3600');
  });

  it('deletes a stream; one in use only with force', async () => {
    await t.client.post('/_api/streams/s', undefined, { query: { global: true } });
    const rec = t.region.storage.streams.require(fabricKey(t.credentials.tenant, '_system'), 'c8globals.s');
    const c = new Client();
    t.region.streams().subscribe(rec, 'sub', { type: 'Exclusive', consumerName: '', queueSize: 10, ackTimeoutMs: 0, nackDelayMs: 1000, pullMode: false }, c);
    const busy = await t.client.delete('/_api/streams/c8globals.s');
    expect([busy.status, busy.body.errorNum]).toEqual([412, 1200]);
    expect((await t.client.delete('/_api/streams/c8globals.s', undefined, { query: { force: true } })).body).toEqual({ error: false, code: 200, result: {} });
    expect((await t.client.get('/_api/streams')).body.result).toEqual([]);
  });

  it("serves a collection's change stream by the collection's name and refuses publishing to it", async () => {
    await t.client.post('/_api/collection', { name: 'cars', stream: true });
    await t.client.post('/_api/document/cars', { _key: 'k' });
    const backlog = JSON.parse((await t.client.get('/_api/streams/cars/backlog', { query: { global: false } })).body.result);
    expect(backlog.totalMessages).toBe(1);
    const r = await t.client.post('/_api/streams/cars/publish', undefined, { raw: 'x' });
    expect([r.status, r.body.errorNum]).toEqual([403, 11]);
  });
});
