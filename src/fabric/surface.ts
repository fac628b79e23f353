import { frontDoorUrl, jsc8Options } from '../client/index.js';
import type { FabricControl } from '../control/types.js';
import type { DevCredentials } from '../auth/credentials.js';
import type { RegionHandle } from '../region/handle.js';
import type { FabricHttps } from '../tls/index.js';
import type { Topology } from '../topology/index.js';
import type { Fabric, FabricUrls } from './types.js';

/**
 * Node has had Symbol.asyncDispose since 20.4 and 18.18; a runtime without it gets the registered
 * symbol TypeScript's and esbuild's `await using` helpers fall back to, so the fixture is disposable there too.
 */
export const asyncDispose: typeof Symbol.asyncDispose =
  Symbol.asyncDispose ?? ((Symbol as { asyncDispose?: symbol }).asyncDispose = Symbol.for('Symbol.asyncDispose') as typeof Symbol.asyncDispose);

export interface FabricParts<R extends RegionHandle> {
  verbs: FabricControl;
  topology: Topology;
  regions: readonly R[];
  https: FabricHttps | undefined;
  globalUrl: () => string;
  credentials: DevCredentials;
  auth: boolean;
  close: () => Promise<void>;
}

/** What every in-process fabric offers on top of its verbs: lookup by name, URLs, jsC8 options, aliases, disposal. */
export function fabricSurface<R extends RegionHandle>(p: FabricParts<R>): Fabric & { readonly regions: readonly R[]; region(name: string): R } {
  const names = p.regions.map((r) => r.name);
  const known = (name: string): R => {
    const r = p.regions.find((x) => x.name === name);
    if (!r) throw new RangeError(`unknown region '${name}'; known: ${names.join(', ')}`);
    return r;
  };
  const door = p.https;
  const urls: FabricUrls = {
    global: { http: p.globalUrl(), https: door && frontDoorUrl(door) },
    regions: Object.fromEntries(p.regions.map((r) => [r.name, { http: r.url(), https: door && frontDoorUrl(door, r.name) }])),
  };
  return {
    ...p.verbs,
    topology: p.topology,
    regions: p.regions,
    region: known,
    https: door,
    globalUrl: p.globalUrl,
    credentials: p.credentials,
    auth: p.auth,
    urls,
    jsc8(region) {
      if (!door) throw new Error('this fabric runs no HTTPS front door, which jsC8 needs: start it with https: true (or a topology with https: {port})');
      if (region !== undefined) known(region);
      return jsc8Options(door, region, p.auth ? p.credentials.apiKey : undefined);
    },
    link: (from, to, change, opts) => p.verbs.setLink(from, to, change, opts),
    wait: (opts) => p.verbs.waitForReplication(opts),
    close: p.close,
    [asyncDispose]: p.close,
  };
}
