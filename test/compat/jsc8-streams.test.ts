import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gdnConnection, startFabric, type Fabric, type GdnConnection } from '../../src/index.js';
import { b64, StreamClient, streamUrl, unb64 } from '../helpers/streams.js';
import { testTopology } from '../helpers/topology.js';

/**
 * The stream calls of jsc8@1.1.0 that speak REST, unchanged, over HTTPS through the front door.
 * Its WebSocket calls (createStreamProducer, createStreamReader, subscribe, onCollectionChange)
 * first ask POST /apid/otp for a one-time password, which comes with auth (issue 10).
 */
const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const jsc8 = require('jsc8') as new (config: object) => any;
const API_KEY = 'demo_example.com.streams.AbCdEf123';

let fabric: Fabric;
let conn: GdnConnection;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
let client: any;
const sockets: StreamClient[] = [];
beforeAll(async () => {
  fabric = await startFabric({ topology: testTopology(), latency: false, https: true });
  conn = await gdnConnection(fabric, { region: 'r-east' });
  client = new jsc8({ ...conn.jsc8, apiKey: API_KEY });
}, 60_000);
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
  client?.close();
  await conn?.close();
  await fabric?.close();
});

describe('jsc8@1.1.0 streams over REST', () => {
  it('createStream, getStreams, publishMessage, getStreamBacklog, getStreamSubscriptions, deleteStreamSubscription', async () => {
    expect((await client.createStream('orders', false)).result).toEqual({ 'stream-id': 'c8globals.orders' });
    expect((await client.createStream('mine', true)).result).toEqual({ 'stream-id': 'c8locals.mine' });
    const topics = async (global?: boolean) => ((await client.getStreams(global)).result as { topic: string }[]).map((s) => s.topic).sort();
    expect(await topics()).toEqual(['c8globals.orders', 'c8locals.mine']);
    expect(await topics(true)).toEqual(['c8globals.orders']);
    expect(await client.hasStream('mine', true)).toBe(true);

    // A subscription made over the WebSocket endpoint directly (jsC8's own needs an OTP).
    const consumer = await StreamClient.open(streamUrl(fabric.region('r-east').url(), 'consumer', 'c8globals.orders', { subscription: 'billing' }));
    sockets.push(consumer);
    const stream = client.stream('orders', false);
    expect((await stream.publishMessage('first order')).error).toBe(false);
    await stream.publishMessage('second order');
    expect((await consumer.count(2)).map((m) => unb64(m.payload))).toEqual(['first order', 'second order']);

    // Delivered, not acknowledged: both are still the subscription's backlog.
    expect(JSON.parse((await client.getStreamBacklog('orders', false)).result)).toMatchObject({ messageBacklog: 2, cursorDetails: { billing: { cursorBacklog: 2 } } });
    expect(JSON.parse((await client.getStreamSubscriptions('orders', false)).result)).toEqual(['billing']);
    await consumer.close();
    expect((await client.deleteStreamSubscription('orders', 'billing', false)).error).toBe(false);
    expect(JSON.parse((await client.getStreamSubscriptions('orders', false)).result)).toEqual([]);
    const err = await client.deleteStreamSubscription('orders', 'billing', false).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'C8Error', statusCode: 404 });
  });

  it('producer and consumer over wss:// at api-<region>.localhost, through the front door', async () => {
    await client.createStream('tls', false);
    const tls = { ca: conn.ca, lookup: conn.lookup };
    const consumer = await StreamClient.open(streamUrl(conn.apiUrl, 'consumer', 'c8globals.tls', { subscription: 's' }), {}, tls);
    const producer = await StreamClient.open(streamUrl(conn.apiUrl, 'producer', 'c8globals.tls'), {}, tls);
    sockets.push(consumer, producer);
    expect(conn.apiUrl).toMatch(/^https:\/\/api-r-east\.localhost:/);
    producer.send({ payload: b64('over tls'), context: 'c' });
    const [ack] = await producer.count(1);
    expect(ack).toMatchObject({ result: 'ok', context: 'c' });
    const [m] = await consumer.count(1);
    expect([unb64(m.payload), m.messageId]).toEqual(['over tls', ack.messageId]);
  });
});
