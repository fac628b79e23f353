import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { canRead, type FabricView } from '../auth/index.js';
import { gdnError } from '../core/errors.js';
import { assertNewFabricName, SYSTEM_FABRIC } from '../core/names.js';
import { grantId, parseGrantId, type FabricRecord } from '../storage/index.js';
import { parseBody, pathParams } from './body-schema.js';
import type { ApiContext } from './context.js';

const json = z.record(z.string(), z.unknown());
const CreateFabric = z.object({
  name: z.unknown(),
  options: z
    .object({
      dcList: z.union([z.string(), z.array(z.string())]).optional(),
      spotDc: z.string().optional(),
      metadata: json.optional(),
    })
    .passthrough()
    .optional(),
  users: z.array(z.object({ username: z.string() }).passthrough()).optional(),
});
const Metadata = z.object({ metadata: json });

type Req = FastifyRequest<{ Params: Record<string, string>; Body: unknown }>;

const Fabric = { schema: { params: pathParams('fabric') } };

/** The options object of spec/gdn-api.md §3.3 (`GET /_api/database/user`, metadata, current). */
function options(f: FabricView): Record<string, unknown> {
  return {
    dcList: f.dcList.join(','),
    spotDc: f.spotDc,
    realTime: false,
    status: 'available',
    tenant: f.tenant,
    metadata: f.metadata,
    associated_regions: [],
    clusters: [],
    dynamo_local_tables: false,
    name: f.name,
  };
}

function described(f: FabricView): Record<string, unknown> {
  return { name: f.name, isSystem: f.isSystem, options: options(f) };
}

/**
 * Geo-fabrics (spec/gdn-api.md §3.3): every tenant has `_system`; others are created (from
 * `_system` only) with the regions that hold them, `dcList`. The fabric registry replicates to
 * every PoP; a fabric's data only among its dcList (replication/geo-filter.ts). Dropping a fabric
 * removes its data at every region once the drop has replicated.
 */
export function fabricRoutes(ctx: ApiContext): FastifyPluginAsync {
  const { dir, access } = ctx.auth;
  const reg = ctx.storage.registry;
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);
  const regions = dir.config.regions;

  const fromSystem = (req: Req, what: string) => {
    if (req.gdn.fabric !== SYSTEM_FABRIC) throw gdnError('USE_SYSTEM_DATABASE', `${what} only from _system (this request is for fabric '${req.gdn.fabric}')`);
  };
  const visible = (req: Req) => dir.fabrics(req.gdn.tenant).filter((f) => canRead(access.fabric(req.gdn.principal, f.name)));

  const dcListOf = (given: string | string[] | undefined): string[] => {
    const list = (given === undefined ? [...regions] : Array.isArray(given) ? given : given.split(',')).map((s) => s.trim()).filter(Boolean);
    const unknown = list.filter((d) => !regions.includes(d));
    if (unknown.length > 0) throw gdnError('BAD_PARAMETER', `dcList names unknown regions ${unknown.join(', ')}; this fabric has ${regions.join(', ')}`);
    if (list.length === 0) throw gdnError('BAD_PARAMETER', 'dcList must name at least one region');
    return [...new Set(list)];
  };

  const setMetadata = (req: Req, reply: FastifyReply, merge: boolean) => {
    const { metadata } = parseBody(Metadata, req.body, 'expecting {"metadata": {...}}');
    const f = req.gdn.view as FabricView;
    const next = merge ? { ...f.metadata, ...metadata } : metadata;
    write(() => reg.patch('fabric', req.gdn.tenant, f.name, { metadata: next }));
    return reply.code(201).send({ error: false, code: 201, result: true });
  };

  return async (app) => {
    app.get('/_fabric/:fabric/database', Fabric, async (req: Req) => ({ error: false, code: 200, result: visible(req).map((f) => f.name) }));

    app.get('/_fabric/:fabric/database/user', Fabric, async (req: Req) => ({ error: false, code: 200, result: visible(req).map(described) }));

    app.post('/_fabric/:fabric/database', Fabric, async (req: Req, reply) => {
      fromSystem(req, 'a geo-fabric can be created');
      const body = parseBody(CreateFabric, req.body, 'expecting {"name", "options": {"dcList", "spotDc"?, "metadata"?}, "users"?}');
      const name = assertNewFabricName(body.name);
      const tenant = req.gdn.tenant;
      if (dir.fabric(tenant, name)) throw gdnError('DUPLICATE_NAME', `duplicate name: fabric '${name}' already exists`);
      const dcList = dcListOf(body.options?.dcList);
      const spotDc = body.options?.spotDc ?? '';
      if (spotDc !== '' && !dcList.includes(spotDc)) throw gdnError('BAD_PARAMETER', `spotDc '${spotDc}' is not in the dcList (${dcList.join(', ')})`);
      const users = (body.users ?? []).map((u) => u.username);
      for (const u of users) if (!dir.user(tenant, u)) throw gdnError('USER_NOT_FOUND', `user '${u}' not found in tenant '${tenant}'`);
      const rec: FabricRecord = { dcList, spotDc, metadata: body.options?.metadata ?? {} };
      write(() => {
        reg.put('fabric', tenant, name, rec);
        // The listed users get rw on the new fabric, as ArangoDB's database creation grants them.
        for (const u of users) reg.put('grant', tenant, grantId({ kind: 'user', name: u }, { kind: 'db', fabric: name }), { level: 'rw' });
      });
      return reply.code(201).send({ error: false, code: 201, result: true });
    });

    app.delete('/_fabric/:fabric/database/:name', { schema: { params: pathParams('fabric', 'name') } }, async (req: Req) => {
      fromSystem(req, 'a geo-fabric can be dropped');
      const name = req.params['name'] as string;
      if (name === SYSTEM_FABRIC) throw gdnError('FORBIDDEN', 'the _system fabric cannot be dropped');
      const tenant = req.gdn.tenant;
      if (!dir.fabric(tenant, name)) throw gdnError('DATABASE_NOT_FOUND', `database not found: ${name}`);
      write(() => {
        reg.remove('fabric', tenant, name);
        // Its grants go with it: a fabric created later under the same name starts without them.
        for (const e of reg.entries('grant', tenant)) if (!e.state.deleted && parseGrantId(e.id)?.scope.fabric === name) reg.remove('grant', tenant, e.id);
      });
      return { error: false, code: 200, result: true };
    });

    const current = async (req: Req) => ({ error: false, code: 200, result: described(req.gdn.view as FabricView) });
    app.get('/_fabric/:fabric/database/current', Fabric, current);
    app.get('/_fabric/:fabric/database/metadata', Fabric, current);
    app.put('/_fabric/:fabric/database/metadata', Fabric, async (req: Req, reply) => setMetadata(req, reply, false));
    app.patch('/_fabric/:fabric/database/metadata', Fabric, async (req: Req, reply) => setMetadata(req, reply, true));
  };
}
