import { afterEach, describe, expect, it } from 'vitest';
import { FabricClock } from '../../src/core/clock.js';
import { isGdnError } from '../../src/core/errors.js';
import { openStorage, type StreamRecord } from '../../src/storage/index.js';
import { StreamBroker, type ConsumerOptions, type Sink } from '../../src/streams/index.js';
import { commit, openReplica, type Replica } from '../helpers/storage.js';

const F = '_system';

interface Frame {
  messageId: string;
  payload: string;
  redeliveryCount: number;
  properties: Record<string, string>;
  publishTime: string;
  key?: string;
}

/** A client's end of the socket: what the broker sent it. */
class Client implements Sink {
  readonly frames: Frame[] = [];
  closed: { code: number; reason: string } | undefined;
  send(text: string): void {
    this.frames.push(JSON.parse(text) as Frame);
  }
  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }
  get payloads(): string[] {
    return this.frames.map((f) => f.payload);
  }
}

const opts = (o: Partial<ConsumerOptions> = {}): ConsumerOptions => ({ type: 'Exclusive', consumerName: 'c', queueSize: 1000, ackTimeoutMs: 0, nackDelayMs: 1000, pullMode: false, ...o });

let open: { s: Replica; b: StreamBroker }[] = [];
afterEach(() => {
  for (const { s, b } of open) {
    b.close();
    s.close();
  }
  open = [];
});

function setup(s = openReplica()): { s: Replica; b: StreamBroker; rec: StreamRecord; publish: (...payloads: string[]) => void } {
  const b = new StreamBroker(s, s.clock, (m) => {
    throw new Error(m);
  });
  open.push({ s, b });
  const rec = s.streams.get(F, 'c8locals.s') ?? commit(s, () => s.streams.create(F, 'c8locals.s'));
  const producer = b.producer(rec, new Client(), 'p');
  const publish = (...payloads: string[]) => {
    for (const p of payloads) producer.publish({ payload: p }, (err) => expect(err).toBeUndefined());
    s.clock.runDue();
  };
  return { s, b, rec, publish };
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isGdnError(e) ? e.errorName : String(e);
  }
  return undefined;
}

describe('stream broker', () => {
  it('delivers to an Exclusive consumer in order and refuses a second one', () => {
    const { s, b, rec, publish } = setup();
    const c = new Client();
    b.subscribe(rec, 'sub', opts(), c);
    publish('a', 'b', 'c');
    expect(c.payloads).toEqual(['a', 'b', 'c']);
    expect(c.frames.map((f) => f.redeliveryCount)).toEqual([0, 0, 0]);
    expect(code(() => b.subscribe(rec, 'sub', opts(), new Client()))).toBe('CONFLICT');
    expect(code(() => b.subscribe(rec, 'sub', opts({ type: 'Shared' }), new Client()))).toBe('CONFLICT');
    s.clock.runDue();
  });

  it('hands a message to its consumer in the task that committed it, not on a turn after', () => {
    const { s, b, rec } = setup();
    const c = new Client();
    b.subscribe(rec, 'sub', opts(), c);
    b.producer(rec, new Client(), 'p2').publish({ payload: 'a' }, (err) => expect(err).toBeUndefined());
    expect(c.payloads).toEqual([]);
    s.commitNow();
    expect(c.payloads).toEqual(['a']);
    s.clock.runDue();
    expect(c.payloads).toEqual(['a']);
  });

  it('on real time a publish commits, and is acknowledged, once the task is done rather than on the next turn', async () => {
    const s = openStorage({ path: undefined, region: 'r1', regionOrdinal: 0, clock: new FabricClock() });
    const b = new StreamBroker(s, s.clock, (m) => {
      throw new Error(m);
    });
    try {
      const rec = s.write(() => s.streams.create(F, 'c8locals.s'));
      await s.committed();
      const acks: string[] = [];
      b.producer(rec, new Client(), 'p').publish({ payload: 'a' }, (err, m) => acks.push(err === undefined ? m!.id : String(err)));
      const turn = new Promise((ok) => setImmediate(() => ok(acks.length)));
      await Promise.resolve();
      expect(acks).toHaveLength(1);
      expect(await turn).toBe(1);
    } finally {
      b.close();
      s.close();
    }
  });

  it('a new subscription starts after the newest message (Latest)', () => {
    const { b, rec, publish } = setup();
    publish('before');
    const c = new Client();
    b.subscribe(rec, 'sub', opts(), c);
    publish('after');
    expect(c.payloads).toEqual(['after']);
  });

  it('redelivers an unacknowledged message after the ack timeout with redeliveryCount 1, and an acknowledged one never', () => {
    const { s, b, rec, publish } = setup();
    const c = new Client();
    const h = b.subscribe(rec, 'sub', opts({ ackTimeoutMs: 1000 }), c);
    publish('acked', 'not acked');
    expect(h.ack(c.frames[0]!.messageId)).toBe(true);
    s.clock.advance(999);
    expect(c.payloads).toEqual(['acked', 'not acked']);
    s.clock.advance(1);
    expect(c.payloads).toEqual(['acked', 'not acked', 'not acked']);
    expect(c.frames[2]!.redeliveryCount).toBe(1);
    expect(c.frames[2]!.messageId).toBe(c.frames[1]!.messageId);
  });

  it('Shared delivers round-robin; a consumer that leaves hands its unacknowledged messages to another', () => {
    const { s, b, rec, publish } = setup();
    const [x, y] = [new Client(), new Client()];
    b.subscribe(rec, 'sub', opts({ type: 'Shared' }), x);
    const hy = b.subscribe(rec, 'sub', opts({ type: 'Shared' }), y);
    publish('1', '2', '3', '4');
    expect([x.payloads, y.payloads]).toEqual([['1', '3'], ['2', '4']]);
    hy.close();
    s.clock.runDue();
    expect(x.payloads).toEqual(['1', '3', '2', '4']);
    expect(x.frames.slice(2).map((f) => f.redeliveryCount)).toEqual([1, 1]);
  });

  it('Failover delivers to the first consumer only and moves to the next when it leaves', () => {
    const { s, b, rec, publish } = setup();
    const [first, second] = [new Client(), new Client()];
    const h1 = b.subscribe(rec, 'sub', opts({ type: 'Failover' }), first);
    b.subscribe(rec, 'sub', opts({ type: 'Failover' }), second);
    publish('1', '2');
    h1.ack(first.frames[0]!.messageId);
    expect(second.payloads).toEqual([]);
    h1.close();
    publish('3');
    expect(first.payloads).toEqual(['1', '2']);
    expect(second.payloads).toEqual(['2', '3']);
    expect(second.frames.map((f) => f.redeliveryCount)).toEqual([1, 0]);
    s.clock.runDue();
  });

  it('holds at most receiverQueueSize unacknowledged messages at a consumer; an ack makes room', () => {
    const { s, b, rec, publish } = setup();
    const c = new Client();
    const h = b.subscribe(rec, 'sub', opts({ queueSize: 2 }), c);
    publish('1', '2', '3', '4');
    expect(c.payloads).toEqual(['1', '2']);
    h.ack(c.frames[0]!.messageId);
    s.clock.runDue();
    expect(c.payloads).toEqual(['1', '2', '3']);
  });

  it('a slow consumer blocks neither the producer nor another subscription', () => {
    const { s, b, rec, publish } = setup();
    const [slow, fast] = [new Client(), new Client()];
    b.subscribe(rec, 'slow', opts({ queueSize: 1 }), slow);
    const hf = b.subscribe(rec, 'fast', opts({ queueSize: 1 }), fast);
    publish('1', '2', '3');
    for (let i = 0; i < 3; i++) {
      hf.ack(fast.frames[i]!.messageId);
      s.clock.runDue();
    }
    expect(fast.payloads).toEqual(['1', '2', '3']);
    expect(slow.payloads).toEqual(['1']);
  });

  it('pull mode delivers only what the consumer permits', () => {
    const { s, b, rec, publish } = setup();
    const c = new Client();
    const h = b.subscribe(rec, 'sub', opts({ pullMode: true }), c);
    publish('1', '2', '3');
    expect(c.payloads).toEqual([]);
    h.permit(2);
    s.clock.runDue();
    expect(c.payloads).toEqual(['1', '2']);
  });

  it('a negatively acknowledged message comes back after the delay', () => {
    const { s, b, rec, publish } = setup();
    const c = new Client();
    const h = b.subscribe(rec, 'sub', opts({ nackDelayMs: 500 }), c);
    publish('x');
    expect(h.nack(c.frames[0]!.messageId)).toBe(true);
    s.clock.advance(499);
    expect(c.frames).toHaveLength(1);
    s.clock.advance(1);
    expect(c.frames.map((f) => f.redeliveryCount)).toEqual([0, 1]);
  });

  it('acks of ids the topic does not hold are refused; a second ack of one message is harmless', () => {
    const { b, rec, publish } = setup();
    const c = new Client();
    const h = b.subscribe(rec, 'sub', opts(), c);
    publish('x');
    expect(h.ack('CAAQAA==')).toBe(false);
    expect(h.ack(c.frames[0]!.messageId)).toBe(true);
    expect(h.ack(c.frames[0]!.messageId)).toBe(true);
  });

  it('a restart keeps what was acknowledged and redelivers the rest, acknowledged out of order or not', () => {
    const s = openReplica();
    const one = setup(s);
    const c = new Client();
    const h = one.b.subscribe(one.rec, 'sub', opts(), c);
    one.publish('1', '2', '3', '4');
    h.ack(c.frames[0]!.messageId);
    h.ack(c.frames[2]!.messageId);
    s.clock.runDue();
    one.b.close();
    open = open.filter((o) => o.b !== one.b);
    const two = setup(s);
    const again = new Client();
    two.b.subscribe(two.rec, 'sub', opts(), again);
    s.clock.runDue();
    expect(again.payloads).toEqual(['2', '4']);
  });

  it('while the query executor holds the write lock, publishes and cursor saves wait for it instead of failing', async () => {
    const s = openReplica();
    const one = setup(s);
    const c = new Client();
    const h = one.b.subscribe(one.rec, 'sub', opts(), c);
    one.publish('1', '2');
    let release = () => undefined as void;
    const job = s.exclusive(() => new Promise<{ value: undefined }>((r) => (release = () => r({ value: undefined }))));
    await new Promise((r) => setImmediate(r));
    expect(s.writable()).toBeDefined();
    h.ack(c.frames[0]!.messageId);
    one.publish('3');
    expect(c.payloads).toEqual(['1', '2']);
    release();
    await job;
    await new Promise((r) => setImmediate(r));
    s.clock.runDue();
    expect(c.payloads).toEqual(['1', '2', '3']);
    one.b.close();
    open = open.filter((o) => o.b !== one.b);
    const two = setup(s);
    const again = new Client();
    two.b.subscribe(two.rec, 'sub', opts(), again);
    s.clock.runDue();
    expect(again.payloads).toEqual(['2', '3']);
  });

  it('readers start at earliest, latest or after a message id, and keep nothing', () => {
    const { s, b, rec, publish } = setup();
    publish('1', '2', '3');
    const [early, late] = [new Client(), new Client()];
    b.reader(rec, { at: 'earliest' }, 1000, 'r', early);
    b.reader(rec, { at: 'latest' }, 1000, 'r', late);
    s.clock.runDue();
    const after = new Client();
    b.reader(rec, { after: early.frames[0]!.messageId }, 1000, 'r', after);
    publish('4');
    expect(early.payloads).toEqual(['1', '2', '3', '4']);
    expect(late.payloads).toEqual(['4']);
    expect(after.payloads).toEqual(['2', '3', '4']);
    expect(code(() => b.reader(rec, { after: 'CAAQAA==' }, 1000, 'r', new Client()))).toBe('BAD_PARAMETER');
    expect(s.streams.messages.subscriptions(rec.id)).toEqual([]);
  });

  it('deleting the stream disconnects its clients once the delete committed', () => {
    const { s, b, rec } = setup();
    const c = new Client();
    b.subscribe(rec, 'sub', opts(), c);
    expect(code(() => b.deleteStream(rec, false))).toBe('PRECONDITION_FAILED');
    b.deleteStream(rec, true);
    expect(c.closed).toBeUndefined();
    s.clock.runDue();
    expect(c.closed?.code).toBe(1000);
  });
});
