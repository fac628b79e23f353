import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { proofOf } from '../../src/replication/handshake.js';
import { PROTOCOL_VERSION } from '../../src/replication/protocol.js';
import { get, post, useCredentials } from '../helpers/http.js';
import { testTopology } from '../helpers/topology.js';

const SECRET = 'security-test-fabric-secret';
let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
});

async function started(): Promise<Fabric> {
  fabric = await startFabric({ topology: testTopology({ regions: 3 }), latency: false, secret: SECRET, warn: () => undefined });
  useCredentials(fabric);
  await post(`${fabric.region('r-east').url()}/_api/collection`, { name: 'c' });
  await fabric.waitForReplication();
  return fabric;
}

/** A raw connection to a PoP's replication endpoint that collects what it answers until it closes. */
class Peer {
  readonly got: Record<string, unknown>[] = [];
  readonly closed: Promise<void>;
  private readonly ws: WebSocket;
  private next: ((f: Record<string, unknown>) => void) | undefined;

  constructor(url: string) {
    this.ws = new WebSocket(url);
    this.ws.on('message', (d) => {
      const f = JSON.parse(String(d)) as Record<string, unknown>;
      this.got.push(f);
      this.next?.(f);
    });
    this.closed = new Promise((r) => this.ws.on('close', () => r()));
  }

  async open(): Promise<void> {
    await new Promise((r) => this.ws.on('open', r));
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  reply(): Promise<Record<string, unknown>> {
    return new Promise((r) => (this.next = r));
  }

  /** The handshake of protocol v2 as region `from` holding `secret`; resolves with the welcome. */
  async handshake(from: string, to: string, secret: string): Promise<Record<string, unknown>> {
    await this.open();
    const nonce = 'ab'.repeat(16);
    const challenge = this.reply();
    this.send({ v: PROTOCOL_VERSION, t: 'hello', from, to, nonce, epoch: '' });
    const c = await challenge;
    const welcome = this.reply();
    this.send({ v: PROTOCOL_VERSION, t: 'auth', proof: proofOf(secret, 'sender', from, to, nonce, c['nonce'] as string) });
    return welcome;
  }
}

const urlOf = (f: Fabric, region: string) => `${f.region(region).url().replace('http', 'ws')}/_emu/replication`;
const entry = (over: Record<string, unknown>) => ({ seq: 1, origin: 'r-east', hlc: '_0mwx9rnw10000', op: 'insert', fabric: '_mm/_system', collection: 'c', key: 'evil', payload: '{"a":1}', at: 0, ...over });
const nested = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
/** A frame covering exactly its entries' seqs (protocol v3 says which part of the log a frame covers). */
const changes = (entries: { seq: number }[]) => ({ v: PROTOCOL_VERSION, t: 'changes', sentAt: 0, readAt: 0, after: entries[0]!.seq - 1, through: entries.at(-1)!.seq, entries });

describe('only real peers replicate', () => {
  it('refuses a peer that claims a region without the fabric secret, and applies nothing it sends', async () => {
    const f = await started();
    const p = new Peer(urlOf(f, 'r-eu'));
    const answer = await p.handshake('r-east', 'r-eu', 'a-guessed-wrong-secret');
    expect(answer).toMatchObject({ t: 'refuse' });
    expect(String(answer['reason'])).toContain('could not prove it belongs to this fabric');
    await p.closed;
    const early = new Peer(urlOf(f, 'r-eu'));
    await early.open();
    early.send(changes([entry({})]));
    await early.closed;
    expect(String(early.got[0]?.['reason'])).toContain('before the handshake');
    expect((await get(`${f.region('r-eu').url()}/_api/document/c/evil`)).status).toBe(404);
  });

  it.each([
    ['update with payload {}', { op: 'update', payload: '{}' }, 'update payload'],
    ['insert with payload {', { op: 'insert', payload: '{' }, 'not JSON'],
    ['index.create with payload {}', { op: 'index.create', key: 'i', payload: '{}' }, 'index.create payload'],
    ['insert of an array', { payload: '[1]' }, 'insert payload'],
    ['a key with a slash', { key: 'a/b' }, 'valid _key'],
    ['collection.create without props', { op: 'collection.create', key: null, collection: 'x', payload: '{"type":2}' }, 'collection.create payload'],
    ['a clock in the year 5188', { hlc: '_zzzzzzzzz0000' }, 'ahead of this PoP'],
    ['a malformed HLC', { hlc: 'yesterday' }, 'malformed HLC'],
    ['an insert nested 101 levels deep', { payload: nested(101) }, 'nested more than 100 levels deep'],
    ['an update nested 101 levels deep', { op: 'update', payload: `{"set":${nested(101)},"unset":[]}` }, 'nested more than 100 levels deep'],
    ['a number out of range', { payload: '{"n":1e309}' }, 'number out of range'],
    ['an escaped __proto__ key', { payload: '{"a":{"\\u005f_proto__":{"x":1}}}' }, "'__proto__'"],
  ])('a member peer sending %s is refused, nothing is applied and the fabric keeps converging', async (_name, over, reason) => {
    const f = await started();
    const p = new Peer(urlOf(f, 'r-eu'));
    const welcome = await p.handshake('r-east', 'r-eu', SECRET);
    expect(welcome).toMatchObject({ t: 'welcome' });
    const applied = welcome['applied'] as number;
    const refusal = p.reply();
    p.send(changes([entry({ seq: applied + 1, ...over })]));
    const r = await refusal;
    expect(r['t']).toBe('refuse');
    expect(String(r['reason'])).toContain(reason);
    expect((await get(`${f.region('r-eu').url()}/_api/document/c/evil`)).status).toBe(404);
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'real' });
    await f.waitForReplication();
    expect((await get(`${f.region('r-eu').url()}/_api/document/c/real`)).status).toBe(200);
    expect((await get(`${f.region('r-eu').url()}/_api/version`)).status).toBe(200);
  });

  it('refuses a sequence gap instead of skipping the missing changes', async () => {
    const f = await started();
    const p = new Peer(urlOf(f, 'r-eu'));
    const applied = (await p.handshake('r-east', 'r-eu', SECRET))['applied'] as number;
    const refusal = p.reply();
    p.send(changes([entry({ seq: applied + 5 })]));
    expect(String((await refusal)['reason'])).toContain('was expected next');
    await post(`${f.region('r-east').url()}/_api/document/c`, { _key: 'after' });
    await f.waitForReplication();
    expect((await get(`${f.region('r-eu').url()}/_api/document/c/after`)).status).toBe(200);
    expect((await get(`${f.region('r-eu').url()}/_api/document/c/evil`)).status).toBe(404);
  });

  it('refuses a frame that asks to wait an hour or more before it is read', async () => {
    const f = await started();
    const p = new Peer(urlOf(f, 'r-eu'));
    const applied = (await p.handshake('r-east', 'r-eu', SECRET))['applied'] as number;
    const refusal = p.reply();
    p.send({ ...changes([entry({ seq: applied + 1 })]), readAt: Date.now() + 7_200_000 });
    expect(String((await refusal)['reason'])).toContain('asked to be read');
  });

  it('refuses other protocol versions and garbage', async () => {
    const f = await started();
    const old = new Peer(urlOf(f, 'r-eu'));
    await old.open();
    old.send({ v: 1, t: 'hello', from: 'r-east', to: 'r-eu' });
    await old.closed;
    expect(String(old.got[0]?.['reason'])).toContain('protocol version 1');
    const garbage = new Peer(urlOf(f, 'r-eu'));
    await garbage.open();
    garbage.send('{not json');
    await garbage.closed;
    expect(String(garbage.got[0]?.['reason'])).toContain('not JSON');
  });
});
