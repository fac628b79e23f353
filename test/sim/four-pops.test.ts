import { presetTopology } from '../../src/topology/index.js';
import { scheduleSuite } from './suite.js';

scheduleSuite({
  title: 'seeded schedules on the 4 PoPs of seed-4',
  file: 'test/sim/four-pops.test.ts',
  topology: presetTopology('seed-4'),
  schedules: 2000,
  chunk: 100,
  steps: 20,
});
