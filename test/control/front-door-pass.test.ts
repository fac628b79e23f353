import { connect } from 'node:net';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FrontDoor } from '../../src/control/front-door.js';
import { certificateNames } from '../../src/core/gdn-hosts.js';
import { localhostLookup } from '../../src/index.js';
import { freePort } from '../../src/fabric/ports.js';
import { createRegion, type Region } from '../../src/region/region.js';
import { loadTls } from '../../src/tls/index.js';
import { testTopology } from '../helpers/topology.js';

const topology = testTopology({ regions: 2 });
const tls = loadTls({ dir: undefined, names: certificateNames(['r-east']), now: Date.now() });
let region: Region;
let door: FrontDoor;
let port: number;

beforeAll(async () => {
  region = createRegion({ topology, name: 'r-east', dataDir: undefined, latency: false, host: '127.0.0.1', auth: false, secret: 'front-door-pass-secret-0123456789' });
  await region.listen({ replicate: false });
  // A PoP whose TLS door is gone (its port refuses): the front door must serve the connection itself.
  const gone = await freePort('127.0.0.1');
  door = new FrontDoor({
    routing: {
      topology,
      allowedHosts: [],
      bodyLimit: 1 << 20,
      targets: () => [{ name: 'r-east', url: region.url(), live: true, door: { host: '127.0.0.1', port: gone } }],
    },
    controlUrl: () => region.url(),
    tls,
    helloTimeoutMs: 200,
  });
  port = await door.listen('127.0.0.1', 0);
}, 30_000);
afterAll(async () => {
  await door?.close();
  await region?.close();
});

describe('the front door passing a connection to a PoP door', () => {
  it('ends TLS itself and routes by Host when the PoP door cannot be reached', async () => {
    const r = await new Promise<{ status: number; region: unknown }>((resolve, reject) => {
      const req = request(`https://api-r-east.localhost:${port}/_api/version`, { ca: tls.ca, lookup: localhostLookup('127.0.0.1') }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, region: res.headers['x-gdn-region'] }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(r).toEqual({ status: 200, region: 'r-east' });
  });
});

describe('a connection that never finishes its ClientHello', () => {
  it('is closed after the hello timeout, and the door still serves', async () => {
    const socket = connect({ host: '127.0.0.1', port });
    await new Promise((resolve) => socket.once('connect', resolve));
    // A handshake record header announcing 512 bytes, then nothing more.
    socket.write(Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]));
    const closed = await new Promise<boolean>((resolve) => {
      socket.once('close', () => resolve(true));
      socket.resume();
    });
    expect(closed).toBe(true);
    const r = await new Promise<number>((resolve, reject) => {
      const req = request(`https://api-r-east.localhost:${port}/_api/version`, { ca: tls.ca, lookup: localhostLookup('127.0.0.1') }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end();
    });
    expect(r).toBe(200);
  });
});
