/**
 * `fabric-emu/vitest`: one fabric per test file, each test isolated from the ones before it.
 * `npm run bench` (bench/isolation.js) measures both ways of isolating: a reset of the file's fabric
 * took a fraction of a fresh fabric per test, so reset is the default.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { isolateFabric, startFabric, type Fabric, type FabricOptions } from '../index.js';

/**
 * How each test after the first gets a clean fabric: `reset` (default, isolateFabric) restarts killed
 * PoPs, resumes a frozen clock, drops link overrides and cuts, and deletes all data; `fresh` closes the fabric and
 * starts a new one (new ports too); `none` leaves the fabric as the last test left it.
 */
export type Isolation = 'reset' | 'fresh' | 'none';

export interface UseFabricOptions extends FabricOptions {
  isolate?: Isolation;
  /** The start-up's hook timeout (ms); default 60 s, for 25 PoPs on a busy CI machine. */
  startTimeoutMs?: number;
}

export const DEFAULT_ISOLATION: Isolation = 'reset';

/**
 * Starts a fabric before the file's tests (`startFabric(options)`: free ports, in memory) and closes
 * it after them. What it returns stands for the current fabric (with `isolate: 'fresh'` a new one
 * every test), so read URLs inside a test, not at the top of the file.
 */
export function useFabric(options: UseFabricOptions = {}): Fabric {
  const { isolate: mode = DEFAULT_ISOLATION, startTimeoutMs = 60_000, ...fabricOptions } = options;
  let current: Fabric | undefined;
  let tests = 0;
  beforeAll(async () => {
    current = await startFabric(fabricOptions);
  }, startTimeoutMs);
  beforeEach(async () => {
    if (tests++ === 0 || !current || mode === 'none') return;
    if (mode === 'reset') return isolateFabric(current);
    const used = current;
    current = undefined;
    await used.close();
    current = await startFabric(fabricOptions);
  }, startTimeoutMs);
  afterAll(async () => {
    await current?.close();
    current = undefined;
  });
  return new Proxy({} as Fabric, {
    get(_target, key) {
      if (!current) throw new Error('useFabric(): the fabric exists only inside tests and hooks of the file that called useFabric()');
      const value = (current as unknown as Record<PropertyKey, unknown>)[key];
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(current) : value;
    },
  });
}
