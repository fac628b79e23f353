import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { API_PREFIX, LOCAL_DOMAIN } from '../core/gdn-hosts.js';
import type { ApiContext, DatacenterInfo } from './context.js';

/** Said in `tags.note` when there is no front door, so a client that cannot connect learns why. */
export const NO_FRONT_DOOR_NOTE =
  "no HTTPS front door: this PoP runs alone ('fabric-emu region'), so these names lead to its plain HTTP port; jsC8 and wss:// URLs need the front door of 'fabric-emu up'";

/**
 * The datacenter object of spec/gdn-api.md §3.1. `tags.url` and `locationInfo.url` name the region's
 * host at the HTTPS front door (`<region>.localhost:<https port>`), with no `api-` and no "http", as
 * jsC8 requires: it opens `wss://api-` + `tags.url`, and apps switch region by prefixing `https://`
 * to `locationInfo.url`. `host` and `port` stay the PoP's own plain HTTP address.
 */
export function datacenterObject(dc: DatacenterInfo, local: boolean, httpsPort: number | undefined): Record<string, unknown> {
  const url = `${dc.name}.${LOCAL_DOMAIN}:${httpsPort ?? dc.port}`;
  return {
    _key: dc.name,
    name: dc.name,
    host: dc.host,
    port: dc.port,
    local,
    spot_region: false,
    status: 0,
    tags: { api: `${API_PREFIX}${url}`, role: 'c8streams-agent', url, ...(httpsPort === undefined ? { note: NO_FRONT_DOOR_NOTE } : {}) },
    locationInfo: {
      city: dc.city,
      countrycode: dc.country,
      countryname: dc.countryName,
      latitude: String(dc.lat),
      longitude: String(dc.lon),
      url,
    },
  };
}

/** Tenant names are account emails with `@` as `_` (spec/gdn-api.md §1.3); any such name is served. */
const TenantParams = z.object({ tenant: z.string().regex(/^[^\s]+$/, 'a tenant name has no whitespace') });
const DcParams = z.object({ dc: z.string() });

export function datacenterRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  return async (app) => {
    const object = (dc: DatacenterInfo) => datacenterObject(dc, dc.name === ctx.region, ctx.httpsPort());
    const all = () => ctx.datacenters().map(object);
    const find = (name: string) => {
      const dc = ctx.datacenters().find((d) => d.name === name);
      if (!dc) throw gdnError('NOT_FOUND', `datacenter '${name}' not found`);
      return object(dc);
    };
    app.get('/datacenter/all', async () => all());
    app.get('/datacenter/local', async () => find(ctx.region));
    // spec §3.2: each entry as in /datacenter/all plus the cluster and member document fields.
    app.get('/datacenter/_tenant/:tenant', { schema: { params: TenantParams } }, async (req) => {
      if (req.params.tenant !== req.gdn.tenant) throw gdnError('FORBIDDEN', `the path names tenant '${req.params.tenant}' but the credentials are of tenant '${req.gdn.tenant}'`);
      const dcInfo = all().map((dc) => {
        const name = String(dc['name']);
        const loc = dc['locationInfo'] as Record<string, unknown>;
        return { ...dc, _id: `_clusters/${name}`, _rev: '_0', locationInfo: { ...loc, _id: `_members/${name}`, _key: name, _rev: '_0', host: dc['host'], status: dc['status'] } };
      });
      return [{ tenant: req.params.tenant, dcInfo }];
    });
    app.get('/datacenter/:dc', { schema: { params: DcParams } }, async (req) => find(req.params.dc));
  };
}
