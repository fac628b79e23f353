import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { formatHlc } from '../core/hlc.js';
import { splitFabricKey } from '../core/scope.js';
import { isGlobalTopic, MAX_MESSAGE_BYTES, streamTopic, SUBSCRIPTION_NAME } from '../core/streams.js';
import type { StreamRecord } from '../storage/index.js';
import { clearBacklog, expireMessages, subscriptionNames, topicBacklog, topicStats, unsubscribe } from '../streams/index.js';
import type { RequestScope } from './auth-hook.js';
import type { ApiContext } from './context.js';
import { FabricParams, queryBool } from './fields.js';

const MAX_SECONDS = 10 * 365 * 86_400;

/** A path segment holding whole seconds, 0 to 10 years. */
const Seconds = z
  .string()
  .regex(/^\d{1,10}$/, { error: 'must be a whole number of seconds' })
  .transform(Number)
  .pipe(z.number().max(MAX_SECONDS, { error: `must be at most ${MAX_SECONDS} seconds (10 years)` }));

const StreamParams = FabricParams.extend({ stream: z.string().min(1) });
const Subscription = z.string().regex(SUBSCRIPTION_NAME, { error: 'must be 1 to 128 letters, digits, _, -, . or :' });
const SubscriptionParams = FabricParams.extend({ subscription: Subscription });
const StreamSubscriptionParams = StreamParams.extend({ subscription: Subscription });
const GlobalQuery = z.object({ global: queryBool() });
const LocalQuery = z.object({ local: queryBool() });
const ForceQuery = z.object({ force: queryBool(false) });
const SocketParams = z.object({ tenant: z.string(), namespace: z.string(), topic: z.string() });

/** The tenant streams are listed under until requests carry one (`_mm`, jsC8's default tenant). */

/** GDN's stream object (spec/gdn-api.md §9.2). */
function streamObject(rec: StreamRecord): Record<string, unknown> {
  const rev = rec.clock === '' ? formatHlc({ physical: 0, logical: rec.id }) : rec.clock.slice(0, rec.clock.indexOf('|'));
  const { tenant, fabric } = splitFabricKey(rec.fabric) ?? { tenant: '_mm', fabric: rec.fabric };
  return { topic: rec.topic, db: fabric, local: rec.local, tenant, type: 4, _key: rec.topic, _id: `_streams/${rec.topic}`, _rev: rev };
}

/** Results of Pulsar's admin calls reach GDN clients as JSON text (spec §9.2). */
const pulsar = (v: unknown) => ({ error: false, code: 200, result: JSON.stringify(v) });
const ok = (result: unknown = {}) => ({ error: false, code: 200, result });

/**
 * Streams over REST (spec/gdn-api.md §9.2). Publish takes the raw body as the message: this plugin
 * reads bodies as bytes (its own content-type parser, for its routes only), and the message payload
 * is their base64, as Pulsar's WebSocket API delivers every payload.
 */
export function streamRoutes(ctx: ApiContext): FastifyPluginAsyncZod {
  const store = ctx.storage.streams;
  const broker = () => ctx.streams();
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  /**
   * The stream a path names: a prefixed topic as it is, a live collection change stream by the
   * collection's name, else the bare name of a user stream, prefixed as `global` says (local when absent).
   */
  const resolve = (fabric: string, name: string, global: boolean | undefined): StreamRecord => {
    const asCollection = store.get(fabric, name);
    if (asCollection?.kind === 'collection') return asCollection;
    const c = ctx.storage.collections.get(fabric, name);
    if (c?.props.hasStream) return write(() => store.collectionStream(fabric, name));
    return store.require(fabric, streamTopic(name, global));
  };
  const inFabric = (fabric: string, global: boolean | undefined): StreamRecord[] => store.all().filter((r) => r.fabric === fabric && (global === undefined || isGlobalTopic(r.topic) === global));

  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const list = (fabric: string, global: boolean | undefined) => ok(store.list(fabric).filter((r) => global === undefined || !r.local === global).map(streamObject));
    const stream = { params: StreamParams, querystring: GlobalQuery };
    app.get('/_fabric/:fabric/streams', { schema: { params: FabricParams, querystring: GlobalQuery } }, async (req) => list(req.gdn.key, req.query.global));
    app.get('/_fabric/:fabric/streams/persistent', { schema: { params: FabricParams, querystring: LocalQuery } }, async (req) => {
      const { local } = req.query;
      return list(req.gdn.key, local === undefined ? undefined : !local);
    });

    app.post('/_fabric/:fabric/streams/:stream', { schema: stream }, async (req) => {
      const topic = streamTopic(req.params.stream, req.query.global);
      const rec = write(() => store.create(req.gdn.key, topic));
      return ok({ 'stream-id': rec.topic });
    });

    app.delete('/_fabric/:fabric/streams/:stream', { schema: { params: StreamParams, querystring: ForceQuery } }, async (req) => {
      const rec = store.require(req.gdn.key, streamTopic(req.params.stream, undefined));
      broker().deleteStream(rec, req.query.force);
      return ok();
    });

    app.post('/_fabric/:fabric/streams/:stream/publish', { schema: stream }, async (req, reply) => {
      const rec = resolve(req.gdn.key, req.params.stream, req.query.global);
      if (rec.kind === 'collection') throw gdnError('FORBIDDEN', `${rec.topic} is the change stream of a collection: only its writes publish to it`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (body.length > MAX_MESSAGE_BYTES) throw gdnError('REQUEST_TOO_LARGE', `a stream message may be at most ${MAX_MESSAGE_BYTES} bytes, this one is ${body.length}`);
      const m = write(() => store.publish(rec, { payload: body.toString('base64') }));
      return reply.code(202).send({ error: false, code: 202, result: { messageId: m.id } });
    });

    app.get('/_fabric/:fabric/streams/:stream/backlog', { schema: stream }, async (req) =>
      pulsar(topicBacklog(broker(), store, resolve(req.gdn.key, req.params.stream, req.query.global), ctx.clock.now())),
    );
    app.get('/_fabric/:fabric/streams/:stream/stats', { schema: stream }, async (req) => pulsar(topicStats(broker(), store, resolve(req.gdn.key, req.params.stream, req.query.global))));
    app.get('/_fabric/:fabric/streams/:stream/subscriptions', { schema: stream }, async (req) =>
      pulsar(subscriptionNames(broker(), resolve(req.gdn.key, req.params.stream, req.query.global))),
    );
    app.delete('/_fabric/:fabric/streams/:stream/subscriptions/:subscription', { schema: { params: StreamSubscriptionParams, querystring: GlobalQuery } }, async (req) => {
      broker().deleteSubscription(resolve(req.gdn.key, req.params.stream, req.query.global), req.params.subscription);
      return ok();
    });

    const dropEverywhere = async (req: { params: { fabric: string; subscription: string }; query: { global: boolean | undefined }; gdn: RequestScope }) => {
      const n = unsubscribe(broker(), inFabric(req.gdn.key, req.query.global), req.params.subscription);
      if (n === 0) throw gdnError('SUBSCRIPTION_NOT_FOUND', `no stream of fabric '${req.gdn.fabric}' has a subscription '${req.params.subscription}'`);
      return ok();
    };
    const everywhere = { schema: { params: SubscriptionParams, querystring: GlobalQuery } };
    app.delete('/_fabric/:fabric/streams/subscription/:subscription', everywhere, dropEverywhere);
    app.post('/_fabric/:fabric/streams/unsubscribe/:subscription', everywhere, dropEverywhere);

    app.post('/_fabric/:fabric/streams/clearbacklog', { schema: { params: FabricParams, querystring: GlobalQuery } }, async (req) => {
      clearBacklog(broker(), inFabric(req.gdn.key, req.query.global));
      broker().flush();
      return ok();
    });
    app.post('/_fabric/:fabric/streams/clearbacklog/:subscription', everywhere, async (req) => {
      clearBacklog(broker(), inFabric(req.gdn.key, req.query.global), req.params.subscription);
      broker().flush();
      return ok();
    });

    // The WebSocket endpoints (streams-ws.ts) take upgrades before routing; a plain GET lands here.
    const socketOnly = async (req: { url: string }) => {
      throw gdnError('BAD_PARAMETER', `${req.url.split('?')[0]} is a WebSocket endpoint: open it with an HTTP upgrade (new WebSocket(url))`);
    };
    app.get('/_ws/ws/v2/producer/persistent/:tenant/:namespace/:topic', { schema: { params: SocketParams } }, socketOnly);
    app.get('/_ws/ws/v2/consumer/persistent/:tenant/:namespace/:topic/:subscription', { schema: { params: SocketParams.extend({ subscription: z.string() }) } }, socketOnly);
    app.get('/_ws/ws/v2/reader/persistent/:tenant/:namespace/:topic', { schema: { params: SocketParams } }, socketOnly);

    app.get('/_fabric/:fabric/streams/ttl', { schema: { params: FabricParams } }, async (req) => ok(String(store.ttl(req.gdn.key))));
    app.post('/_fabric/:fabric/streams/ttl/:ttl', { schema: { params: FabricParams.extend({ ttl: Seconds }) } }, async (req) => {
      write(() => store.setTtl(req.gdn.key, req.params.ttl));
      return ok('');
    });
    app.post('/_fabric/:fabric/streams/:stream/expiry/:seconds', { schema: { params: StreamParams.extend({ seconds: Seconds }), querystring: GlobalQuery } }, async (req) => {
      expireMessages(broker(), store, resolve(req.gdn.key, req.params.stream, req.query.global), req.params.seconds, ctx.clock.now());
      broker().flush();
      return ok('');
    });
  };
}
