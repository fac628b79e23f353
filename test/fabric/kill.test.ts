import { afterEach, describe, expect, it } from 'vitest';
import { launchFabric, type LocalFabric } from '../../src/fabric/local-fabric.js';
import { testTopology } from '../helpers/topology.js';

let fabric: LocalFabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

describe('kill of an in-process PoP', () => {
  it('loses a write that had not committed yet, as a crash would, and keeps every committed one', async () => {
    const f = (fabric = await launchFabric({ topology: testTopology(), latency: false }));
    const east = f.region('r-east');
    const c = east.storage.write(() => east.storage.collections.create('_system', { name: 'c' }));
    await east.storage.committed();
    east.storage.write(() => east.storage.documents.insert(c, { _key: 'committed' }));
    await east.storage.committed();
    // Written in this turn: its group would commit on the next one, which the kill pre-empts.
    east.storage.write(() => east.storage.documents.insert(c, { _key: 'unacknowledged' }));
    const killed = f.kill('r-east');
    await killed;
    await f.restart('r-east');
    const keys = [...east.storage.documents.scan(east.storage.collections.require('_system', 'c'))].map((d) => d['_key']);
    expect(keys).toEqual(['committed']);
  });
});
