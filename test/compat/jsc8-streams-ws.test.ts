import { afterAll, describe, expect, it, vi } from 'vitest';
import type WebSocket from 'ws';
import { OTP_TTL_MS } from '../../src/auth/index.js';
import { b64, StreamClient, unb64 } from '../helpers/streams.js';
import { Jsc8, useJsc8 } from '../helpers/jsc8.js';

/**
 * jsc8@1.1.0's WebSocket calls, unchanged, over wss:// through the front door: each asks
 * GET /datacenter/local for `tags.url`, POST /apid/otp for a one-time password, then opens
 * `new WebSocket('wss://api-<tags.url>/_ws/ws/v2/…?otp=…')` with no options (node_modules/jsc8
 * lib/cjs/client.js, stream.js). jsC8's "readers" are consumers (spec/gdn-api.md §9.3).
 */
const j = useJsc8('r-east');
const sockets: StreamClient[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
});

/** A socket jsC8 returned, once open (or the refusal it met). */
async function opened(call: Promise<unknown>): Promise<StreamClient> {
  const c = await StreamClient.adopt((await call) as WebSocket);
  sockets.push(c);
  return c;
}

/** The backlog of each subscription of a topic, as jsC8's getStreamBacklog reads it. */
async function cursorBacklogs(name: string, local: boolean): Promise<Record<string, number>> {
  const r = JSON.parse((await j.client.getStreamBacklog(name, local)).result) as { cursorDetails: Record<string, { cursorBacklog: number }> };
  return Object.fromEntries(Object.entries(r.cursorDetails).map(([s, d]) => [s, d.cursorBacklog]));
}

describe('jsc8@1.1.0 stream WebSockets', () => {
  it('createStreamProducer, subscribe and createStreamReader: producer acks, deliveries in order, consumer acks', async () => {
    await j.client.createStream('ws-orders', false);
    const shipping = await opened(j.client.subscribe('ws-orders', false, false, 'shipping'));
    const audit = await opened(j.client.createStreamReader('ws-orders', 'audit', false));
    const producer = await opened(j.client.createStreamProducer('ws-orders', false));
    expect(producer.ws.url).toMatch(/^wss:\/\/api-r-east\.localhost:\d+\/_ws\/ws\/v2\/producer\/persistent\/_mm\/c8global\._system\/c8globals\.ws-orders\?otp=./);
    expect(shipping.ws.url).toContain('/_ws/ws/v2/consumer/persistent/_mm/c8global._system/c8globals.ws-orders/shipping?otp=');

    producer.send({ payload: b64('first'), properties: { kind: 'order' }, key: 'o-1', context: 'a' });
    producer.send({ payload: b64('second'), context: 'b' });
    const acks = await producer.count(2);
    expect(acks.map((a) => [a.result, a.context])).toEqual([['ok', 'a'], ['ok', 'b']]);
    for (const c of [shipping, audit]) {
      const got = await c.count(2);
      expect(got.map((m) => [unb64(m.payload), m.messageId, m.redeliveryCount])).toEqual([['first', acks[0].messageId, 0], ['second', acks[1].messageId, 0]]);
      expect(got[0]).toMatchObject({ properties: { kind: 'order' }, key: 'o-1' });
    }

    // Acknowledged by one subscription only: the other still holds both.
    for (const m of await shipping.count(2)) shipping.send({ messageId: m.messageId });
    await vi.waitFor(async () => expect(await cursorBacklogs('ws-orders', false)).toEqual({ shipping: 0, audit: 2 }), { timeout: 10_000 });
  });

  it('on a local stream, and at the region jsC8 is told (dcName) rather than its local one', async () => {
    await j.client.createStream('ws-here', true);
    const eu = `r-eu.localhost:${j.conn.port}`;
    const consumer = await opened(j.client.subscribe('ws-here', true, false, 'here'));
    const producer = await opened(j.client.createStreamProducer('ws-here', true));
    expect(consumer.ws.url).toContain('/c8local._system/c8locals.ws-here/here?otp=');
    producer.send({ payload: b64('local'), context: '1' });
    expect(unb64((await consumer.count(1))[0].payload)).toBe('local');

    // A local stream lives at its region only: r-eu does not have it.
    const away = await opened(j.client.subscribe('ws-here', true, false, 'away', eu)).catch((e: unknown) => e);
    expect(away).toMatchObject({ status: 404, body: { error: true, code: 404 } });
    // A global one is served at r-eu too, and messages published at r-east arrive there.
    await j.client.createStream('ws-everywhere', false);
    const there = await opened(j.client.subscribe('ws-everywhere', false, false, 'there', eu));
    expect(there.ws.url).toMatch(/^wss:\/\/api-r-eu\.localhost:/);
    const here = await opened(j.client.createStreamProducer('ws-everywhere', false));
    here.send({ payload: b64('crossed'), context: 'x' });
    expect(unb64((await there.count(1))[0].payload)).toBe('crossed');
  });

  it('onCollectionChange reports an insert, an update and a delete as base64 JSON of the document after the write', async () => {
    await j.client.createCollection('watched', { stream: true });
    const changes = await opened(j.client.onCollectionChange('watched'));
    expect(changes.ws.url).toContain('/_ws/ws/v2/consumer/persistent/_mm/c8local._system/watched/subs?otp=');
    await j.client.insertDocument('watched', { _key: 'a', n: 1 });
    await j.client.updateDocument('watched', 'a', { n: 2 });
    await j.client.deleteDocument('watched', 'a');
    const docs = (await changes.count(3)).map((m) => JSON.parse(unb64(m.payload)) as Record<string, unknown>);
    expect(docs[0]).toMatchObject({ _key: 'a', n: 1 });
    expect(docs[1]).toMatchObject({ _key: 'a', n: 2 });
    expect(docs[2]).toMatchObject({ _key: 'a', _delete: true });
    expect(docs.slice(0, 2).map((d) => d['_delete'])).toEqual([undefined, undefined]);
  });
});

describe('jsc8@1.1.0 stream WebSockets refused', () => {
  const dc = () => `r-east.localhost:${j.conn.port}`;

  it('a wrong, a reused or a missing OTP is 401 with the GDN envelope, and the open sockets go on', async () => {
    await j.client.createStream('ws-guarded', false);
    const consumer = await opened(j.client.subscribe('ws-guarded', false, false, 'g'));
    const producer = await opened(j.client.createStreamProducer('ws-guarded', false));
    const stream = j.client.stream('ws-guarded', false);
    const refusal = (params: object) => opened(Promise.resolve(stream.producer(dc(), params))).then(() => 'opened', (e: { status: number; body: unknown }) => [e.status, e.body]);
    const unauthorized = [401, expect.objectContaining({ error: true, code: 401, errorNum: 11 })];

    expect(await refusal({ otp: 'not-an-otp' })).toEqual(unauthorized);
    const otp = (await stream.getOtp()) as string;
    expect(await refusal({ otp: `${otp.slice(0, -4)}AAAA` })).toEqual(unauthorized);
    expect(await refusal({ otp })).toBe('opened');
    expect(await refusal({ otp })).toEqual(unauthorized);
    expect(await refusal({})).toEqual(unauthorized);

    producer.send({ payload: b64('still here'), context: 'z' });
    expect((await producer.count(1))[0]).toMatchObject({ result: 'ok', context: 'z' });
    expect(unb64((await consumer.count(1))[0].payload)).toBe('still here');
  });

  it('an OTP older than its ten seconds on the fabric clock is 401', async () => {
    await j.client.createStream('ws-late', false);
    const stream = j.client.stream('ws-late', false);
    const otp = (await stream.getOtp()) as string;
    await j.fabric.clock({ advance: OTP_TTL_MS + 1000 });
    const late = await opened(Promise.resolve(stream.producer(dc(), { otp }))).catch((e: unknown) => e);
    expect(late).toMatchObject({ status: 401, body: { error: true, code: 401, errorNum: 11, errorMessage: expect.stringMatching(/otp is unknown, expired or used/) } });
    const fresh = await opened(Promise.resolve(stream.producer(dc(), { otp: await stream.getOtp() })));
    expect(fresh.closed).toBeUndefined();
  });

  it('a key with ro or none on a stream cannot produce, with none or wo cannot consume; wo produces', async () => {
    await j.client.createStream('ws-granted', false);
    const key = (await j.client.createApiKey('streamer')).key as string;
    const as = new Jsc8({ ...j.conn.jsc8, apiKey: key });
    const listener = await opened(j.client.subscribe('ws-granted', false, false, 'root-sees'));
    const attempt = async (level: string, role: 'producer' | 'consumer') => {
      await j.client.setStreamAccessLevel('streamer', '_system', 'c8globals.ws-granted', level);
      const call = role === 'producer' ? as.createStreamProducer('ws-granted', false) : as.subscribe('ws-granted', false, false, `as-${level}`);
      return opened(call).then(
        () => 'opened',
        (e: { status: number; body: { errorNum: number; errorMessage: string } }) => [e.status, e.body.errorNum, e.body.errorMessage],
      );
    };
    try {
      const refused = (level: string, verb: string) => [403, 11, `API key 'streamer' has ${level} access to stream 'c8globals.ws-granted': it cannot ${verb}`];
      expect(await attempt('ro', 'producer')).toEqual(refused('ro', 'produce'));
      expect(await attempt('none', 'producer')).toEqual(refused('none', 'produce'));
      expect(await attempt('none', 'consumer')).toEqual(refused('none', 'consume or read'));
      expect(await attempt('wo', 'consumer')).toEqual(refused('wo', 'consume or read'));
      expect(await attempt('ro', 'consumer')).toBe('opened');
      expect(await attempt('wo', 'producer')).toBe('opened');
      const producer = sockets.at(-1)!;
      producer.send({ payload: b64('write only'), context: 'w' });
      expect((await producer.count(1))[0]).toMatchObject({ result: 'ok' });
      expect(unb64((await listener.count(1))[0].payload)).toBe('write only');
    } finally {
      as.close();
    }
  });
});
