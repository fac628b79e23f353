/**
 * Akamai EdgeWorkers: the bundle's main.js in a sandbox that has only the EdgeWorkers API (host.ts),
 * one worker thread per deployment. The property's origin is the fabric (its nearest PoP) unless
 * `origin` names another.
 */
import { join } from 'node:path';
import { HandlerRunner } from '../thread-runner.js';
import type { LoadedFunction, LoadOptions } from '../runtime.js';
import type { AkamaiEvent } from './host.js';

const HOST = new URL('./host.js', import.meta.url);

export async function loadAkamai(bundle: string, o: LoadOptions, origin: string | undefined): Promise<LoadedFunction> {
  const runners = new Map<string, HandlerRunner>();
  try {
    await Promise.all(
      o.placements.map(async (p, i) => {
        const data = { file: join(bundle, 'main.js'), fabric: o.fabric, route: o.routes[i]!, extra: p.location };
        // SourceTextModule is still behind this flag on every Node line the project supports.
        runners.set(p.at, await HandlerRunner.start(HOST, data, o.shown, { env: {}, execArgv: ['--experimental-vm-modules', '--no-warnings'] }));
      }),
    );
  } catch (e) {
    await Promise.all([...runners.values()].map((r) => r.close()));
    throw e;
  }
  return {
    kind: 'akamai',
    description: 'Akamai EdgeWorkers (main.js in an EdgeWorkers-only sandbox) on Node',
    placements: o.placements,
    async serve(req, call) {
      const event: AkamaiEvent = { request: req, origin: origin ?? call.route.pop.url };
      return (await runners.get(call.at)!.invoke({ route: call.route, event }, call.timeoutMs, call.onCall)) as Awaited<ReturnType<LoadedFunction['serve']>>;
    },
    alive: () => [...runners.values()].every((r) => r.alive()),
    idle: () => [...runners.values()].every((r) => r.idle()),
    close: async () => {
      await Promise.all([...runners.values()].map((r) => r.close()));
    },
  };
}
