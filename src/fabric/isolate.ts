import type { FabricControl } from '../control/types.js';

/**
 * Brings a used fabric back to how it started, for the next test: restarts killed PoPs, resumes a
 * frozen clock, drops every link override and cut, deletes all data. The clock keeps any offset it
 * was advanced by, since time never runs backwards for a replica.
 */
export async function isolateFabric(fabric: FabricControl): Promise<void> {
  await Promise.all(fabric.health().filter((r) => !r.listening).map((r) => fabric.restart(r.name)));
  if ((await fabric.clock()).frozen) await fabric.clock({ resume: true });
  await fabric.reset({ links: true });
}
