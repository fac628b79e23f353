import { writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { startFabric, type Fabric } from '../../src/index.js';
import { IDLE_THREADS, idleThreadCount, setIdleThreadMs } from '../../src/fabric/thread-pool.js';
import { testTopology } from '../helpers/topology.js';
import { tempDir } from '../helpers/tmp.js';

let fabric: Fabric | undefined;
afterEach(async () => {
  await fabric?.close();
  fabric = undefined;
  delete process.env['FABRIC_EMU_PASSWORD'];
});

const login = (url: string, body: object) =>
  fetch(`${url}/_open/auth`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('PoP threads kept for the next fabric of the process', () => {
  it('serve the next fabric as new ones would: none of the first fabric is left, the environment is the new one', async () => {
    const idleBefore = idleThreadCount();
    fabric = await startFabric({ topology: testTopology({ regions: 2 }), latency: false });
    const auth = { authorization: `apikey ${fabric.credentials.apiKey}` };
    const first = fabric.region('r-east').url();
    expect((await fetch(`${first}/_api/collection`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"name":"left"}' })).status).toBe(200);
    await fabric.close();
    fabric = undefined;
    expect(idleThreadCount()).toBe(Math.min(IDLE_THREADS, idleBefore + 2));

    // A PoP reads its dev credentials from the environment: a reused thread must see today's.
    process.env['FABRIC_EMU_PASSWORD'] = 'a-password-of-the-second-fabric';
    fabric = await startFabric({ topology: testTopology({ regions: 2 }), latency: false });
    expect(idleThreadCount()).toBe(Math.max(0, Math.min(IDLE_THREADS, idleBefore + 2) - 2));
    const { tenant, username, apiKey } = fabric.credentials;
    for (const r of fabric.regions) {
      expect((await login(r.url(), { tenant, username, password: 'a-password-of-the-second-fabric' })).status).toBe(200);
      expect((await login(r.url(), { tenant, username, password: 'wrong' })).status).toBe(401);
      const list = (await (await fetch(`${r.url()}/_api/collection?excludeSystem=true`, { headers: { authorization: `apikey ${apiKey}` } })).json()) as { result: { name: string }[] };
      expect(list.result.map((c) => c.name)).not.toContain('left');
    }
  });

  it('does not keep a thread whose PoP failed to open', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 2 }), latency: false });
    await fabric.close();
    fabric = undefined;
    const idle = idleThreadCount();
    expect(idle).toBeGreaterThanOrEqual(2);
    const dir = tempDir('pool-damaged');
    writeFileSync(join(dir, 'r-east.sqlite'), 'not a database, but long enough for SQLite to read a header'.repeat(20));
    await expect(startFabric({ topology: testTopology({ regions: 2 }), latency: false, dataDir: dir, warn: () => undefined })).rejects.toThrow(/r-east cannot open its replica: file is not a database/);
    // The failed start took two idle threads, ended the one whose PoP failed and gave back the other.
    expect(idleThreadCount()).toBe(idle - 1);
  });

  it('gives the threads a start took back when the front door cannot open', async () => {
    fabric = await startFabric({ topology: testTopology({ regions: 2 }), latency: false });
    await fabric.close();
    fabric = undefined;
    const idle = idleThreadCount();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    onTestFinished(() => new Promise<void>((resolve) => busy.close(() => resolve())));
    const port = (busy.address() as AddressInfo).port;
    await expect(startFabric({ topology: testTopology({ regions: 2 }), latency: false, https: { port } })).rejects.toThrow(/EADDRINUSE/);
    // The threads were taken before the door failed to open; both are idle again, none was ended.
    expect(idleThreadCount()).toBe(idle);
  });

  it('keeps at most IDLE_THREADS', async () => {
    const many = await Promise.all(Array.from({ length: Math.ceil(IDLE_THREADS / 4) + 1 }, () => startFabric({ topology: testTopology({ regions: 4 }), latency: false })));
    await Promise.all(many.map((f) => f.close()));
    expect(idleThreadCount()).toBe(IDLE_THREADS);
  });

  it('ends a thread left idle for the idle time', async () => {
    const old = setIdleThreadMs(200);
    onTestFinished(() => void setIdleThreadMs(old));
    const before = idleThreadCount();
    fabric = await startFabric({ topology: testTopology({ regions: 2 }), latency: false });
    const inUse = before - idleThreadCount();
    await fabric.close();
    fabric = undefined;
    expect(idleThreadCount()).toBe(Math.min(IDLE_THREADS, before - inUse + 2));
    await vi.waitFor(() => expect(idleThreadCount()).toBe(before - inUse), { timeout: 5_000 });
  });
});
