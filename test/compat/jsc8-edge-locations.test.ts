import { describe, expect, it } from 'vitest';
import { useJsc8 } from '../helpers/jsc8.js';

/** jsc8@1.1.0's edge-location calls at the global name and at a region: the same list, each its own local one. */
const j = useJsc8();

describe('jsc8@1.1.0 edge locations', () => {
  it('getAllEdgeLocations and getTenantEdgeLocations list every region with the host names to reach it', async () => {
    const port = j.fabric.https!.port;
    const all = (await j.client.getAllEdgeLocations()) as { name: string; local: boolean; tags: { url: string; api: string }; locationInfo: { url: string; city: string } }[];
    expect(all.map((d) => d.name)).toEqual(j.fabric.topology.regions.map((r) => r.name));
    for (const d of all) {
      expect(d.tags.url).toBe(`${d.name}.localhost:${port}`);
      expect(d.tags.api).toBe(`api-${d.name}.localhost:${port}`);
      expect(d.locationInfo.url).toBe(d.tags.url);
      expect(d.local).toBe(d.name === j.local);
    }
    const tenant = (await j.client.getTenantEdgeLocations()) as { tenant: string; dcInfo: { name: string }[] }[];
    expect(tenant[0]?.dcInfo.map((d) => d.name)).toEqual(all.map((d) => d.name));
    expect((await j.remoteClient.getAllEdgeLocations()).map((d: { name: string; local: boolean }) => [d.name, d.local])).toEqual(all.map((d) => [d.name, d.name === j.remote]));
  });

  it('getLocalEdgeLocation names the region each client reaches; getDcList and getLocalDc agree', async () => {
    expect(await j.client.getLocalEdgeLocation()).toMatchObject({ name: j.local, local: true });
    expect(await j.remoteClient.getLocalEdgeLocation()).toMatchObject({ name: j.remote, local: true });
    expect(await j.client.getDcList()).toEqual(await j.client.getTenantEdgeLocations());
    expect((await j.remoteClient.getLocalDc()).name).toBe(j.remote);
  });

  it('switching region by prefixing https:// to locationInfo.url reaches that region over TLS', async () => {
    const all = (await j.client.getAllEdgeLocations()) as { name: string; locationInfo: { url: string } }[];
    const remote = all.find((d) => d.name === j.remote)!;
    const res = await j.conn.fetch(`https://${remote.locationInfo.url}/_api/version`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gdn-region')).toBe(j.remote);
  });
});
