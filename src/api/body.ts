import type { FastifyInstance } from 'fastify';
import { gdnError } from '../core/errors.js';

function hasProtoKey(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return true;
  return Object.values(v).some(hasProtoKey);
}

/**
 * Bodies are JSON whatever the content-type (the 2019 tutorial posts JSON as text/plain, jsC8 sends
 * GETs as text/plain). Stream routes read their bodies raw (api/streams.ts has its own parser).
 * `__proto__` as an attribute name is refused: JavaScript objects cannot hold it as data, and
 * storing the document without it would lose data silently.
 */
export function registerBodyParser(app: FastifyInstance): void {
  // An empty content-type header would make Fastify refuse the body before any parser runs.
  app.addHook('onRequest', async (req) => {
    if (req.headers['content-type'] === '') delete req.headers['content-type'];
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    try {
      const value: unknown = JSON.parse(text);
      if (text.includes('__proto__') && hasProtoKey(value)) {
        return done(gdnError('CORRUPTED_JSON', "attribute name '__proto__' is not supported"), undefined);
      }
      done(null, value);
    } catch (e) {
      done(gdnError('CORRUPTED_JSON', `invalid JSON object: ${(e as Error).message}`), undefined);
    }
  });
}
