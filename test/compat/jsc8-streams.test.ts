import { afterAll, describe, expect, it } from 'vitest';
import { b64, StreamClient, streamUrl, unb64 } from '../helpers/streams.js';
import { useJsc8 } from '../helpers/jsc8.js';
import type WebSocket from 'ws';

/**
 * The stream calls of jsc8@1.1.0 that speak REST, unchanged, over HTTPS through the front door.
 * Its WebSocket calls are in jsc8-streams-ws.test.ts.
 */
const j = useJsc8('r-east');
const sockets: StreamClient[] = [];
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()));
});

/**
 * The PoP (in its own thread) sees a consumer's socket close a moment after the client does, and
 * until then refuses to delete its subscription, as Pulsar does; so retry while it says exactly that.
 */
async function deleteOnceDetached(stream: string, subscription: string): Promise<{ error: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await j.client.deleteStreamSubscription(stream, subscription, false);
    } catch (e) {
      if (attempt >= 50 || !/connected consumer/.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('jsc8@1.1.0 streams over REST', () => {
  it('createStream, getStreams, publishMessage, getStreamBacklog, getStreamSubscriptions, deleteStreamSubscription', async () => {
    expect((await j.client.createStream('orders', false)).result).toEqual({ 'stream-id': 'c8globals.orders' });
    expect((await j.client.createStream('mine', true)).result).toEqual({ 'stream-id': 'c8locals.mine' });
    const topics = async (global?: boolean) => ((await j.client.getStreams(global)).result as { topic: string }[]).map((s) => s.topic).sort();
    expect(await topics()).toEqual(['c8globals.orders', 'c8locals.mine']);
    expect(await topics(true)).toEqual(['c8globals.orders']);
    expect(await j.client.hasStream('mine', true)).toBe(true);

    const consumer = await StreamClient.adopt((await j.client.subscribe('orders', false, false, 'billing')) as WebSocket);
    sockets.push(consumer);
    const stream = j.client.stream('orders', false);
    expect((await stream.publishMessage('first order')).error).toBe(false);
    await stream.publishMessage('second order');
    expect((await consumer.count(2)).map((m) => unb64(m.payload))).toEqual(['first order', 'second order']);

    // Delivered, not acknowledged: both are still the subscription's backlog.
    expect(JSON.parse((await j.client.getStreamBacklog('orders', false)).result)).toMatchObject({ messageBacklog: 2, cursorDetails: { billing: { cursorBacklog: 2 } } });
    expect(JSON.parse((await j.client.getStreamSubscriptions('orders', false)).result)).toEqual(['billing']);
    await consumer.close();
    expect((await deleteOnceDetached('orders', 'billing')).error).toBe(false);
    expect(JSON.parse((await j.client.getStreamSubscriptions('orders', false)).result)).toEqual([]);
    const err = await j.client.deleteStreamSubscription('orders', 'billing', false).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'C8Error', statusCode: 404 });
  });

  it('producer and consumer over wss:// at api-<region>.localhost, through the front door', async () => {
    await j.client.createStream('tls', false);
    const tls = { ca: j.conn.ca, lookup: j.conn.lookup };
    const consumer = await StreamClient.open(streamUrl(j.conn.apiUrl, 'consumer', 'c8globals.tls', { subscription: 's' }), {}, tls);
    const producer = await StreamClient.open(streamUrl(j.conn.apiUrl, 'producer', 'c8globals.tls'), {}, tls);
    sockets.push(consumer, producer);
    expect(j.conn.apiUrl).toMatch(/^https:\/\/api-r-east\.localhost:/);
    producer.send({ payload: b64('over tls'), context: 'c' });
    const [ack] = await producer.count(1);
    expect(ack).toMatchObject({ result: 'ok', context: 'c' });
    const [m] = await consumer.count(1);
    expect([unb64(m.payload), m.messageId]).toEqual(['over tls', ack.messageId]);
  });
});
