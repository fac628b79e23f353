import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryString } from '../api/fields.js';
import { gdnError } from '../core/errors.js';
import { NO_POP_ERRNUM, noPop } from './forward.js';
import { CLIENT_REGION, decideRoute, parseLocation, type ClientPlace, type GlobalRouting } from './route-table.js';

/**
 * `GET /_emu/route?clientRegion=NAME | ?location=lat,lon`: the PoP the global URL would pick for
 * such a client right now, and where that client is. `fabric-emu invoke` and `dev` use it to hand a
 * handler its nearest PoP and its location.
 */
const RouteQuery = z.object({ clientRegion: queryString, location: queryString });

export function routeRoutes(routing: GlobalRouting): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/_emu/route', { schema: { querystring: RouteQuery } }, async (req, reply) => {
      const { clientRegion, location } = req.query;
      if (clientRegion !== undefined && location !== undefined) throw gdnError('BAD_PARAMETER', 'give either clientRegion or location, not both');
      const place: ClientPlace =
        location !== undefined
          ? { location: parseLocation(location, 'location') }
          : { region: clientRegion ?? routing.clientRegion ?? routing.topology.regions[0]!.name };
      const d = decideRoute(routing, place);
      if (!d) return reply.code(503).send({ error: true, code: 503, errorNum: NO_POP_ERRNUM, errorMessage: noPop(routing) });
      // Where the client is, for an edge function's request.cf or userLocation: the point when given, else its region's.
      const spec = routing.topology.regions.find((r) => r.name === d.clientRegion)!;
      const at = 'location' in place ? place.location : spec;
      const client = { region: spec.name, city: spec.city, country: spec.country, countryName: spec.countryName, lat: at.lat, lon: at.lon };
      return { region: d.target.name, url: d.target.url, clientRegion: d.clientRegion, header: { [CLIENT_REGION]: d.clientRegion }, client };
    });
  };
}
