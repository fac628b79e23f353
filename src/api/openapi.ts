import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { VERSION } from '../core/version.js';

/** fabric-emu's own document of a PoP's API, not a GDN endpoint: GET /_api/openapi.json in every path form. */
export const OPENAPI_ROUTE = '/_fabric/:fabric/openapi.json';

const DESCRIPTION =
  'Generated from the zod schemas the routes validate requests with. On a PoP, paths are canonical: every form of ' +
  'spec/gdn-api.md §1.2 reaches the same route (`/_fabric/{fabric}/_api/...`, `/_api/...` for the _system fabric, ' +
  '`/_tenant/{tenant}/...`). Every GET path also answers HEAD. Errors are `{error, code, errorNum, errorMessage}`.';

/**
 * Collects every route registered after it (so register it first) and documents it as OpenAPI 3.
 * The document is built on the first request from the same schemas that validate requests.
 */
export function registerOpenApi(app: FastifyInstance, opts: { title: string; path: string; schema?: FastifySchema }): void {
  app.register(swagger, {
    openapi: { openapi: '3.0.3', info: { title: opts.title, version: VERSION, description: DESCRIPTION } },
    transform: jsonSchemaTransform,
    exposeHeadRoutes: true,
  });
  app.register(async (scope) => {
    scope.get(opts.path, { schema: opts.schema }, async (_req, reply) => reply.type('application/json; charset=utf-8').send(app.swagger()));
  });
}
