import { fileURLToPath } from 'node:url';
import { loadTopologyFile } from 'fabric-emu';
import { useFabric } from 'fabric-emu/vitest';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import handler, { install, SESSION_SECONDS } from '../src/sessions.js';

// One fabric for the file, reset before each test; latency on, as the two regions really are apart.
const fabric = useFabric({ topology: loadTopologyFile(fileURLToPath(new URL('../regions.yaml', import.meta.url))), https: false });

/** The handler as deployed near one region: its configuration points at that PoP. */
function deployedAt(region) {
  const env = { GDN_URL: fabric.urls.regions[region].http, GDN_API_KEY: fabric.credentials.apiKey };
  return {
    env,
    login: (user) => handler.fetch(new Request('https://edge.example/login', { method: 'POST', body: JSON.stringify({ user }) }), env),
    me: (session) => handler.fetch(new Request(`https://edge.example/me?session=${session}`), env),
  };
}

const body = (res) => res.json();

beforeEach(async () => {
  await install(deployedAt('gdn-us-east').env);
  await fabric.wait();
});

describe('sessions at the edge, against two regions', () => {
  it('a session made in Ashburn is read in Frankfurt once it has replicated', async () => {
    const ashburn = deployedAt('gdn-us-east');
    const frankfurt = deployedAt('gdn-eu-central');
    const made = await ashburn.login('ada');
    expect(made.status).toBe(201);
    const { session, region } = await body(made);
    expect(region).toBe('gdn-us-east');
    await fabric.wait();
    const read = await frankfurt.me(session);
    expect(read.status).toBe(200);
    expect(await body(read)).toEqual({ user: 'ada', region: 'gdn-eu-central' });
  });

  it('during a partition Frankfurt does not know a session made in Ashburn; after healing it does', async () => {
    const ashburn = deployedAt('gdn-us-east');
    const frankfurt = deployedAt('gdn-eu-central');
    await fabric.partition([['gdn-us-east'], ['gdn-eu-central']]);
    const { session } = await body(await ashburn.login('grace'));
    expect((await ashburn.me(session)).status).toBe(200);
    expect((await frankfurt.me(session)).status).toBe(401);
    await fabric.heal();
    await fabric.wait();
    expect(await body(await frankfurt.me(session))).toEqual({ user: 'grace', region: 'gdn-eu-central' });
  });

  it('a session ends after its hour at every region, by advancing the fabric clock instead of waiting', async () => {
    const ashburn = deployedAt('gdn-us-east');
    const frankfurt = deployedAt('gdn-eu-central');
    const { session } = await body(await ashburn.login('linus'));
    await fabric.wait();
    expect((await frankfurt.me(session)).status).toBe(200);
    await fabric.clock({ advance: (SESSION_SECONDS + 60) * 1000 });
    // Each PoP's ttl sweep runs every second of fabric time: the next one removes the session.
    await vi.waitFor(async () => {
      expect((await ashburn.me(session)).status).toBe(401);
      expect((await frankfurt.me(session)).status).toBe(401);
    }, { timeout: 10_000, interval: 50 });
  });

  it('starts clean: the sessions of earlier tests are gone', async () => {
    const res = await fetch(`${fabric.urls.regions['gdn-us-east'].http}/_fabric/_system/_api/collection/sessions/count`, { headers: { authorization: `apikey ${fabric.credentials.apiKey}` } });
    expect((await res.json()).count).toBe(0);
  });
});
