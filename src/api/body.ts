import type { FastifyInstance } from 'fastify';
import { gdnError } from '../core/errors.js';
import { jsonProblem } from '../core/json-rules.js';

/**
 * Bodies are JSON whatever the content-type (the 2019 tutorial posts JSON as text/plain, jsC8 sends
 * GETs as text/plain). Stream routes read their bodies raw (api/streams.ts has its own parser).
 * Every body passes core/json-rules.ts before any handler sees it: nested too deep, a number out of
 * range or a `__proto__` key (also written `\u005f_proto__`) is a 400 and nothing is stored.
 */
export function registerBodyParser(app: FastifyInstance): void {
  // An empty content-type header would make Fastify refuse the body before any parser runs. A
  // callback, not an async hook: its promise would cost every request a microtask (as in app.ts).
  app.addHook('onRequest', (req, _reply, done) => {
    if (req.headers['content-type'] === '') delete req.headers['content-type'];
    done();
  });
  app.removeAllContentTypeParsers();
  const parse = (_req: unknown, body: string | Buffer, done: (err: Error | null, value?: unknown) => void): void => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return done(gdnError('CORRUPTED_JSON', `invalid JSON object: ${(e as Error).message}`), undefined);
    }
    const problem = jsonProblem(value);
    if (problem) return done(gdnError('CORRUPTED_JSON', `invalid JSON object: ${problem}`), undefined);
    done(null, value);
  };
  // The same parser for every type; the named ones because Fastify remembers which parser a
  // content-type takes only for those, and works out the catch-all's afresh on every request.
  for (const type of ['application/json', 'text/plain', '*']) app.addContentTypeParser(type, { parseAs: 'string' }, parse);
}
