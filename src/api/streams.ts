import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { gdnError } from '../core/errors.js';
import { formatHlc } from '../core/hlc.js';
import { isGlobalTopic, MAX_MESSAGE_BYTES, streamTopic } from '../core/streams.js';
import type { StreamRecord } from '../storage/index.js';
import { clearBacklog, expireMessages, subscriptionNames, topicBacklog, topicStats, unsubscribe } from '../streams/index.js';
import type { ApiContext } from './context.js';
import { boolParam, type Query } from './params.js';

type P<T> = { Params: { fabric: string } & T; Querystring: Query };

const seconds = z.coerce.number().int().nonnegative().max(10 * 365 * 86_400);

function parseSeconds(raw: string, what: string): number {
  const r = seconds.safeParse(raw);
  if (!r.success) throw gdnError('BAD_PARAMETER', `${what} must be a whole number of seconds (0 to 10 years), got '${raw}'`);
  return r.data;
}

/** The tenant streams are listed under until requests carry one (`_mm`, jsC8's default tenant). */
const TENANT = '_mm';

/** GDN's stream object (spec/gdn-api.md §9.2). */
function streamObject(rec: StreamRecord): Record<string, unknown> {
  const rev = rec.clock === '' ? formatHlc({ physical: 0, logical: rec.id }) : rec.clock.slice(0, rec.clock.indexOf('|'));
  return { topic: rec.topic, db: rec.fabric, local: rec.local, tenant: TENANT, type: 4, _key: rec.topic, _id: `_streams/${rec.topic}`, _rev: rev };
}

/** Results of Pulsar's admin calls reach GDN clients as JSON text (spec §9.2). */
const pulsar = (v: unknown) => ({ error: false, code: 200, result: JSON.stringify(v) });
const ok = (result: unknown = {}) => ({ error: false, code: 200, result });

/**
 * Streams over REST (spec/gdn-api.md §9.2). Publish takes the raw body as the message: this plugin
 * reads bodies as bytes (its own content-type parser, for its routes only), and the message payload
 * is their base64, as Pulsar's WebSocket API delivers every payload.
 */
export function streamRoutes(ctx: ApiContext): FastifyPluginAsync {
  const store = ctx.storage.streams;
  const broker = () => ctx.streams();
  const write = <T>(fn: () => T): T => ctx.storage.write(fn);

  /**
   * The stream a path names: a prefixed topic as it is, a live collection change stream by the
   * collection's name, else the bare name of a user stream, prefixed as `global` says (local when absent).
   */
  const resolve = (fabric: string, name: string, q: Query): StreamRecord => {
    const global = boolParam(q, 'global', undefined);
    const asCollection = store.get(fabric, name);
    if (asCollection?.kind === 'collection') return asCollection;
    const c = ctx.storage.collections.get(fabric, name);
    if (c?.props.hasStream) return write(() => store.collectionStream(fabric, name));
    return store.require(fabric, streamTopic(name, global));
  };
  const inFabric = (fabric: string, q: Query): StreamRecord[] => {
    const global = boolParam(q, 'global', undefined);
    return store.all().filter((r) => r.fabric === fabric && (global === undefined || isGlobalTopic(r.topic) === global));
  };

  return async (app) => {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

    const list = (fabric: string, global: boolean | undefined) => ok(store.list(fabric).filter((r) => global === undefined || !r.local === global).map(streamObject));
    app.get<P<object>>('/_fabric/:fabric/streams', async (req) => list(req.params.fabric, boolParam(req.query, 'global', undefined)));
    app.get<P<object>>('/_fabric/:fabric/streams/persistent', async (req) => {
      const local = boolParam(req.query, 'local', undefined);
      return list(req.params.fabric, local === undefined ? undefined : !local);
    });

    app.post<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream', async (req) => {
      const topic = streamTopic(req.params.stream, boolParam(req.query, 'global', undefined));
      const rec = write(() => store.create(req.params.fabric, topic));
      return ok({ 'stream-id': rec.topic });
    });

    app.delete<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream', async (req) => {
      const rec = store.require(req.params.fabric, streamTopic(req.params.stream, undefined));
      broker().deleteStream(rec, boolParam(req.query, 'force', false));
      return ok();
    });

    app.post<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream/publish', async (req, reply: FastifyReply) => {
      const rec = resolve(req.params.fabric, req.params.stream, req.query);
      if (rec.kind === 'collection') throw gdnError('FORBIDDEN', `${rec.topic} is the change stream of a collection: only its writes publish to it`);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (body.length > MAX_MESSAGE_BYTES) throw gdnError('REQUEST_TOO_LARGE', `a stream message may be at most ${MAX_MESSAGE_BYTES} bytes, this one is ${body.length}`);
      const m = write(() => store.publish(rec, { payload: body.toString('base64') }));
      return reply.code(202).send({ error: false, code: 202, result: { messageId: m.id } });
    });

    app.get<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream/backlog', async (req) =>
      pulsar(topicBacklog(broker(), store, resolve(req.params.fabric, req.params.stream, req.query), ctx.clock.now())),
    );
    app.get<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream/stats', async (req) => pulsar(topicStats(broker(), store, resolve(req.params.fabric, req.params.stream, req.query))));
    app.get<P<{ stream: string }>>('/_fabric/:fabric/streams/:stream/subscriptions', async (req) =>
      pulsar(subscriptionNames(broker(), resolve(req.params.fabric, req.params.stream, req.query))),
    );
    app.delete<P<{ stream: string; subscription: string }>>('/_fabric/:fabric/streams/:stream/subscriptions/:subscription', async (req) => {
      broker().deleteSubscription(resolve(req.params.fabric, req.params.stream, req.query), req.params.subscription);
      return ok();
    });

    const dropEverywhere = async (req: { params: { fabric: string; subscription: string }; query: Query }) => {
      const n = unsubscribe(broker(), inFabric(req.params.fabric, req.query), req.params.subscription);
      if (n === 0) throw gdnError('SUBSCRIPTION_NOT_FOUND', `no stream of fabric '${req.params.fabric}' has a subscription '${req.params.subscription}'`);
      return ok();
    };
    app.delete<P<{ subscription: string }>>('/_fabric/:fabric/streams/subscription/:subscription', dropEverywhere);
    app.post<P<{ subscription: string }>>('/_fabric/:fabric/streams/unsubscribe/:subscription', dropEverywhere);

    app.post<P<object>>('/_fabric/:fabric/streams/clearbacklog', async (req) => {
      clearBacklog(broker(), inFabric(req.params.fabric, req.query));
      broker().flush();
      return ok();
    });
    app.post<P<{ subscription: string }>>('/_fabric/:fabric/streams/clearbacklog/:subscription', async (req) => {
      clearBacklog(broker(), inFabric(req.params.fabric, req.query), req.params.subscription);
      broker().flush();
      return ok();
    });

    // The WebSocket endpoints (streams-ws.ts) take upgrades before routing; a plain GET lands here.
    const socketOnly = async (req: { url: string }) => {
      throw gdnError('BAD_PARAMETER', `${req.url.split('?')[0]} is a WebSocket endpoint: open it with an HTTP upgrade (new WebSocket(url))`);
    };
    app.get('/_ws/ws/v2/producer/persistent/:tenant/:namespace/:topic', socketOnly);
    app.get('/_ws/ws/v2/consumer/persistent/:tenant/:namespace/:topic/:subscription', socketOnly);
    app.get('/_ws/ws/v2/reader/persistent/:tenant/:namespace/:topic', socketOnly);

    app.get<P<object>>('/_fabric/:fabric/streams/ttl', async (req) => ok(String(store.ttl(req.params.fabric))));
    app.post<P<{ ttl: string }>>('/_fabric/:fabric/streams/ttl/:ttl', async (req) => {
      const ttl = parseSeconds(req.params.ttl, 'the message ttl');
      write(() => store.setTtl(req.params.fabric, ttl));
      return ok('');
    });
    app.post<P<{ stream: string; seconds: string }>>('/_fabric/:fabric/streams/:stream/expiry/:seconds', async (req) => {
      const s = parseSeconds(req.params.seconds, 'the expiry');
      expireMessages(broker(), store, resolve(req.params.fabric, req.params.stream, req.query), s, ctx.clock.now());
      broker().flush();
      return ok('');
    });
  };
}
