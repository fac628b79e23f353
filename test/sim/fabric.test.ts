import { afterEach, describe, expect, it } from 'vitest';
import { presetTopology } from '../../src/topology/index.js';
import { SimFabric, type SimPop } from '../../src/sim/fabric.js';
import { replicaDigest } from '../../src/sim/view.js';
import { FABRIC } from '../../src/sim/writer.js';

let fabric: SimFabric | undefined;
afterEach(() => {
  fabric?.close();
  fabric = undefined;
});

function started(): SimFabric {
  fabric = new SimFabric({ topology: presetTopology('seed-4') });
  fabric.start();
  return fabric;
}

function insert(p: SimPop, key: string, body: Record<string, unknown> = {}): void {
  const s = p.storage;
  s.write(() => {
    const c = s.collections.get(FABRIC, 'c') ?? s.collections.create(FABRIC, { name: 'c' });
    s.documents.insert(c, { _key: key, ...body });
  });
}

function keysAt(p: SimPop): string[] {
  const c = p.storage.collections.get(FABRIC, 'c');
  return c ? [...p.storage.documents.scan(c)].map((d) => d['_key'] as string).sort() : [];
}

describe('SimFabric', () => {
  it('replicates between real replicas over the memory network, in virtual time only', () => {
    const f = started();
    const [a, b] = f.pops as [SimPop, SimPop];
    insert(a, 'k1', { v: 1 });
    expect(keysAt(b)).toEqual([]);
    expect(f.runUntilIdle()).toBe(true);
    expect(f.drained()).toBe(true);
    for (const p of f.pops) expect(keysAt(p)).toEqual(['k1']);
    expect(new Set(f.pops.map((p) => replicaDigest(p.storage))).size).toBe(1);
    // The links' delays are the topology's: virtual time moved, real time did not wait for it.
    expect(f.clock.now()).toBeGreaterThan(Date.UTC(2026, 0, 1) + 20);
  });

  it('a killed PoP loses the frames it was waiting on; restarted, it resumes from the version vectors', () => {
    const f = started();
    f.runUntilIdle();
    const [a, b] = f.pops as [SimPop, SimPop];
    insert(a, 'k1');
    f.runUntilIdle();
    f.setLink(a.name, b.name, { cut: false, rttMs: 10_000 });
    insert(a, 'k2');
    f.clock.advance(1000);
    // k2 is in a frame b holds until its readAt.
    expect(b.replicator!.status().incoming.find((i) => i.from === a.name)!.pendingFrames).toBe(1);
    f.kill(b.name);
    expect(b.up).toBe(false);
    insert(a, 'k3');
    f.clock.advance(60_000);
    expect(keysAt(b)).toEqual(['k1']);
    f.heal();
    f.restart(b.name);
    expect(f.runUntilIdle()).toBe(true);
    expect(f.drained()).toBe(true);
    expect(keysAt(b)).toEqual(['k1', 'k2', 'k3']);
    expect(b.storage.applier.appliedSeq(a.name)).toBe(a.storage.changes.lastSeq());
    // The new replicator's counters start from zero; nothing was applied twice.
    const counters = b.replicator!.status().incoming.find((i) => i.from === a.name)!.counters;
    expect(counters.duplicates).toBe(0);
    expect(counters.applied).toBe(2);
  });

  it('a cut link ships nothing, also after the sending PoP restarted, until it is healed', () => {
    const f = started();
    f.runUntilIdle();
    const [a, b, c] = f.pops as [SimPop, SimPop, SimPop];
    f.setLink(a.name, b.name, { cut: true });
    f.kill(a.name);
    f.restart(a.name);
    insert(a, 'k1');
    expect(f.runUntilIdle()).toBe(true);
    expect(keysAt(b)).toEqual([]);
    expect(keysAt(c)).toEqual(['k1']);
    expect(f.drained()).toBe(true);
    f.heal();
    f.runUntilIdle();
    expect(keysAt(b)).toEqual(['k1']);
  });

  it.each([
    ['after the new connection said hello, and is dropped', 0],
    ['before the new connection said hello, and counts', 400],
  ])('a half-open connection whose stale frame arrives %s: applied exactly once', (_, helloDelay) => {
    const f = started();
    f.runUntilIdle();
    const [a, b] = f.pops as [SimPop, SimPop];
    f.network.tracing = true;
    insert(a, 'k1');
    f.runUntilIdle();
    const delays: number[] = [];
    f.network.wireDelay = () => delays.shift() ?? 0;
    insert(a, 'k2');
    // The frame of k2 to b spends 300 ms on the wire (the frames to the other PoPs none).
    delays.push(300, 0, 0);
    f.clock.runDue();
    const [old] = f.network.events.filter((e) => e.kind === 'message' && e.from === a.name && e.to === b.name && e.text?.includes('"k2"'));
    expect(old).toBeDefined();
    expect(f.network.sever((e) => e.outgoing && e.self === a.name && e.other === b.name, 1000)).toBe(1);
    // The sender reconnects after 50 ms: the connection at once, its hello after helloDelay.
    delays.push(0, helloDelay);
    expect(f.runUntilIdle()).toBe(true);
    expect(keysAt(b)).toEqual(['k1', 'k2']);
    const ev = f.network.events;
    const reconnect = ev.find((e) => e.kind === 'connect' && e.from === a.name && e.to === b.name && e.conn > old!.conn)!;
    const hello = ev.find((e) => e.kind === 'deliver' && e.conn === reconnect.conn && e.text?.includes('"hello"'))!;
    const staleDelivered = ev.find((e) => e.kind === 'deliver' && e.conn === old!.conn && e.text === old!.text);
    const resent = ev.filter((e) => e.kind === 'deliver' && e.conn === reconnect.conn && e.text?.includes('"k2"'));
    if (helloDelay === 0) {
      expect(staleDelivered).toBeUndefined();
      expect(resent).toHaveLength(1);
    } else {
      expect(staleDelivered!.at).toBeGreaterThan(reconnect.at);
      expect(staleDelivered!.at).toBeLessThan(hello.at);
      expect(resent).toHaveLength(0);
    }
    const counters = b.replicator!.status().incoming.find((i) => i.from === a.name)!.counters;
    expect(counters.duplicates).toBe(0);
    expect(b.storage.applier.appliedSeq(a.name)).toBe(a.storage.changes.lastSeq());
  });

  it('ships a backlog larger than one frame holds in several frames, in order', () => {
    const f = started();
    f.runUntilIdle();
    const [a, b] = f.pops as [SimPop, SimPop];
    f.setLink(a.name, b.name, { cut: true });
    for (let i = 0; i < 2500; i++) insert(a, `k${String(i).padStart(4, '0')}`);
    f.runUntilIdle();
    const before = f.network.messages;
    f.heal();
    expect(f.runUntilIdle()).toBe(true);
    expect(keysAt(b)).toHaveLength(2500);
    expect(b.storage.applier.appliedSeq(a.name)).toBe(a.storage.changes.lastSeq());
    // Three frames of changes and their three acks.
    expect(f.network.messages - before).toBe(6);
  });

  it('names an unknown PoP', () => {
    const f = started();
    expect(() => f.kill('nowhere')).toThrow(/no PoP 'nowhere'.*known: /);
  });
});
