import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { gdnError } from '../core/errors.js';
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
const PartitionBody = z.strictObject({ groups: z.array(z.array(z.string().min(1)).min(1)).min(1) });
const WaitBody = z.strictObject({ timeoutMs: z.number().int().positive().max(600_000).optional() }).optional();
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
]);

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? undefined);
  if (!r.success) throw gdnError('BAD_PARAMETER', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

/** The emulator's control API on the global port: the same verbs as the CLI and the Fabric object. */
export function controlRoutes(control: FabricControl): FastifyPluginAsync {
  return async (app) => {
    app.get('/_emu/health', async (_req, reply) => {
      const regions = control.health();
      const ok = regions.every((r) => r.listening);
      return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', regions });
    });
    app.get('/_emu/status', async () => control.status());
    app.get('/_emu/metrics', async (_req, reply) => reply.type('text/plain; version=0.0.4').send(await control.metrics()));
    app.put<{ Params: { from: string; to: string } }>('/_emu/links/:from/:to', async (req) => {
      const { bidirectional, ...change } = parse(LinkBody, req.body ?? {});
      await control.setLink(req.params.from, req.params.to, change, { bidirectional: bidirectional ?? true });
      return { ok: true };
    });
    app.post('/_emu/partition', async (req) => {
      const { groups } = parse(PartitionBody, req.body);
      await control.partition(groups);
      return { ok: true };
    });
    app.post('/_emu/heal', async () => {
      await control.heal();
      return { ok: true };
    });
    app.post<{ Params: { name: string } }>('/_emu/regions/:name/kill', async (req) => ({ ok: true, ...(await control.kill(req.params.name)) }));
    app.post<{ Params: { name: string } }>('/_emu/regions/:name/restart', async (req) => ({ ok: true, ...(await control.restart(req.params.name)) }));
    app.get('/_emu/clock', async () => control.clock());
    app.post('/_emu/clock', async (req) => control.clock(parse(ClockBody, req.body) as ClockAction));
    app.post('/_emu/reset', async () => {
      await control.reset();
      return { ok: true };
    });
    app.post('/_emu/wait', async (req) => {
      const body = parse(WaitBody, req.body);
      const { skipped } = await control.waitForReplication(body?.timeoutMs ? { timeoutMs: body.timeoutMs } : {});
      return { ok: true, skipped };
    });
  };
}
