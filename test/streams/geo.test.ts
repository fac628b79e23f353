import { afterEach, describe, expect, it } from 'vitest';
import { defaultTopology, startFabric, type Fabric, type Topology } from '../../src/index.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { b64, StreamClient, streamUrl, unb64 } from '../helpers/streams.js';

/**
 * Global streams between gdn-us-east and gdn-ap-west of the default topology, with the link's real
 * delay (190 ms round trip, so 95 ms one way; jitter off so that the bound below is exact).
 */
const EAST = 'gdn-us-east';
const AP = 'gdn-ap-west';
const ACK_TIMEOUT_MS = 1000;

function twoRegions(): { topology: Topology; oneWayMs: number } {
  const topology = defaultTopology();
  topology.regions = topology.regions.filter((r) => r.name === EAST || r.name === AP).map((r) => ({ ...r, port: 0 }));
  topology.global = { port: 0 };
  // No front door: the default's fixed HTTPS port would collide with other fabrics on this machine.
  delete topology.https;
  const key = [EAST, AP].sort().join('|');
  const link = { ...topology.links[key]!, jitterMs: 0, distribution: 'constant' as const };
  topology.links = { [key]: link };
  return { topology, oneWayMs: link.rttMs / 2 };
}

let fabric: Fabric | undefined;
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

/** A global stream created at gdn-us-east and known at every PoP. */
async function globalStream(f: Fabric, name: string): Promise<string> {
  const r = await post(`${f.region(EAST).url()}/_fabric/_system/_api/streams/${name}?global=true`);
  expect(r.status).toBe(200);
  await f.waitForReplication();
  return r.body.result['stream-id'] as string;
}

async function publish(producer: StreamClient, payloads: string[]): Promise<string[]> {
  const before = producer.frames.length;
  for (const [i, p] of payloads.entries()) producer.send({ payload: b64(p), context: String(i) });
  const acks = (await producer.count(before + payloads.length)).slice(before);
  expect(acks.map((a) => a.result)).toEqual(payloads.map(() => 'ok'));
  return acks.map((a) => a.messageId as string);
}

describe('geo-replicated streams', () => {
  it('a message from gdn-us-east reaches a consumer at gdn-ap-west after the one-way delay, in order, once when acked and again when not', async () => {
    const { topology, oneWayMs } = twoRegions();
    fabric = await startFabric({ topology, latency: true });
    useCredentials(fabric);
    const topic = await globalStream(fabric, 'orders');
    const consumerUrl = streamUrl(fabric.region(AP).url(), 'consumer', topic, { subscription: 'ap', params: { ackTimeoutMillis: ACK_TIMEOUT_MS } });
    const consumer = await open(consumerUrl);
    const producer = await open(streamUrl(fabric.region(EAST).url(), 'producer', topic));

    const payloads = Array.from({ length: 20 }, (_, i) => `m${i}`);
    const start = performance.now();
    const ids = await publish(producer, payloads);
    const got = await consumer.count(20);
    expect(performance.now() - start).toBeGreaterThanOrEqual(oneWayMs - 1);
    expect(got.map((m) => unb64(m.payload))).toEqual(payloads);
    expect(got.map((m) => m.messageId)).toEqual(ids);
    expect(new Set(ids).size).toBe(20);

    // The first ten are acknowledged; the other ten come back, each first with redeliveryCount 1
    // (a loaded machine may let one come back twice before the last comes back once).
    for (const m of got.slice(0, 10)) consumer.send({ messageId: m.messageId });
    const firstRedelivery = new Map<string, number>();
    for (let seen = 20; firstRedelivery.size < 10; seen++) {
      const m = (await consumer.count(seen + 1))[seen];
      expect(payloads.slice(10)).toContain(unb64(m.payload));
      if (!firstRedelivery.has(unb64(m.payload))) firstRedelivery.set(unb64(m.payload), m.redeliveryCount);
    }
    expect([...firstRedelivery.values()]).toEqual(payloads.slice(10).map(() => 1));
    for (const m of got.slice(10)) consumer.send({ messageId: m.messageId });

    // Everything is acknowledged now: a new connection to the subscription gets only what comes next.
    await consumer.close();
    const later = await open(consumerUrl);
    const [marker] = await publish(producer, ['after']);
    const [first] = await later.count(1);
    expect([unb64(first.payload), first.messageId, first.redeliveryCount]).toEqual(['after', marker, 0]);
  });

  it('during a partition a message waits at its origin and arrives after heal, in producer order; the other side keeps publishing', async () => {
    const { topology, oneWayMs } = twoRegions();
    fabric = await startFabric({ topology, latency: true });
    useCredentials(fabric);
    const topic = await globalStream(fabric, 'split');
    const atAp = await open(streamUrl(fabric.region(AP).url(), 'consumer', topic, { subscription: 'ap' }));
    const atEast = await open(streamUrl(fabric.region(EAST).url(), 'consumer', topic, { subscription: 'east' }));
    const eastProducer = await open(streamUrl(fabric.region(EAST).url(), 'producer', topic));
    const apProducer = await open(streamUrl(fabric.region(AP).url(), 'producer', topic));

    await fabric.partition([[EAST], [AP]]);
    const eastIds = await publish(eastProducer, ['e0', 'e1', 'e2']);
    // Well past the one-way delay: were the link up, these would have arrived by now.
    await new Promise((r) => setTimeout(r, oneWayMs * 4));
    const [apId] = await publish(apProducer, ['a0']);
    const [firstAtAp] = await atAp.count(1);
    expect(unb64(firstAtAp.payload)).toBe('a0');
    expect(atAp.frames).toHaveLength(1);
    expect((await atEast.count(3)).map((m) => unb64(m.payload))).toEqual(['e0', 'e1', 'e2']);

    await fabric.heal();
    const ap = await atAp.count(4);
    expect(ap.map((m) => unb64(m.payload))).toEqual(['a0', 'e0', 'e1', 'e2']);
    expect(ap.slice(1).map((m) => m.messageId)).toEqual(eastIds);
    const east = await atEast.count(4);
    expect(east.map((m) => unb64(m.payload))).toEqual(['e0', 'e1', 'e2', 'a0']);
    expect(east[3].messageId).toBe(apId);
    expect(new Set([...eastIds, apId]).size).toBe(4);
  });

  it('a lossy link still delivers every message once, in producer order', async () => {
    const { topology } = twoRegions();
    fabric = await startFabric({ topology, latency: true });
    useCredentials(fabric);
    const topic = await globalStream(fabric, 'lossy');
    const consumer = await open(streamUrl(fabric.region(AP).url(), 'consumer', topic, { subscription: 'ap' }));
    const producer = await open(streamUrl(fabric.region(EAST).url(), 'producer', topic));
    await fabric.setLink(EAST, AP, { lossRate: 0.3 }, { bidirectional: true });
    const payloads = Array.from({ length: 20 }, (_, i) => `m${i}`);
    for (const p of payloads) await publish(producer, [p]);
    const got = await consumer.count(20, 30_000);
    expect(got.map((m) => unb64(m.payload))).toEqual(payloads);
    await fabric.waitForReplication();
    expect(consumer.frames).toHaveLength(20);
  });

  it('a local stream stays at its region, and subscriptions are per region', async () => {
    const { topology } = twoRegions();
    fabric = await startFabric({ topology, latency: true });
    useCredentials(fabric);
    const east = fabric.region(EAST).url();
    const ap = fabric.region(AP).url();
    expect((await post(`${east}/_fabric/_system/_api/streams/here?global=false`)).status).toBe(200);
    const topic = await globalStream(fabric, 'both');
    await open(streamUrl(east, 'consumer', topic, { subscription: 'only-east' }));
    await fabric.waitForReplication();
    const topics = async (base: string) => ((await get(`${base}/_fabric/_system/_api/streams`)).body.result as { topic: string }[]).map((x) => x.topic);
    expect(await topics(east)).toEqual(expect.arrayContaining(['c8locals.here', topic]));
    expect(await topics(ap)).toEqual([topic]);
    const subs = async (base: string) => JSON.parse((await get(`${base}/_fabric/_system/_api/streams/${topic}/subscriptions`)).body.result as string) as string[];
    expect(await subs(east)).toEqual(['only-east']);
    expect(await subs(ap)).toEqual([]);
  });
});
