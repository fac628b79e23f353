import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchFabric, type LocalFabric } from '../../src/fabric/local-fabric.js';
import { OTP_TTL_MS } from '../../src/auth/index.js';
import { call, post, useCredentials } from '../helpers/http.js';
import { b64, StreamClient, streamUrl, unb64 } from '../helpers/streams.js';
import { testTopology } from '../helpers/topology.js';

let f: LocalFabric;
let base: string;
const clients: StreamClient[] = [];

beforeAll(async () => {
  f = await launchFabric({ topology: testTopology(), latency: false });
  useCredentials(f);
  base = f.region('r-east').url();
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await f.close();
});

async function open(url: string): Promise<StreamClient> {
  const c = await StreamClient.open(url);
  clients.push(c);
  return c;
}

async function refusal(url: string): Promise<{ status: number; body: { errorNum: number; errorMessage: string; code: number; error: boolean } }> {
  try {
    clients.push(await StreamClient.open(url));
  } catch (e) {
    return e as { status: number; body: { errorNum: number; errorMessage: string; code: number; error: boolean } };
  }
  throw new Error(`${url} was not refused`);
}

let n = 0;
async function stream(global: boolean): Promise<string> {
  const name = `s${++n}`;
  const r = await post(`${base}/_fabric/_system/_api/streams/${name}?global=${global}`);
  return r.body.result['stream-id'] as string;
}

describe('stream WebSocket endpoints', () => {
  it('a producer gets an ack with the message id and its context; a consumer gets the payload as sent, properties, key and publishTime', async () => {
    const topic = await stream(true);
    const consumer = await open(streamUrl(base, 'consumer', topic));
    const producer = await open(streamUrl(base, 'producer', topic));
    producer.send({ payload: 'test', context: '1' });
    producer.send({ payload: b64('hello'), properties: { a: 'b' }, key: 'k1', context: 2 });
    const acks = await producer.count(2);
    expect(acks.map((a) => [a.result, a.context])).toEqual([['ok', '1'], ['ok', '2']]);
    const got = await consumer.count(2);
    expect(got.map((m) => m.messageId)).toEqual(acks.map((a) => a.messageId));
    expect(got[0]).toMatchObject({ payload: 'test', properties: {}, redeliveryCount: 0 });
    expect(got[1]).toMatchObject({ payload: b64('hello'), properties: { a: 'b' }, key: 'k1' });
    expect(Date.parse(got[0].publishTime)).toBeGreaterThan(0);
  });

  it('answers bad frames with error frames and keeps serving the connection', async () => {
    const topic = await stream(false);
    const consumer = await open(streamUrl(base, 'consumer', topic));
    const producer = await open(streamUrl(base, 'producer', topic));
    producer.send('not json');
    producer.send({ context: 'x' });
    producer.send({ payload: 'p', properties: { nested: { no: 1 } } });
    producer.send({ payload: 'x'.repeat(5 * 1024 * 1024 + 1), context: 'big' });
    producer.send({ payload: 'fine', context: 'ok' });
    const replies = await producer.count(5);
    expect(replies.map((r) => r.result)).toEqual(['send-error:3', 'send-error:7', 'send-error:3', 'send-error:8', 'ok']);
    expect(replies[1].context).toBe('x');
    expect(replies[3].context).toBe('big');
    const [m] = await consumer.count(1);
    consumer.send('{');
    consumer.send({ messageId: 'not an id' });
    consumer.send({ messageId: 'CAEQAQ==' });
    consumer.send({ type: 'isEndOfTopic' });
    consumer.send({ messageId: m.messageId });
    const errors = await consumer.count(5);
    expect(errors.slice(1).map((e) => e.result ?? e.endOfTopic)).toEqual(['error:3', 'error:3', 'error:8', false]);
    expect(errors[1].errorMsg).toMatch(/de-serialize/);
    producer.send({ payload: 'after' });
    expect((await consumer.count(6))[5].payload).toBe('after');
  });

  it('needs credentials before the upgrade: the Authorization header or a single-use ?otp=; another tenant is 403', async () => {
    const topic = await stream(true);
    const refused = async (url: string, headers: Record<string, string> = {}) => {
      const r = await StreamClient.open(url, headers).then((c) => (clients.push(c), undefined), (e: { status: number; body: { errorNum: number } }) => e);
      return r && [r.status, r.body.errorNum];
    };
    expect(await refused(streamUrl(base, 'producer', topic), { authorization: '' })).toEqual([401, 11]);
    expect(await refused(streamUrl(base, 'producer', topic), { authorization: 'apikey _mm.nobody.AbCdEf0123456789xyz' })).toEqual([401, 11]);
    const otp = (await post(`${base}/apid/otp`)).body.otp as string;
    const withOtp = streamUrl(base, 'producer', topic, { params: { otp } });
    expect(await refused(withOtp, { authorization: '' })).toBeUndefined();
    expect(await refused(withOtp, { authorization: '' })).toEqual([401, 11]);
    expect(await refused(streamUrl(base, 'producer', topic, { tenant: 'someone_else' }))).toEqual([403, 11]);
  });

  it('refuses a wrong, forged, expired (fabric clock) or reused OTP and a stream grant that does not allow the role, closing nothing else', async () => {
    const topic = await stream(true);
    const consumer = await open(streamUrl(base, 'consumer', topic, { subscription: 'keeps' }));
    const producer = await open(streamUrl(base, 'producer', topic));
    const refused = async (url: string, headers: Record<string, string> = { authorization: '' }) => {
      const r = await StreamClient.open(url, headers).then((c) => (clients.push(c), undefined), (e: { status: number; body: { errorNum: number; error: boolean; code: number } }) => e);
      return r && [r.status, r.body.errorNum, r.body.error, r.body.code];
    };
    const withOtp = (otp: string, role: 'producer' | 'consumer' = 'producer', subscription?: string) => streamUrl(base, role, topic, { params: { otp }, ...(subscription ? { subscription } : {}) });
    const otp = async (headers: Record<string, string> = {}) => (await call('POST', `${base}/apid/otp`, undefined, headers)).body.otp as string;

    expect(await refused(withOtp('wrong'))).toEqual([401, 11, true, 401]);
    const stale = await otp();
    expect(await refused(withOtp(`${stale.slice(0, -4)}AAAA`))).toEqual([401, 11, true, 401]);
    // A valid Authorization header does not rescue a bad OTP: the OTP is what the URL says to use.
    expect(await refused(withOtp('wrong'), {})).toEqual([401, 11, true, 401]);
    await f.clock({ advance: OTP_TTL_MS + 1000 });
    expect(await refused(withOtp(stale))).toEqual([401, 11, true, 401]);
    const good = await otp();
    expect(await refused(withOtp(good))).toBeUndefined();
    expect(await refused(withOtp(good))).toEqual([401, 11, true, 401]);

    const created = await post(`${base}/_fabric/_system/_api/key`, { keyid: 'pop-streamer' });
    const keyAuth = { authorization: `apikey ${created.body.key as string}` };
    const grant = (level: string) => call('PUT', `${base}/_fabric/_system/_api/key/pop-streamer/database/_system/stream/${topic}`, { grant: level });
    const cases: [string, 'producer' | 'consumer', number | undefined][] = [
      ['ro', 'producer', 403],
      ['none', 'producer', 403],
      ['none', 'consumer', 403],
      ['wo', 'consumer', 403],
      ['ro', 'consumer', undefined],
      ['wo', 'producer', undefined],
    ];
    for (const [level, role, status] of cases) {
      expect((await grant(level)).status).toBe(200);
      const url = withOtp(await otp(keyAuth), role, `${level}-${role}`);
      expect([level, role, (await refused(url))?.[0]]).toEqual([level, role, status]);
    }
    const writeOnly = clients.at(-1)!;
    writeOnly.send({ payload: 'from wo', context: 'w' });
    expect((await writeOnly.count(1))[0]).toMatchObject({ result: 'ok', context: 'w' });

    producer.send({ payload: 'still served', context: 'p' });
    expect((await producer.count(1))[0]).toMatchObject({ result: 'ok', context: 'p' });
    expect((await consumer.count(2)).map((m) => m.payload)).toEqual(['from wo', 'still served']);
  });

  it('refuses what it cannot serve before the upgrade, with the GDN envelope and a status', async () => {
    const topic = await stream(true);
    await open(streamUrl(base, 'consumer', topic, { subscription: 'only' }));
    const cases: [string, number, number][] = [
      [streamUrl(base, 'consumer', topic, { subscription: 'only' }), 409, 1200],
      [streamUrl(base, 'consumer', 'c8globals.nope'), 404, 404],
      [streamUrl(base, 'producer', topic, { fabric: 'nofabric' }), 404, 1228],
      [streamUrl(base, 'consumer', topic, { params: { subscriptionType: 'Key_Shared' } }), 400, 10],
      [streamUrl(base, 'consumer', topic, { params: { ackTimeoutMillis: 10 } }), 400, 10],
      [streamUrl(base, 'reader', topic, { params: { messageId: 'CAEQAQ==' } }), 400, 10],
      [streamUrl(base, 'producer', topic).replace('/persistent/', '/non-persistent/'), 400, 10],
      [streamUrl(base, 'producer', topic).replace('c8global._system', 'c8local._system'), 400, 10],
      [streamUrl(base, 'consumer', 'nocollection'), 404, 404],
      [`${base.replace('http', 'ws')}/_ws/ws/v2/sideways/persistent/t/c8global._system/${topic}`, 404, 404],
    ];
    for (const [url, status, errorNum] of cases) {
      const r = await refusal(url);
      expect([url, r.status, r.body.errorNum, r.body.error, r.body.code]).toEqual([url, status, errorNum, true, status]);
    }
  });

  it('readers start from earliest, latest or after a message id', async () => {
    const topic = await stream(false);
    const producer = await open(streamUrl(base, 'producer', topic));
    for (const p of ['1', '2', '3']) producer.send({ payload: p });
    const acks = await producer.count(3);
    const early = await open(streamUrl(base, 'reader', topic, { params: { messageId: 'earliest' } }));
    const after = await open(streamUrl(base, 'reader', topic, { params: { messageId: acks[0].messageId } }));
    const late = await open(streamUrl(base, 'reader', topic));
    await early.count(3);
    await after.count(2);
    producer.send({ payload: '4' });
    expect((await early.count(4)).map((m) => m.payload)).toEqual(['1', '2', '3', '4']);
    expect((await after.count(3)).map((m) => m.payload)).toEqual(['2', '3', '4']);
    expect((await late.count(1)).map((m) => m.payload)).toEqual(['4']);
  });

  it("streams a collection's changes (REST and C8QL) as base64 JSON of the document after the write", async () => {
    await post(`${base}/_fabric/_system/_api/collection`, { name: 'cars', stream: true });
    const changes = await open(streamUrl(base, 'consumer', 'cars', { subscription: 'subs' }));
    await post(`${base}/_fabric/_system/_api/document/cars`, { _key: 'c1', color: 'red' });
    await post(`${base}/_fabric/_system/_api/cursor`, { query: 'UPDATE "c1" WITH { color: "blue" } IN cars' });
    await post(`${base}/_fabric/_system/_api/cursor`, { query: 'REMOVE "c1" IN cars' });
    const docs = (await changes.count(3)).map((m) => JSON.parse(unb64(m.payload)));
    expect(docs.map(({ _rev: _r, ...d }) => d)).toEqual([
      { _key: 'c1', _id: 'cars/c1', color: 'red' },
      { _key: 'c1', _id: 'cars/c1', color: 'blue' },
      { _key: 'c1', _id: 'cars/c1', _delete: true },
    ]);
  });
});
