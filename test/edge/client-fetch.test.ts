import { describe, expect, it } from 'vitest';
import { withClientRegion } from '../../src/edge/client-fetch.js';

function recorder() {
  const seen: { url: string; header: string | null }[] = [];
  const inner = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    const req = new Request(input, init);
    seen.push({ url: req.url, header: req.headers.get('x-gdn-client-region') });
    return new Response('ok');
  }) as typeof fetch;
  return { seen, inner };
}

describe("the handler's fetch", () => {
  it('marks requests to the fabric with the region the handler runs at, and only those', async () => {
    const { seen, inner } = recorder();
    const f = withClientRegion(inner, 'r-eu', ['http://127.0.0.1:8531', 'http://127.0.0.1:8530']);
    await f('http://127.0.0.1:8531/_api/version');
    await f(new URL('http://127.0.0.1:8530/x'), { headers: { accept: 'application/json' } });
    await f(new Request('http://127.0.0.1:8531/y', { method: 'POST', body: '{}' }));
    await f('https://example.com/');
    expect(seen.map((s) => s.header)).toEqual(['r-eu', 'r-eu', 'r-eu', null]);
  });

  it("keeps a region the handler set itself", async () => {
    const { seen, inner } = recorder();
    await withClientRegion(inner, 'r-eu', ['http://127.0.0.1:8531'])('http://127.0.0.1:8531/', { headers: { 'x-gdn-client-region': 'r-ap' } });
    expect(seen[0]!.header).toBe('r-ap');
  });
});
