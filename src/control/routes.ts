import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { LINK_LIMITS } from '../replication/index.js';
import type { ClockAction, FabricControl } from './types.js';

const LinkBody = z.strictObject({
  cut: z.boolean().optional(),
  rttMs: z.number().nonnegative().max(LINK_LIMITS.maxRttMs).optional(),
  jitterMs: z.number().nonnegative().max(LINK_LIMITS.maxJitterMs).optional(),
  lossRate: z.number().min(0).max(LINK_LIMITS.maxLossRate).optional(),
  clear: z.boolean().optional(),
  bidirectional: z.boolean().optional(),
});
const PartitionBody = z
  .strictObject({ groups: z.array(z.array(z.string().min(1)).min(1)).min(1) })
  .meta({ example: { groups: [['gdn-us-west'], ['gdn-us-east', 'gdn-eu-west']] } });
const ResetBody = z.strictObject({ links: z.boolean().optional() }).nullish();
const WaitBody = z.strictObject({ timeoutMs: z.number().int().positive().max(600_000).optional() }).nullish();
const LinkParams = z.object({ from: z.string(), to: z.string() });
const RegionParams = z.object({ name: z.string() });
/** Up to ten years: far enough for any expiry test, small enough to stay a safe timer and HLC value. */
const MAX_ADVANCE_MS = 10 * 365 * 86_400_000;
const ClockBody = z.union([
  z.strictObject({
    advance: z.union([
      z.number().nonnegative().max(MAX_ADVANCE_MS),
      z.string().transform((s, ctx) => {
        const ms = parseDuration(s);
        if (ms === undefined || ms > MAX_ADVANCE_MS) {
          ctx.addIssue({ code: 'custom', message: `expected ms or a duration such as 90s, 5m, 1h, 2d (at most ${MAX_ADVANCE_MS} ms), got '${s}'` });
          return z.NEVER;
        }
        return ms;
      }),
    ]),
  }),
  z.strictObject({ freeze: z.literal(true) }),
  z.strictObject({ resume: z.literal(true) }),
]).meta({ example: { advance: '1h' } });

/** The emulator's control API on the global port: the same verbs as the CLI and the Fabric object. */
export function controlRoutes(control: FabricControl): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/_emu/health', async (_req, reply) => {
      const regions = control.health();
      const ok = regions.every((r) => r.listening);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', regions });
    });
    app.get('/_emu/status', async () => control.status());
    app.get('/_emu/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await control.metrics()));
    app.put('/_emu/links/:from/:to', { schema: { params: LinkParams, body: LinkBody.nullish() } }, async (req) => {
      const { bidirectional, ...change } = req.body ?? {};
      await control.setLink(req.params.from, req.params.to, change, { bidirectional: bidirectional ?? true });
      return { ok: true };
    });
    app.post('/_emu/partition', { schema: { body: PartitionBody } }, async (req) => {
      const { groups } = req.body;
      await control.partition(groups);
      return { ok: true };
    });
    app.post('/_emu/heal', async () => {
      await control.heal();
      return { ok: true };
    });
    const region = { schema: { params: RegionParams } };
    app.post('/_emu/regions/:name/kill', region, async (req) => ({ ok: true, ...(await control.kill(req.params.name)) }));
    app.post('/_emu/regions/:name/restart', region, async (req) => ({ ok: true, ...(await control.restart(req.params.name)) }));
    app.get('/_emu/clock', async () => control.clock());
    app.post('/_emu/clock', { schema: { body: ClockBody } }, async (req) => control.clock(req.body as ClockAction));
    app.post('/_emu/reset', { schema: { body: ResetBody } }, async (req) => {
      await control.reset(req.body?.links ? { links: true } : {});
      return { ok: true };
    });
    app.post('/_emu/wait', { schema: { body: WaitBody } }, async (req) => {
      const body = req.body;
      const { skipped } = await control.waitForReplication(body?.timeoutMs ? { timeoutMs: body.timeoutMs } : {});
      return { ok: true, skipped };
    });
  };
}
