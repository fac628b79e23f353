import { presetTopology } from '../../src/topology/index.js';
import { scheduleSuite } from './suite.js';

scheduleSuite({
  title: 'seeded schedules on the 25 PoPs of global-25',
  file: 'test/sim/global-25.test.ts',
  topology: presetTopology('global-25'),
  schedules: 200,
  chunk: 10,
  steps: 14,
});
