import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryNetwork, Replicator, type Connection, type Transport } from '../../src/replication/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { testTopology } from '../helpers/topology.js';

const opened: Storage[] = [];
const running: Replicator[] = [];
afterEach(() => {
  for (const r of running.splice(0)) r.stop();
  for (const s of opened.splice(0)) s.close();
});

/** `inner`, telling through `busy` whether one of its connections' message handlers is running. */
function observed(inner: Transport, busy: { handling: boolean }): Transport {
  const watch = (conn: Connection): Connection => ({

    send: (t) => conn.send(t),
    buffered: () => conn.buffered(),
    close: () => conn.close(),
    onOpen: (fn) => conn.onOpen(fn),
    onClose: (fn) => conn.onClose(fn),
    onMessage: (fn) =>
      conn.onMessage((text) => {
        busy.handling = true;
        try {
          fn(text);
        } finally {
          busy.handling = false;
        }
      }),
  });
  return {
    connect: (peer) => {
      const c = inner.connect(peer);
      return c && watch(c);
    },
    accept: (fn) => inner.accept(fn && ((conn) => fn(watch(conn)))),
  };
}

/** r-east and r-eu replicating over an in-memory network (latency off unless asked), handshakes done. */
function pair(latency = false) {
  const clock = new ManualClock();
  const net = new MemoryNetwork(clock);
  net.tracing = true;
  const topology = testTopology({ linkMs: 100 });
  const east = openStorage({ path: undefined, region: 'r-east', regionOrdinal: 0, clock });
  const eu = openStorage({ path: undefined, region: 'r-eu', regionOrdinal: 1, clock });
  opened.push(east, eu);
  const busy = { handling: false };
  const appliedInHandler: boolean[] = [];
  const secret = 'one-fabric-0123456789';
  const a = new Replicator({ self: 'r-east', topology, storage: east, latency, transport: net.endpoint('r-east'), clock, secret, warn: () => undefined });
  const b = new Replicator({
    self: 'r-eu',
    topology,
    storage: eu,
    latency,
    transport: observed(net.endpoint('r-eu'), busy),
    clock,
    secret,
    warn: () => undefined,
    onApplied: () => appliedInHandler.push(busy.handling),
  });
  running.push(a, b);
  a.start();
  b.start();
  clock.runUntilIdle(5_000);
  const changeFrames = () => net.events.filter((e) => e.kind === 'message' && e.from === 'r-east' && e.to === 'r-eu' && e.text?.includes('"t":"changes"')).length;
  return { clock, east, eu, appliedInHandler, changeFrames };
}

describe('a change does not wait a turn of the loop on its way', () => {
  it('is shipped by the commit that made it shippable, before any deferred work runs', () => {
    const { clock, east, eu, changeFrames } = pair();
    expect(changeFrames()).toBe(0);
    east.write(() => east.collections.create('_mm/_system', { name: 'c' }));
    expect(changeFrames()).toBe(0);
    east.commitNow();
    expect(changeFrames()).toBe(1);
    clock.runUntilIdle(5_000);
    expect(eu.collections.list('_mm/_system', false).map((c) => c.name)).toContain('c');
  });

  it('is applied by the receiver as its frame arrives when the frame is due, not on a timer after it', () => {
    const { clock, east, eu, appliedInHandler } = pair();
    for (const name of ['c1', 'c2']) {
      east.write(() => east.collections.create('_mm/_system', { name }));
      east.commitNow();
      clock.runUntilIdle(5_000);
    }
    expect(eu.collections.list('_mm/_system', false).map((c) => c.name)).toEqual(expect.arrayContaining(['c1', 'c2']));
    expect(appliedInHandler).toEqual([true, true]);
  });

  it('commits a batch that waited out the link delay as soon as it applied, before the other work due then', () => {
    const { clock, east, eu } = pair(true);
    east.write(() => east.collections.create('_mm/_system', { name: 'c' }));
    east.commitNow();
    clock.runDue();
    // Due with the receiver's timer (50 ms one way, constant) and created after it, so it runs right after.
    let seen: { applied: boolean; committed: boolean } | undefined;
    clock.setTimeout(() => {
      let committed = false;
      eu.whenCommitted(() => (committed = true));
      seen = { applied: eu.collections.get('_mm/_system', 'c') !== undefined, committed };
    }, 50);
    clock.advance(100);
    expect(seen).toEqual({ applied: true, committed: true });
  });
});
