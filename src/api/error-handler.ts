import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, GdnError, type ErrorName } from '../core/errors.js';

export function sendError(reply: FastifyReply, e: GdnError): FastifyReply {
  return reply
    .code(e.status)
    .type('application/json; charset=utf-8')
    .send({ ...e.extra, error: true, code: e.status, errorNum: e.errorNum, errorMessage: e.message });
}

/** Fastify's own errors, mapped onto the registry so clients see the GDN envelope for them too. */
const FASTIFY_CODES: Record<string, ErrorName> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CORRUPTED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CORRUPTED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_PARAMETER',
  FST_ERR_VALIDATION: 'BAD_PARAMETER',
  FST_ERR_BAD_URL: 'BAD_PARAMETER',
};

/** The one place where errors become responses: handlers only throw. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | GdnError, req, reply) => {
    if (err instanceof GdnError) return sendError(reply, err);
    const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
    if (mapped) return sendError(reply, new GdnError(mapped, err.message));
    req.log.error({ err }, 'unexpected error');
    return sendError(reply, new GdnError('INTERNAL', `internal error: ${err.message}`));
  });
}

export { ERRORS };
