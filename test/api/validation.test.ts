import Fastify, { type FastifySchema } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { acceptedAsIs, schemaController, validatorCompiler } from '../../src/api/validation.js';
import { GdnError } from '../../src/core/errors.js';

type Result = { value?: unknown; error?: unknown };

function compile(schema: z.core.$ZodType, httpPart = 'body'): (data: unknown) => Result {
  return validatorCompiler({ schema, httpPart, method: 'PUT', url: '/x' } as unknown as FastifySchema & Parameters<typeof validatorCompiler>[0]) as (data: unknown) => Result;
}

describe('request validation shortcuts', () => {
  it('answers path parameters of plain strings with the input itself, and anything else through zod', () => {
    const params = compile(z.object({ fabric: z.string(), name: z.string() }), 'params');
    const raw = { fabric: '_system', name: 'kv' };
    expect(params(raw).value).toBe(raw);
    // An extra key is stripped by zod, so the input is not what zod would give: zod runs.
    const extra = { fabric: '_system', name: 'kv', other: 'x' };
    expect(params(extra).value).toEqual({ fabric: '_system', name: 'kv' });
    expect(params({ fabric: '_system' }).error).toBeInstanceOf(GdnError);
    // A string with a check is zod's to judge.
    const checked = compile(z.object({ name: z.string().min(3) }), 'params');
    expect(checked({ name: 'ab' }).error).toBeInstanceOf(GdnError);
  });

  it('takes a marked body as is when its check holds; zod judges and explains the rest', () => {
    const schema = acceptedAsIs(z.array(z.looseObject({ _key: z.string({ error: 'each pair needs a string _key' }) })), (b) => Array.isArray(b) && b.every((p) => typeof (p as { _key?: unknown })?._key === 'string'));
    const body = compile(schema);
    const good = [{ _key: 'a', more: 1 }];
    expect(body(good).value).toBe(good);
    expect(z.parse(schema, good)).toEqual(good);
    const bad = body([{ _key: 7 }]).error as GdnError;
    expect(bad).toBeInstanceOf(GdnError);
    expect(bad.message).toContain('body[0]._key: each pair needs a string _key');
  });
});

describe('the schema compilers every app is made with', () => {
  it('validates with zod and refuses a response schema at start-up instead of ignoring it', async () => {
    const app = Fastify({ schemaController });
    app.post('/x', { schema: { body: z.object({ n: z.number() }) } }, async (req) => req.body);
    await app.ready();
    const bad = await app.inject({ method: 'POST', url: '/x', payload: { n: 'one' } });
    expect(bad.statusCode).toBe(400);
    expect((await app.inject({ method: 'POST', url: '/x', payload: { n: 1 } })).json()).toEqual({ n: 1 });
    await app.close();

    const withResponse = Fastify({ schemaController });
    withResponse.get('/y', { schema: { response: { 200: z.object({ n: z.number() }) } } }, async () => ({ n: 1 }));
    await expect(withResponse.ready()).rejects.toThrow('GET /y declares a response schema');
    await withResponse.close();
  });
});
