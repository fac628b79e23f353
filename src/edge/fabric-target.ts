/** Where a handler "deployed at" a place sends its GDN calls: asked of the fabric's global URL. */

export class EdgeFabricError extends Error {
  override readonly name = 'EdgeFabricError';
}

export interface EdgeTarget {
  /** The PoP the handler talks to, and its URL. */
  region: string;
  url: string;
  /** The region latency is charged from (x-gdn-client-region of the handler's requests). */
  clientRegion: string;
}

export interface EdgeEnvOptions {
  fabric?: string;
  tenant?: string;
  /** The API key handed to the handler as GDN_API_KEY (the dev key `up` prints); its tenant is GDN_TENANT unless given. */
  apiKey?: string | undefined;
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

/** `at` is a region name or `lat,lon`; the answer is the live PoP nearest it right now. */
export async function resolveTarget(globalUrl: string, at: string): Promise<EdgeTarget> {
  const q = LAT_LON.test(at) ? `location=${encodeURIComponent(at)}` : `clientRegion=${encodeURIComponent(at)}`;
  return (await getJson(`${globalUrl.replace(/\/$/, '')}/_emu/route?${q}`)) as EdgeTarget;
}

/** Every origin of the fabric (PoPs and global URL): the requests a handler's fetch marks with its region. */
export async function fabricOrigins(globalUrl: string): Promise<string[]> {
  const status = (await getJson(`${globalUrl.replace(/\/$/, '')}/_emu/status`)) as { regions: { url: string }[] };
  return [new URL(globalUrl).origin, ...status.regions.map((r) => new URL(r.url).origin)];
}

/** The tenant of `<tenant>.<keyid>.<secret>`: everything before its last two parts, as jsC8 reads it. */
function keyTenant(key: string): string | undefined {
  const parts = key.split('.');
  return parts.length >= 3 ? parts.slice(0, -2).join('.') : undefined;
}

/**
 * What the handler finds in process.env (Lambda) or its env argument (Workers), as a deployed one
 * would: where GDN is, and the API key to call it with (GDN_API_KEY, when one is given).
 */
export function edgeEnv(t: EdgeTarget, o: EdgeEnvOptions = {}): Record<string, string> {
  const tenant = o.tenant ?? (o.apiKey ? keyTenant(o.apiKey) : undefined) ?? '_mm';
  return { GDN_URL: t.url, GDN_REGION: t.region, GDN_FABRIC: o.fabric ?? '_system', GDN_TENANT: tenant, ...(o.apiKey ? { GDN_API_KEY: o.apiKey } : {}) };
}
