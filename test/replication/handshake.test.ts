import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { MemoryNetwork, PROTOCOL_VERSION, Replicator } from '../../src/replication/index.js';
import { proofOf } from '../../src/replication/handshake.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { testTopology } from '../helpers/topology.js';

const opened: Storage[] = [];
afterEach(() => {
  for (const s of opened.splice(0)) s.close();
});

function replicaOf(region: string, clock: ManualClock): Storage {
  const s = openStorage({ path: undefined, region, regionOrdinal: region === 'r-east' ? 0 : 1, clock });
  opened.push(s);
  return s;
}

describe('the replication handshake, on the in-memory transport', () => {
  it('two PoPs with the same secret replicate; with different secrets neither takes anything', () => {
    for (const [secretEu, expected] of [['same-secret-0123456789', 1], ['other-secret-0123456789', 0]] as const) {
      const clock = new ManualClock();
      const net = new MemoryNetwork(clock);
      const topology = testTopology();
      const warnings: string[] = [];
      const east = replicaOf('r-east', clock);
      const eu = replicaOf('r-eu', clock);
      const make = (self: string, storage: Storage, secret: string) =>
        new Replicator({ self, topology, storage, latency: false, transport: net.endpoint(self), clock, secret, warn: (m) => warnings.push(m) });
      const a = make('r-east', east, 'same-secret-0123456789');
      const b = make('r-eu', eu, secretEu);
      a.start();
      b.start();
      east.write(() => east.collections.create('_mm/_system', { name: 'c' }));
      a.notify();
      clock.runUntilIdle(5_000);
      expect(eu.collections.list('_mm/_system', false).length).toBe(expected);
      if (expected === 0) expect(warnings.join('\n')).toMatch(/could not prove it belongs to this fabric/);
      a.stop();
      b.stop();
    }
  });

  it('a sender never ships to a receiver whose challenge proof is wrong', () => {
    const clock = new ManualClock();
    const net = new MemoryNetwork(clock);
    net.tracing = true;
    const east = replicaOf('r-east', clock);
    const warnings: string[] = [];
    const a = new Replicator({ self: 'r-east', topology: testTopology(), storage: east, latency: false, transport: net.endpoint('r-east'), clock, secret: 'real-secret-0123456789', warn: (m) => warnings.push(m) });
    // An impostor at r-eu: it answers every hello with a challenge proven with a guessed secret.
    net.endpoint('r-eu').accept((conn) => {
      conn.onMessage((text) => {
        const f = JSON.parse(text) as { t: string; nonce: string };
        if (f.t === 'hello') conn.send(JSON.stringify({ v: PROTOCOL_VERSION, t: 'challenge', nonce: 'ef'.repeat(16), proof: proofOf('guessed-secret-0123456789', 'receiver', 'r-east', 'r-eu', f.nonce, 'ef'.repeat(16)) }));
      });
    });
    east.write(() => east.collections.create('_mm/_system', { name: 'c' }));
    a.start();
    clock.runUntilIdle(2_000);
    const sentByEast = net.events.filter((e) => e.kind === 'message' && e.from === 'r-east').map((e) => JSON.parse(e.text!).t as string);
    expect(sentByEast.length).toBeGreaterThan(0);
    expect(new Set(sentByEast)).toEqual(new Set(['hello']));
    expect(warnings.join('\n')).toMatch(/could not prove it belongs to this fabric/);
    a.stop();
  });
});
