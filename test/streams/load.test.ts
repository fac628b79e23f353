import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { launchFabric, type LocalFabric } from '../../src/fabric/local-fabric.js';
import { authorizationFor, get, post, useCredentials } from '../helpers/http.js';
import { b64, streamUrl, unb64 } from '../helpers/streams.js';
import { testTopology } from '../helpers/topology.js';

/**
 * 1,000 consumers on one PoP, each on its own subscription of one stream, and a publisher at a
 * steady rate for a bounded time: every consumer gets every message once, in order, and the heap
 * after the run is within 10% of the heap after warm-up (both after a full collection). Consumers
 * keep only counters, so the heap measured is the fabric's, not the test's.
 */
const CONSUMERS = 1000;
const RATE = 50;
const WARMUP_MESSAGES = 50;
const RUN_MESSAGES = 200;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMb(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** A consumer that acks everything and checks that message n arrives as the n-th, once. */
class CountingConsumer {
  next = 0;
  problems: string[] = [];
  private ws!: WebSocket;

  static async open(url: string): Promise<CountingConsumer> {
    const c = new CountingConsumer();
    c.ws = new WebSocket(url, { perMessageDeflate: false, headers: { authorization: authorizationFor(url.replace(/^ws/, 'http')) ?? '' } });
    c.ws.on('message', (data) => {
      const m = JSON.parse(String(data)) as { messageId: string; payload: string; redeliveryCount: number };
      const n = Number(unb64(m.payload));
      if (n !== c.next) c.problems.push(`got ${n}, expected ${c.next}`);
      c.next = Math.max(c.next, n + 1);
      c.ws.send(JSON.stringify({ messageId: m.messageId }));
    });
    await new Promise((resolve, reject) => {
      c.ws.once('open', resolve);
      c.ws.once('error', reject);
    });
    return c;
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

let f: LocalFabric;
let producer: WebSocket;
const consumers: CountingConsumer[] = [];
beforeAll(async () => {
  f = await launchFabric({ topology: testTopology(), latency: false });
  useCredentials(f);
});
afterAll(async () => {
  producer?.close();
  await Promise.all(consumers.map((c) => c.close()));
  await f.close();
});

/** Publishes messages `from`..`to - 1` at RATE a second; resolves once every consumer has them all. */
async function publish(from: number, to: number): Promise<void> {
  const start = performance.now();
  for (let n = from; n < to; ) {
    const due = Math.min(to, from + Math.floor(((performance.now() - start) / 1000) * RATE));
    for (; n < due; n++) producer.send(JSON.stringify({ payload: b64(String(n)) }));
    await new Promise((r) => setTimeout(r, 5));
  }
  const deadline = performance.now() + 60_000;
  while (consumers.some((c) => c.next < to) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Waits until the fabric is at rest: every message replicated, and the broker holds no message
 * unacked or in a backlog. Consumers ack as they count, so right after the last delivery up to one
 * message per consumer is still awaiting its ack, and those held copies are not growth.
 */
async function settle(base: string): Promise<void> {
  await f.waitForReplication();
  const deadline = performance.now() + 60_000;
  for (;;) {
    const stats = JSON.parse((await get(`${base}/_fabric/_system/_api/streams/load/stats`)).body.result as string) as {
      subscriptions: Record<string, { msgBacklog: number; unackedMessages: number }>;
    };
    const busy = Object.values(stats.subscriptions).filter((s) => s.msgBacklog > 0 || s.unackedMessages > 0).length;
    if (busy === 0) return;
    if (performance.now() > deadline) throw new Error(`${busy} subscriptions still hold messages after 60 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('stream load', () => {
  it(`${CONSUMERS} consumers and a steady publisher: no message lost or duplicated, memory steady`, async () => {
    const base = f.region('r-east').url();
    const topic = (await post(`${base}/_fabric/_system/_api/streams/load`)).body.result['stream-id'] as string;
    for (let i = 0; i < CONSUMERS; i += 50) {
      consumers.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => CountingConsumer.open(streamUrl(base, 'consumer', topic, { subscription: `s${i + j}` }))))));
    }
    producer = new WebSocket(streamUrl(base, 'producer', topic), { perMessageDeflate: false, headers: { authorization: authorizationFor(base) ?? '' } });
    await new Promise((resolve) => producer.once('open', resolve));

    // Both heaps are taken at rest (every message delivered, acked and replicated): on a busy machine
    // acks and replication frames still on their way would otherwise count as growth.
    await publish(0, WARMUP_MESSAGES);
    await settle(base);
    const warm = heapMb();
    const start = performance.now();
    await publish(WARMUP_MESSAGES, WARMUP_MESSAGES + RUN_MESSAGES);
    const seconds = (performance.now() - start) / 1000;
    await settle(base);
    const after = heapMb();
    const deliveries = CONSUMERS * RUN_MESSAGES;
    console.log(
      `stream load: ${CONSUMERS} consumers, ${RUN_MESSAGES} messages at ${RATE}/s: ${deliveries} deliveries in ${seconds.toFixed(1)} s; ` +
        `heap after warm-up ${warm.toFixed(1)} MB, after the run ${after.toFixed(1)} MB (${(((after - warm) / warm) * 100).toFixed(1)}%), rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    expect(consumers.filter((c) => c.next !== WARMUP_MESSAGES + RUN_MESSAGES).length).toBe(0);
    expect(consumers.flatMap((c) => c.problems)).toEqual([]);
    expect(after).toBeLessThanOrEqual(warm * 1.1);
  }, 180_000);
});
