import type { FastifyInstance, RouteOptions } from 'fastify';
import { devCredentials, type DevCredentials } from '../../src/auth/index.js';
import { defaultTopology, FabricClock, type Topology } from '../../src/index.js';
import { createRegion, type Region } from '../../src/region/region.js';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  /** The parsed JSON body, or undefined for an empty one. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
  /** A raw body sent as is (for malformed or oversized bodies). */
  raw?: string;
  /** The Authorization header: the client's own by default, another one, or false for none. */
  auth?: string | false;
}

/**
 * The one way route tests talk to a PoP. Paths are relative to the fabric (`/_api/collection`)
 * unless they start with `/_` or `/datacenter`. Every request carries the client's credentials
 * (the dev API key by default) unless a test says otherwise.
 */
export class TestClient {
  constructor(
    readonly app: FastifyInstance,
    readonly fabric = '_system',
    readonly authorization: string | undefined = undefined,
  ) {}

  /** The same PoP as someone else: another fabric, or other credentials (`apikey ...`, `bearer ...`). */
  as(authorization: string | undefined, fabric = this.fabric): TestClient {
    return new TestClient(this.app, fabric, authorization);
  }

  private path(p: string): string {
    return p.startsWith('/_fabric') || p.startsWith('/_tenant') || p.startsWith('/datacenter') || p.startsWith('/_emu')
      ? p
      : `/_fabric/${this.fabric}${p}`;
  }

  async request(method: string, p: string, body?: unknown, opts: RequestOptions = {}): Promise<Reply> {
    const qs = opts.query
      ? '?' + new URLSearchParams(Object.entries(opts.query).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : '';
    const payload = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
    const res = await this.app.inject({
      method: method as 'GET',
      url: this.path(p) + qs,
      headers: { 'content-type': 'application/json', ...this.authHeader(opts.auth), ...opts.headers },
      ...(payload === undefined ? {} : { payload }),
    });
    let parsed: unknown;
    try {
      parsed = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, text: res.body };
  }

  private authHeader(auth: string | false | undefined): Record<string, string> {
    const value = auth === false ? undefined : (auth ?? this.authorization);
    return value === undefined ? {} : { authorization: value };
  }

  get(p: string, opts?: RequestOptions) {
    return this.request('GET', p, undefined, opts);
  }
  head(p: string, opts?: RequestOptions) {
    return this.request('HEAD', p, undefined, opts);
  }
  post(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request('POST', p, body, opts);
  }
  put(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request('PUT', p, body, opts);
  }
  patch(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request('PATCH', p, body, opts);
  }
  delete(p: string, body?: unknown, opts?: RequestOptions) {
    return this.request('DELETE', p, body, opts);
  }
}

/** The fabric secret of a test region; its internal /_emu/region routes want it in x-fabric-emu-secret. */
export const TEST_SECRET = 'test-fabric-secret-not-for-replication';

export interface TestRegion {
  region: Region;
  client: TestClient;
  /** The dev credentials of the region (the client sends its API key). */
  credentials: DevCredentials;
  /** Every route the PoP registered, as Fastify's onRoute hook saw it. */
  routes: RouteOptions[];
  /** The PoP's own clock: tests of expiry advance it instead of sleeping. */
  clock: FabricClock;
  close(): Promise<void>;
}

/** A single in-memory PoP of the default topology, latency off, not listening. */
/** `offload`: with its query executor, which runs dist/region/executor-worker.js (`npm test` builds dist first). */
export async function testRegion(opts: { topology?: Topology; name?: string; bodyLimit?: number; auth?: boolean; offload?: boolean } = {}): Promise<TestRegion> {
  const topology = opts.topology ?? defaultTopology();
  const clock = new FabricClock();
  const region = createRegion({
    topology,
    name: opts.name ?? topology.regions[0]!.name,
    dataDir: undefined,
    latency: false,
    host: '127.0.0.1',
    ...(opts.bodyLimit ? { bodyLimit: opts.bodyLimit } : {}),
    clock,
    secret: TEST_SECRET,
    ...(opts.auth === false ? { auth: false } : {}),
    ...(opts.offload ? { offload: true } : {}),
  });
  const routes: RouteOptions[] = [];
  region.app.addHook('onRoute', (r) => void routes.push(r));
  await region.app.ready();
  const credentials = devCredentials(topology.dev, TEST_SECRET, {});
  return {
    region,
    client: new TestClient(region.app, '_system', `apikey ${credentials.apiKey}`),
    credentials,
    routes,
    clock,
    close: async () => {
      await region.close();
      clock.stop();
    },
  };
}
