import { afterEach, describe, expect, it } from 'vitest';
import { startProcessFabric, type ProcessFabric } from '../../src/index.js';
import { post, useCredentials } from '../helpers/http.js';
import { b64, StreamClient, streamUrl, unb64 } from '../helpers/streams.js';
import { tempDir } from '../helpers/tmp.js';
import { testTopology } from '../helpers/topology.js';

let fabric: ProcessFabric | undefined;
const clients: StreamClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await fabric?.close();
  fabric = undefined;
});

async function open(url: string): Promise<StreamClient> {
  const c = await StreamClient.open(url);
  clients.push(c);
  return c;
}

/** Frames until one carries `payload` (base64 of it); fails if the socket closes first. */
async function until(c: StreamClient, payload: string): Promise<string[]> {
  for (let n = 1; ; n++) {
    const frames = await c.count(n, 20_000);
    if (unb64(frames[n - 1].payload) === payload) return frames.map((f) => unb64(f.payload));
  }
}

describe('a PoP killed with SIGKILL during a stream of publishes (--processes)', () => {
  it('loses no acknowledged message and redelivers what its consumer had not acknowledged', async () => {
    fabric = await startProcessFabric({ topology: testTopology({ linkMs: 20, accessMs: 0 }), dataDir: tempDir('stream-crash'), latency: true, log: () => undefined });
    useCredentials(fabric, fabric.topology.regions.map((r) => fabric!.regionUrl(r.name)));
    const victim = fabric.regionUrl('r-east');
    const topic = (await post(`${victim}/_fabric/_system/_api/streams/orders?global=true`)).body.result['stream-id'] as string;
    await fabric.waitForReplication();

    // The consumer acknowledges the even messages as they arrive and leaves the odd ones.
    const consumerUrl = streamUrl(victim, 'consumer', topic, { subscription: 'sub' });
    const consumer = await open(consumerUrl);
    const consumerAcked = new Set<string>();
    consumer.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { messageId: string; payload: string };
      if (Number(unb64(m.payload).slice(1)) % 2 === 0) {
        consumer.send({ messageId: m.messageId });
        consumerAcked.add(unb64(m.payload));
      }
    });

    // The producer publishes one message at a time; a message is owed once its ack came back.
    const producer = await open(streamUrl(victim, 'producer', topic));
    const published: string[] = [];
    const publishing = (async () => {
      for (let i = 0; i < 2000 && !producer.closed; i++) {
        producer.send({ payload: b64(`m${i}`), context: String(i) });
        try {
          const ack = (await producer.count(i + 1, 5000))[i];
          if (ack.result === 'ok') published.push(`m${i}`);
        } catch {
          return;
        }
      }
    })();
    while (published.length < 100) await new Promise((r) => setTimeout(r, 5));
    await fabric.kill('r-east');
    await publishing;
    expect(published.length).toBeGreaterThanOrEqual(100);
    expect(published.length).toBeLessThan(2000);

    await fabric.restart('r-east');
    await fabric.waitForReplication({ timeoutMs: 30_000 });
    const last = published[published.length - 1]!;

    // Every acknowledged publish is at both PoPs, in producer order.
    for (const region of ['r-east', 'r-eu']) {
      const reader = await open(streamUrl(fabric.regionUrl(region), 'reader', topic, { params: { messageId: 'earliest' } }));
      const seen = await until(reader, last);
      expect(seen.filter((p) => published.includes(p))).toEqual(published);
    }

    // What the consumer had not acknowledged comes back to the subscription, in order; acknowledged ones may come back
    // only when their ack had not committed yet, so the owed ones are checked, not the exact set.
    const again = await open(consumerUrl);
    const owed = published.filter((p) => !consumerAcked.has(p));
    const redelivered = await until(again, owed[owed.length - 1]!);
    expect(owed.filter((p) => !redelivered.includes(p))).toEqual([]);
    const order = redelivered.map((p) => Number(p.slice(1)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  }, 120_000);
});
