import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointIndex, type EndpointIndex } from '../../src/api/endpoints.js';
import { endpointName, GDN_ENDPOINTS, type GdnEndpoint } from '../../src/api/gdn-endpoints.js';
import { OPENAPI_ROUTE } from '../../src/api/openapi.js';
import { normalizeUrl } from '../../src/api/paths.js';
import { testRegion, type TestRegion } from '../helpers/client.js';

let t: TestRegion;
let index: EndpointIndex;
beforeAll(async () => {
  t = await testRegion();
  await t.client.post('/_api/collection', { name: 'c' });
  index = endpointIndex(t.region.app)!;
});
afterAll(async () => t.close());

/** Every form a client may send for `path` (spec/gdn-api.md §1.2). */
function forms(path: string): string[] {
  const out = [path, `/_fabric/_system${path}`, `/_tenant/_mm/_fabric/_system${path}`, `${path}/`];
  if (path.startsWith('/_api/')) out.push(`/_fabric/_system${path.slice('/_api'.length)}`);
  return out;
}

/** A concrete path for a catalogue path: every `{param}` becomes a value. */
function concrete(e: GdnEndpoint): string {
  return e.path.replace(/\{[^}]+\}/g, (_, i: number) => `v${i}`);
}

/** `/_fabric/{}/kv/{}`: a path with its parameters blanked, to compare shapes. */
function shape(path: string): string {
  const canonical = normalizeUrl(path).url.replace(/\{[^}]*\}/g, '{}').replace(/:[^/]+/g, '{}');
  return canonical.replace(/^\/_fabric\/[^/]+/, '/_fabric/{}');
}

const unserved = () => GDN_ENDPOINTS.filter((e) => !index.serves(e));

/** Sends the path exactly as given (the test client would add a fabric prefix). */
async function send(method: string, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: any; text: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await t.region.app.inject({ method: method as 'GET', url: path, headers: { authorization: t.client.authorization as string } });
  return { status: r.statusCode, headers: r.headers, body: r.body === '' ? undefined : JSON.parse(r.body), text: r.body };
}

describe('requests no route serves', () => {
  it.each(forms('/_api/kv-typo'))('an unknown path names the path the client sent: %s', async (path) => {
    const r = await send('GET', path);
    expect(r.status).toBe(404);
    expect(r.body).toEqual({ error: true, code: 404, errorNum: 404, errorMessage: `unknown path '${path}'` });
  });

  it.each(forms('/_api/collection/c'))('a wrong method on a known path is 405 with Allow: %s', async (path) => {
    const r = await send('PATCH', path);
    expect(r.status).toBe(405);
    expect(r.body).toMatchObject({ error: true, code: 405, errorNum: 405 });
    expect(r.body.errorMessage).toBe(`method PATCH is not allowed on '${path}'; allowed: DELETE, GET, HEAD`);
    expect(r.headers['allow']).toBe('DELETE, GET, HEAD');
  });

  it('a wrong method on a GDN endpoint fabric-emu lacks is 405 too, with the methods GDN has', async () => {
    const r = await send('PATCH', '/_api/members');
    expect(r.status).toBe(405);
    expect(r.headers['allow']).toBe('GET, POST');
  });

  it('the control routes of a PoP answer a wrong method with 405', async () => {
    const r = await send('POST', '/_emu/region/status');
    expect([r.status, r.headers['allow']]).toEqual([405, 'GET, HEAD']);
  });

  it('fabric-emu lacks some GDN endpoints (the list below is not empty)', () => {
    expect(unserved().length).toBeGreaterThan(100);
  });

  it('every GDN endpoint fabric-emu does not serve answers 501 (errorNum 9) naming it, in every path form', async () => {
    const wrong: string[] = [];
    for (const e of unserved()) {
      for (const path of forms(concrete(e))) {
        const r = await send(e.method, path);
        const ok = r.status === 501 && r.body?.errorNum === 9 && r.body.code === 501
          && String(r.body.errorMessage).includes(`'${endpointName(e)}' (GDN ${e.family})`)
          && String(r.body.errorMessage).includes('docs/compatibility.md');
        if (!ok) wrong.push(`${e.method} ${path}: ${r.status} ${r.text}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('a GDN endpoint shadowed by a parametric route is 501, not that route (POST /_api/cursor/sql is not a cursor id)', async () => {
    const r = await t.client.post('/_api/cursor/sql', { query: 'SELECT 1' });
    expect([r.status, r.body.errorNum]).toEqual([501, 9]);
    const cursor = await t.client.post('/_api/cursor/12345', {});
    expect(cursor.body.errorNum).toBe(1600);
  });
});

describe('the GDN catalogue, the registered routes and docs/compatibility.md agree', () => {
  const doc = readFileSync(new URL('../../docs/compatibility.md', import.meta.url), 'utf8');
  /** Rows of the tables whose first column is `endpoint`: `| \`GET /_api/kv\` | not yet | notes |`. */
  const rows = (() => {
    const out: { endpoint: string; status: string }[] = [];
    let inEndpointTable = false;
    for (const line of doc.split('\n')) {
      if (!line.startsWith('|')) {
        inEndpointTable = false;
        continue;
      }
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      if (cells[0] === 'endpoint') inEndpointTable = true;
      else if (inEndpointTable && !/^-+$/.test(cells[0] ?? '')) out.push({ endpoint: (cells[0] ?? '').replace(/^`|`$/g, ''), status: cells[1] ?? '' });
    }
    return out;
  })();

  it('the catalogue names each method and path shape once', () => {
    const keys = GDN_ENDPOINTS.map((e) => `${e.method} ${shape(e.path)}`);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i)).toEqual([]);
  });

  it('every registered GDN route is a catalogue endpoint', () => {
    const catalogued = new Set(GDN_ENDPOINTS.map((e) => `${e.method} ${shape(e.path)}`));
    // fabric-emu's own routes: the control API under /_emu and the OpenAPI document of the PoP.
    const routes = index.routes().filter((r) => !r.path.startsWith('/_emu/') && shape(r.path) !== shape(OPENAPI_ROUTE));
    const gets = new Set(routes.filter((r) => r.method === 'GET').map((r) => r.path));
    const missing = routes
      .filter((r) => !(r.method === 'HEAD' && gets.has(r.path)))
      .map((r) => `${r.method} ${shape(r.path)}`)
      .filter((k) => !catalogued.has(k));
    expect(missing).toEqual([]);
  });

  it('every table row names a catalogue endpoint, once', () => {
    const names = new Set(GDN_ENDPOINTS.map(endpointName));
    expect(rows.filter((r) => !names.has(r.endpoint)).map((r) => r.endpoint)).toEqual([]);
    const seen = rows.map((r) => r.endpoint);
    expect(seen.filter((n, i) => seen.indexOf(n) !== i)).toEqual([]);
  });

  it('every catalogue endpoint has a row', () => {
    const listed = new Set(rows.map((r) => r.endpoint));
    expect(GDN_ENDPOINTS.map(endpointName).filter((n) => !listed.has(n))).toEqual([]);
  });

  it('a row says "not yet" exactly when no route serves the endpoint', () => {
    const status = new Map(rows.map((r) => [r.endpoint, r.status]));
    const wrong = GDN_ENDPOINTS.filter((e) => {
      const s = status.get(endpointName(e));
      return index.serves(e) ? s !== 'supported' && s !== 'partial' : s !== 'not yet';
    });
    expect(wrong.map((e) => `${endpointName(e)}: ${status.get(endpointName(e))}, served: ${index.serves(e)}`)).toEqual([]);
  });
});
