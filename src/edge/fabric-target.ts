/** Where a function "deployed at" a place runs and sends its GDN calls: asked of the fabric's global URL. */
import { DEFAULT_GDN_HOSTS, type FabricMap, type Route } from './outbound.js';

export class EdgeFabricError extends Error {
  override readonly name = 'EdgeFabricError';
}

/** Where a function runs: what `request.cf`, CloudFront and EdgeWorkers' userLocation say about it. */
export interface EdgeLocation {
  /** The region of the topology nearest the place (latency is charged from there). */
  region: string;
  city: string;
  country: string;
  countryName: string;
  lat: number;
  lon: number;
}

/** One deployment of a function: `at` as given (a region name or `lat,lon`), and where that is. */
export interface Placement {
  at: string;
  location: EdgeLocation;
}

interface RouteAnswer {
  region: string;
  url: string;
  clientRegion: string;
  client: EdgeLocation;
}

async function getJson(url: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new EdgeFabricError(`cannot reach a fabric at ${new URL(url).origin} (${(e as Error).message}); is 'fabric-emu up' running? (--url or FABRIC_EMU_URL)`);
  }
  const body = (await res.json().catch(() => undefined)) as { errorMessage?: string } | undefined;
  if (!res.ok) throw new EdgeFabricError(`${url}: ${res.status}: ${body?.errorMessage ?? 'no answer'}`);
  return body;
}

const LAT_LON = /^-?\d+(\.\d+)?,-?\d+(\.\d+)?$/;
const trim = (u: string) => u.replace(/\/$/, '');

async function ask(globalUrl: string, at: string): Promise<RouteAnswer> {
  const q = LAT_LON.test(at) ? `location=${encodeURIComponent(at)}` : `clientRegion=${encodeURIComponent(at)}`;
  return (await getJson(`${trim(globalUrl)}/_emu/route?${q}`)) as RouteAnswer;
}

/** The live PoP nearest `at` right now, and the region charged for the way there. */
export async function resolveRoute(globalUrl: string, at: string): Promise<Route> {
  const a = await ask(globalUrl, at);
  return { clientRegion: a.clientRegion, pop: { region: a.region, url: a.url } };
}

async function regionsOf(globalUrl: string): Promise<{ name: string; url: string }[]> {
  return ((await getJson(`${trim(globalUrl)}/_emu/status`)) as { regions: { name: string; url: string }[] }).regions;
}

/** `at` is a region name, `lat,lon`, or `all` (one deployment at every region of the topology). */
export async function placements(globalUrl: string, at: string): Promise<Placement[]> {
  const ats = at === 'all' ? (await regionsOf(globalUrl)).map((r) => r.name) : [at];
  return Promise.all(ats.map(async (a) => ({ at: a, location: (await ask(globalUrl, a)).client })));
}

/** Every PoP and GDN host name a function's requests can reach the fabric by. */
export async function fabricMap(globalUrl: string, gdnHosts: readonly string[] = DEFAULT_GDN_HOSTS): Promise<FabricMap> {
  const regions = await regionsOf(globalUrl);
  return {
    origins: [new URL(globalUrl).origin, ...regions.map((r) => new URL(r.url).origin)],
    regions: Object.fromEntries(regions.map((r) => [r.name, r.url])),
    gdnHosts,
  };
}
