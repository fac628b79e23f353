import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryNetwork, PortNetwork, type Connection, type Transport } from '../../src/replication/index.js';

/** What one end saw. */
interface Seen {
  got: string[];
  opened: number;
  closed: number;
}

function watch(conn: Connection): Seen {
  const seen: Seen = { got: [], opened: 0, closed: 0 };
  conn.onOpen(() => seen.opened++);
  conn.onMessage((t) => seen.got.push(t));
  conn.onClose(() => seen.closed++);
  return seen;
}

/** Resolves once `done()` holds, checking after each turn (ports deliver on later turns). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/**
 * Two "threads" as the fabric wires them: a switchboard channel between them, PoP a on the first
 * (with a2 beside it), b on the second. The ports work the same within one thread.
 */
function twoThreads() {
  const { port1, port2 } = new MessageChannel();
  const first = new PortNetwork(new Map<string, MessagePort | null>([['a', null], ['a2', null], ['b', port1]]));
  const second = new PortNetwork(new Map<string, MessagePort | null>([['a', port2], ['a2', port2], ['b', null]]));
  return { first, second, switchboard: { port1, port2 } };
}

const clock = new ManualClock(0);
const nowhere = (): Transport => new MemoryNetwork(clock).endpoint('x');
const opened: PortNetwork[] = [];
afterEach(() => {
  for (const n of opened.splice(0)) n.close();
});

function accepting(net: PortNetwork, region: string, warnings: string[] = []) {
  const conns: Connection[] = [];
  const seen: Seen[] = [];
  net.endpoint(region, nowhere(), (m) => warnings.push(m)).accept((c) => {
    conns.push(c);
    seen.push(watch(c));
  });
  return { conns, seen };
}

/** PoP a of `net` dials `to`; resolves the connection and what its end saw, once it is open. */
async function dialled(net: PortNetwork, to: string): Promise<{ conn: Connection; a: Seen }> {
  const conn = net.endpoint('a', nowhere(), () => undefined).connect(to)!;
  const a = watch(conn);
  await until(() => a.opened === 1);
  return { conn, a };
}

describe('PortNetwork (replication between PoP threads of one process)', () => {
  it('opens a connection to a PoP on another thread and delivers both ways in order', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const b = accepting(second, 'b');
    const { conn, a } = await dialled(first, 'b');
    conn.send('1');
    conn.send('2');
    await until(() => b.seen[0]?.got.length === 2);
    expect(b.seen[0]!.got).toEqual(['1', '2']);
    b.conns[0]!.send('ack');
    await until(() => a.got.length === 1);
    expect(a.got).toEqual(['ack']);
    expect(b.seen[0]!.opened).toBe(0);
  });

  it('counts what the peer has not read yet as buffered, and nothing once it has', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const b = accepting(second, 'b');
    const { conn } = await dialled(first, 'b');
    conn.send('x'.repeat(1000));
    conn.send('y'.repeat(24));
    expect(conn.buffered()).toBe(1024);
    await until(() => b.seen[0]?.got.length === 2);
    expect(conn.buffered()).toBe(0);
    expect(b.conns[0]!.buffered()).toBe(0);
  });

  it('closes the dialler at once when the peer takes no connections (killed, or replication stopped)', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const endpoint = second.endpoint('b', nowhere(), () => undefined);
    const dial = () => watch(first.endpoint('a', nowhere(), () => undefined).connect('b')!);
    const refused = dial();
    await until(() => refused.closed === 1);
    expect(refused.opened).toBe(0);

    const b: Connection[] = [];
    endpoint.accept((c) => b.push(c));
    const taken = dial();
    await until(() => taken.opened === 1);
    endpoint.accept(undefined);
    const again = dial();
    await until(() => again.closed === 1);
    expect(b).toHaveLength(1);
  });

  it('a close at either end is seen by both ends, once', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const b = accepting(second, 'b');
    for (const closer of ['dialler', 'acceptor'] as const) {
      const { conn, a } = await dialled(first, 'b');
      const far = b.seen.at(-1)!;
      (closer === 'dialler' ? conn : b.conns.at(-1)!).close();
      await until(() => a.closed === 1 && far.closed === 1);
      conn.send('after the close');
      await turns(5);
      expect(far.got).toEqual([]);
      expect([a.closed, far.closed]).toEqual([1, 1]);
    }
  });

  it('a frame its handler throws on drops the link, with a warning, instead of ending the thread', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const warnings: string[] = [];
    second.endpoint('b', nowhere(), (m) => warnings.push(m)).accept((c) =>
      c.onMessage(() => {
        throw new Error('bad frame');
      }),
    );
    const { conn, a } = await dialled(first, 'b');
    conn.send('{');
    await until(() => a.closed === 1);
    expect(warnings.join('\n')).toMatch(/could not be handled, closing the link: Error: bad frame/);
  });

  it('connects PoPs of one thread without the switchboard', async () => {
    const { first, second } = twoThreads();
    opened.push(first, second);
    const a2 = accepting(first, 'a2');
    const { conn } = await dialled(first, 'a2');
    conn.send('local');
    await until(() => a2.seen[0]?.got.length === 1);
    expect(a2.seen[0]!.got).toEqual(['local']);
  });

  it('once a thread has left the switchboard its PoPs are not reachable, so the link retries later', async () => {
    const { first, second } = twoThreads();
    opened.push(first);
    accepting(second, 'b');
    const endpoint = first.endpoint('a', nowhere(), () => undefined);
    const before = watch(endpoint.connect('b')!);
    await until(() => before.opened === 1);
    second.close();
    await turns(5);
    expect(endpoint.connect('b')).toBeUndefined();
  });

  it('dials a PoP that is not on these threads over the fallback transport, and takes its connections', () => {
    const net = new MemoryNetwork(clock);
    const { first, second } = twoThreads();
    opened.push(first, second);
    const taken: Connection[] = [];
    first.endpoint('a', net.endpoint('a'), () => undefined).accept((c) => taken.push(c));
    const outside = net.endpoint('elsewhere');
    outside.accept(() => undefined);
    const viaPorts = first.endpoint('a', net.endpoint('a'), () => undefined);
    const out = watch(viaPorts.connect('elsewhere')!);
    const inbound = watch(outside.connect('a')!);
    clock.runDue();
    expect([out.opened, inbound.opened]).toEqual([1, 1]);
    expect(taken).toHaveLength(1);
  });
});
