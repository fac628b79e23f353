import { describe, expect, it } from 'vitest';
import { DEFAULT_GDN_HOSTS, fabricDestination, fabricFetch, type FabricCall, type FabricMap, type Route } from '../../src/edge/outbound.js';

const map: FabricMap = {
  origins: ['http://127.0.0.1:8530', 'http://127.0.0.1:8531', 'http://127.0.0.1:8532'],
  regions: { 'gdn-us-east': 'http://127.0.0.1:8531', 'gdn-ap-west': 'http://127.0.0.1:8532' },
  gdnHosts: [...DEFAULT_GDN_HOSTS, '.example.org'],
};
const route: Route = { clientRegion: 'gdn-ap-west', pop: { region: 'gdn-ap-west', url: 'http://127.0.0.1:8532' } };
const dest = (u: string) => fabricDestination(new URL(u), map, route);

describe('where a function\'s request goes', () => {
  it('GDN global names reach the nearest PoP, keeping path and query', () => {
    expect(dest('https://api-gdn.paas.macrometa.io/_fabric/_system/_api/version?x=1')).toBe('http://127.0.0.1:8532/_fabric/_system/_api/version?x=1');
    expect(dest('https://api-gdn.localhost/_api/version')).toBe('http://127.0.0.1:8532/_api/version');
    expect(dest('https://gdn.example.org/a')).toBe('http://127.0.0.1:8532/a');
  });

  it("a region's own name reaches that region's PoP", () => {
    expect(dest('https://api-gdn-us-east.paas.macrometa.io/_api/version')).toBe('http://127.0.0.1:8531/_api/version');
    expect(dest('http://gdn-us-east.localhost/x')).toBe('http://127.0.0.1:8531/x');
    expect(dest('http://gdn-us-east/x')).toBe('http://127.0.0.1:8531/x');
  });

  it('the fabric\'s own URLs are kept; anything else is not the fabric', () => {
    expect(dest('http://127.0.0.1:8531/_api/version')).toBe('http://127.0.0.1:8531/_api/version');
    expect(dest('https://example.com/')).toBeUndefined();
    expect(dest('http://myapp.localhost/')).toBeUndefined();
    expect(dest('https://gdn-us-east.example.com/')).toBeUndefined();
  });
});

describe("a function's fetch", () => {
  function recorder() {
    const seen: { url: string; region: string | null; host: string | null }[] = [];
    const inner = async (req: Request) => {
      seen.push({ url: req.url, region: req.headers.get('x-gdn-client-region'), host: req.headers.get('host') });
      return new Response('{}', { headers: { 'x-gdn-region': 'gdn-ap-west', 'x-gdn-client-delay-ms': '21.5' } });
    };
    return { seen, inner };
  }

  it('marks fabric calls with the region the function runs at and reports each one', async () => {
    const { seen, inner } = recorder();
    const calls: FabricCall[] = [];
    const f = fabricFetch(inner, map, () => route, (c) => calls.push(c));
    await f(new Request('https://api-gdn.paas.macrometa.io/_api/document/c', { method: 'POST', body: '{}', headers: { host: 'api-gdn.paas.macrometa.io' } }));
    await f(new Request('https://example.com/'));
    expect(seen).toEqual([
      { url: 'http://127.0.0.1:8532/_api/document/c', region: 'gdn-ap-west', host: null },
      { url: 'https://example.com/', region: null, host: null },
    ]);
    expect(calls).toEqual([{ method: 'POST', url: 'https://api-gdn.paas.macrometa.io/_api/document/c', pop: 'gdn-ap-west', status: 200, delayMs: 21.5 }]);
  });

  it('keeps a client region or location the function set itself', async () => {
    const { seen, inner } = recorder();
    const f = fabricFetch(inner, map, () => route, () => undefined);
    await f(new Request('http://127.0.0.1:8531/', { headers: { 'x-gdn-client-region': 'gdn-us-east' } }));
    await f(new Request('http://127.0.0.1:8531/', { headers: { 'x-gdn-client-location': '1,2' } }));
    expect(seen.map((s) => s.region)).toEqual(['gdn-us-east', null]);
  });
});
