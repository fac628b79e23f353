import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import type { ApiContext, DatacenterInfo } from './context.js';

/** The datacenter object of spec/gdn-api.md §3.1; `tags.url` has no `api-` and no "http", as jsC8 requires. */
export function datacenterObject(dc: DatacenterInfo, local: boolean): Record<string, unknown> {
  const url = `${dc.name}.localhost:${dc.port}`;
  return {
    _key: dc.name,
    name: dc.name,
    host: dc.host,
    port: dc.port,
    local,
    spot_region: false,
    status: 0,
    tags: { api: `api-${url}`, role: 'c8streams-agent', url },
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
    const all = () => ctx.datacenters().map((dc) => datacenterObject(dc, dc.name === ctx.region));
    const find = (name: string) => {
      const dc = ctx.datacenters().find((d) => d.name === name);
      if (!dc) throw gdnError('NOT_FOUND', `datacenter '${name}' not found`);
      return datacenterObject(dc, dc.name === ctx.region);
    };
    app.get('/datacenter/all', async () => all());
    app.get('/datacenter/local', async () => find(ctx.region));
    app.get('/datacenter/_tenant/:tenant', { schema: { params: TenantParams } }, async (req) => [
      {
        tenant: req.params.tenant,
        dcInfo: all().map((dc) => ({ ...dc, _id: `_clusters/${String(dc['name'])}`, _rev: '_0' })),
      },
    ]);
    app.get('/datacenter/:dc', { schema: { params: DcParams } }, async (req) => find(req.params.dc));
  };
}
