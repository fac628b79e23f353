import { FabricClock, type ClockState } from '../core/clock.js';
import type { RegionAgent } from '../control/agent.js';
import type { Region } from '../region/region.js';

/** A region of this process as the control verbs see it. */
export function localAgent(region: Region, clock: FabricClock): RegionAgent {
  return {
    name: region.name,
    url: () => region.url(),
    state: () => region.state(),
    replication: async () => (region.state() === 'serving' ? region.replicator.status() : undefined),
    setLink: async (peer, settings) => region.replicator.setLink(peer, settings),
    setReplication: async (running) => (running ? region.replicator.start() : region.replicator.stop()),
    reset: async () => {
      region.storage.reset();
      region.replicator.resetStats();
    },
    // Regions of one process share the fabric's clock object; only a separate copy needs the state.
    setClock: async (s: ClockState) => {
      if (region.clock !== clock && region.clock instanceof FabricClock) region.clock.setState(s);
    },
    expectClock: async (s: ClockState) => {
      if (region.clock !== clock && region.clock instanceof FabricClock) region.clock.expect(s);
    },
    backup: (file) => region.backup(file),
    prepareImage: async (file) => region.prepareImage(file),
    restore: (file) => region.restore(file),
    kill: () => region.kill(),
    start: async () => {
      await region.listen({ replicate: false });
    },
    close: () => region.close(),
  };
}
