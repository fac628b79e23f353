import SwaggerParser from '@apidevtools/swagger-parser';
import type { RouteOptions } from 'fastify';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFabric } from '../../src/index.js';
import { testRegion, type TestRegion } from '../helpers/client.js';
import { testTopology } from '../helpers/topology.js';

/** `/_fabric/:fabric/document/:collection` as OpenAPI writes it. */
function openApiPath(url: string): string {
  return url.replace(/:(\w+)/g, '{$1}');
}

function operations(doc: OpenAPIV3.Document): string[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.keys(item ?? {})
      .filter((k) => ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'].includes(k))
      .map((m) => `${m.toUpperCase()} ${path}`),
  );
}

function registered(routes: RouteOptions[]): string[] {
  return routes.flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).map((m) => `${m} ${openApiPath(r.url)}`));
}

describe('GET /_api/openapi.json', () => {
  let t: TestRegion;
  let doc: OpenAPIV3.Document;
  beforeAll(async () => {
    t = await testRegion();
    const r = await t.client.get('/_api/openapi.json');
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    doc = r.body as OpenAPIV3.Document;
  });
  afterAll(async () => t.close());

  it('is a valid OpenAPI 3 document', async () => {
    expect(doc.openapi).toMatch(/^3\./);
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
  });

  it('lists every registered route, and nothing else', () => {
    expect(registered(t.routes).length).toBeGreaterThan(40);
    expect(operations(doc).sort()).toEqual([...new Set(registered(t.routes))].sort());
  });

  it('is served under every path form', async () => {
    for (const path of ['/_fabric/_system/_api/openapi.json', '/_fabric/_system/openapi.json', `/_tenant/${t.credentials.tenant}/_fabric/_system/_api/openapi.json`, '/_api/openapi.json/']) {
      const r = await t.client.get(path);
      expect([path, r.status]).toEqual([path, 200]);
      expect(operations(r.body as OpenAPIV3.Document).length).toBe(operations(doc).length);
    }
  });

  it('documents what the schemas validate: path, query and header parameters and bodies', () => {
    const insert = doc.paths['/_fabric/{fabric}/document/{collection}']?.post as OpenAPIV3.OperationObject;
    const params = (insert.parameters ?? []) as OpenAPIV3.ParameterObject[];
    expect(params.filter((p) => p.in === 'path').map((p) => p.name).sort()).toEqual(['collection', 'fabric']);
    expect(params.find((p) => p.in === 'query' && p.name === 'overwriteMode')?.description).toContain('conflict, replace, update, ignore');
    expect(params.find((p) => p.in === 'query' && p.name === 'returnNew')?.description).toContain('default false');
    expect(params.some((p) => p.in === 'header' && p.name === 'if-match')).toBe(true);
    const cursor = doc.paths['/_fabric/{fabric}/cursor']?.post as OpenAPIV3.OperationObject;
    const body = (cursor.requestBody as OpenAPIV3.RequestBodyObject).content['application/json']?.schema as OpenAPIV3.SchemaObject;
    expect(body.required).toEqual(['query']);
    expect(Object.keys(body.properties ?? {})).toEqual(expect.arrayContaining(['query', 'bindVars', 'batchSize', 'ttl', 'count', 'options']));
  });
});

it('the control server documents its /_emu routes the same way', async () => {
  const fabric = await startFabric({ topology: testTopology(), latency: false });
  try {
    const doc = (await (await fetch(`${fabric.globalUrl()}/_emu/openapi.json`)).json()) as OpenAPIV3.Document;
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeTruthy();
    expect(operations(doc)).toEqual(expect.arrayContaining(['POST /_emu/partition', 'PUT /_emu/links/{from}/{to}', 'GET /_emu/route', 'POST /_emu/wait']));
  } finally {
    await fabric.close();
  }
});
