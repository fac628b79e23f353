import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ClockState } from '../core/clock.js';
import { gdnError } from '../core/errors.js';
import { LINK_LIMITS, proofMatches, type LinkSettings, type ReplicationStatus } from '../replication/index.js';
import type { ReplicaImageInfo } from './agent.js';
import { popHealth } from './health.js';
import { replicationFamilies, type MetricFamily } from './metrics.js';
import type { RegionRunState } from './types.js';

/** Internal routes answer only requests that carry the fabric's secret in this header. */
export const INTERNAL_SECRET_HEADER = 'x-fabric-emu-secret';

/** What one PoP exposes so that a fabric in another process can steer it. */
export interface RegionControlTarget {
  name: string;
  /** The fabric's secret: the parent process shows it; nobody else knows it. */
  secret: string;
  state(): RegionRunState;
  replication(): ReplicationStatus;
  /** Whether its replication runs (a child PoP holds it until its parent starts it). */
  replicating(): boolean;
  setLink(peer: string, settings: LinkSettings): void;
  setReplication(running: boolean): void;
  /** Wipes the replica and link statistics; only while replication is stopped on every region of the fabric. */
  reset(): void;
  /** Takes the fabric's clock state (advance, freeze, resume reach every PoP this way). */
  setClock(s: ClockState): void;
  expectClock(s: ClockState): void;
  /** As RegionAgent's: the image files are on the machine both processes run on. */
  backup(file: string): Promise<ReplicaImageInfo>;
  prepareImage(file: string): ReplicaImageInfo;
  restore(file: string): Promise<void>;
}

const FileBody = z.strictObject({ file: z.string().min(1) }).meta({ example: { file: '/tmp/fabric-emu-snapshot-x/gdn-us-east.sqlite' } });

const ClockBody = z.strictObject({ now: z.number(), offsetMs: z.number(), frozen: z.boolean() }).meta({ example: { now: 1764580000000, offsetMs: 0, frozen: false } });

const Settings = z.strictObject({
  cut: z.boolean(),
  rttMs: z.number().nonnegative().max(LINK_LIMITS.maxRttMs).optional(),
  jitterMs: z.number().nonnegative().max(LINK_LIMITS.maxJitterMs).optional(),
  lossRate: z.number().min(0).max(LINK_LIMITS.maxLossRate).optional(),
}).meta({ example: { cut: false, rttMs: 80, jitterMs: 4 } });

const ReplicationBody = z.strictObject({ running: z.boolean() }).meta({ example: { running: true } });

/**
 * Per-PoP control under /_emu/region, used by `fabric-emu up --processes` to reach each child, and
 * the PoP's own health: `/_emu/health` (200 once ready, else 503 with the reason) and
 * `/_emu/health/live` (200 whenever it answers), open to anyone like the global port's.
 */
export function regionControlRoutes(target: RegionControlTarget): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', async (req) => {
      if (!req.url.startsWith('/_emu/region/')) return;
      const given = req.headers[INTERNAL_SECRET_HEADER];
      if (typeof given !== 'string' || !proofMatches(target.secret, given)) {
        throw gdnError('UNAUTHORIZED', `${req.url.split('?')[0]} is internal to the fabric: it answers only its own parent process`);
      }
    });
    const health = () => popHealth(target.name, target.state(), target.replicating(), target.replication());
    app.get('/_emu/health', async (_req, reply) => {
      const h = health();
      return reply.code(h.ready ? 200 : 503).send(h);
    });
    app.get('/_emu/health/live', async () => ({ region: target.name, live: true }));
    app.get('/_emu/region/status', async () => ({ name: target.name, state: target.state(), replication: target.replication() }));
    app.get('/_emu/region/metrics', async (): Promise<MetricFamily[]> => replicationFamilies(target.replication()));
    app.put('/_emu/region/links/:peer', { schema: { params: z.object({ peer: z.string() }), body: Settings } }, async (req) => {
      try {
        target.setLink(req.params.peer, req.body);
      } catch (e) {
        throw gdnError('NOT_FOUND', (e as Error).message);
      }
      return { ok: true };
    });
    app.post('/_emu/region/replication', { schema: { body: ReplicationBody } }, async (req) => {
      target.setReplication(req.body.running);
      return { ok: true };
    });
    app.put('/_emu/region/clock', { schema: { body: ClockBody } }, async (req) => {
      target.setClock(req.body);
      return { ok: true };
    });
    app.put('/_emu/region/clock/expected', { schema: { body: ClockBody } }, async (req) => {
      target.expectClock(req.body);
      return { ok: true };
    });
    app.post('/_emu/region/reset', async () => {
      target.reset();
      return { ok: true };
    });
    const file = { schema: { body: FileBody } };
    app.post('/_emu/region/backup', file, async (req) => target.backup(req.body.file));
    app.post('/_emu/region/prepare-image', file, async (req) => {
      try {
        return target.prepareImage(req.body.file);
      } catch (e) {
        throw gdnError('BAD_PARAMETER', (e as Error).message);
      }
    });
    app.post('/_emu/region/restore', file, async (req) => {
      await target.restore(req.body.file);
      return { ok: true };
    });
  };
}
