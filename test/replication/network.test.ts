import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock, type Clock } from '../../src/core/clock.js';
import { MemoryNetwork, Replicator } from '../../src/replication/index.js';
import { injectedRttMs, measureNetwork } from '../../src/replication/network.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { testTopology } from '../helpers/topology.js';

const opened: Storage[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

/** The same timers as `base`, read `skewMs` ahead: a PoP on another machine whose clock is off. */
function skewed(base: ManualClock, skewMs: number): Clock {
  return {
    now: () => base.now() + skewMs,
    setTimeout: (fn, ms) => base.setTimeout(fn, ms),
    setInterval: (fn, ms) => base.setInterval(fn, ms),
    clearTimeout: (t) => base.clearTimeout(t),
    defer: (fn) => base.defer(fn),
    soon: (fn) => base.soon(fn),
    sleep: (ms) => base.sleep(ms),
  };
}

/**
 * Two PoPs 100 ms apart by profile (constant, no jitter), over a network that itself takes
 * `wireMs` each way, the receiver's clock `skewMs` off the sender's. Returns how long a change took
 * from its commit at r-east to its apply at r-eu, in true time, and what r-east's link measured.
 */
function oneChange(wireMs: number, skewMs: number): { tookMs: number; networkRttMs: number | null; profileRttMs: number } {
  const clock = new ManualClock();
  const net = new MemoryNetwork(clock);
  net.wireDelay = () => wireMs;
  const topology = testTopology({ linkMs: 100 });
  const euClock = skewed(clock, skewMs);
  const east = openStorage({ path: undefined, region: 'r-east', regionOrdinal: 0, clock });
  const eu = openStorage({ path: undefined, region: 'r-eu', regionOrdinal: 1, clock: euClock });
  opened.push(east, eu);
  const appliedAt: number[] = [];
  const secret = 'one-fabric-0123456789';
  const a = new Replicator({ self: 'r-east', topology, storage: east, latency: true, transport: net.endpoint('r-east'), clock, secret, warn: () => undefined });
  const b = new Replicator({ self: 'r-eu', topology, storage: eu, latency: true, transport: net.endpoint('r-eu'), clock: euClock, secret, warn: () => undefined, onApplied: () => appliedAt.push(clock.now()) });
  a.start();
  b.start();
  clock.runUntilIdle(5_000);
  const writtenAt = clock.now();
  east.write(() => east.collections.create('_mm/_system', { name: 'c' }));
  a.notify();
  clock.runUntilIdle(5_000);
  const link = a.status().outgoing.find((l) => l.to === 'r-eu')!;
  a.stop();
  b.stop();
  expect(eu.collections.list('_mm/_system', false).map((c) => c.name)).toContain('c');
  return { tookMs: appliedAt[0]! - writtenAt, networkRttMs: link.network?.rttMs ?? null, profileRttMs: link.profile.rttMs };
}

describe('a link over a real network injects only what the profile adds to it', () => {
  it('measures the round trip and the clock offset from hello and challenge; an offset within the uncertainty is none', () => {
    expect(measureNetwork(1000, 1020, 1040)).toEqual({ rttMs: 40, offsetMs: 0 });
    // One machine, one clock, a slow answer: the offset is within half the round trip.
    expect(measureNetwork(1000, 1001, 1040)).toEqual({ rttMs: 40, offsetMs: 0 });
    expect(measureNetwork(1000, 1320, 1040)).toEqual({ rttMs: 40, offsetMs: 300 });
    expect(measureNetwork(1000, 720, 1040)).toEqual({ rttMs: 40, offsetMs: -300 });
    expect(injectedRttMs(100, 80)).toBe(20);
    expect(injectedRttMs(100, 160)).toBe(0);
    expect(injectedRttMs(100, null)).toBe(100);
  });

  it('a 100 ms profile over a network of 80 ms round trip delivers in 50 ms one way, not 90, whatever the clocks say', () => {
    for (const skewMs of [0, 300, -300]) {
      const r = oneChange(40, skewMs);
      expect(r, `receiver clock ${skewMs} ms off`).toEqual({ tookMs: 50, networkRttMs: 80, profileRttMs: 100 });
    }
  });

  it('a network slower than the profile gets nothing injected: the change takes the network time', () => {
    expect(oneChange(80, 200)).toEqual({ tookMs: 80, networkRttMs: 160, profileRttMs: 100 });
  });
});
