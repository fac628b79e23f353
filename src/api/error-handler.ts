import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ERRORS, GdnError, type ErrorName } from '../core/errors.js';
import { envelopeOf } from '../core/http-errors.js';

export function sendError(reply: FastifyReply, e: GdnError): FastifyReply {
  return reply.code(e.status).type('application/json; charset=utf-8').send(envelopeOf(e));
}

/** Fastify's own errors, mapped onto the registry so clients see the GDN envelope for them too. */
const FASTIFY_CODES: Record<string, ErrorName> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'REQUEST_TOO_LARGE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'CORRUPTED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'CORRUPTED_JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'BAD_PARAMETER',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_PARAMETER',
  FST_ERR_VALIDATION: 'BAD_PARAMETER',
  FST_ERR_BAD_URL: 'BAD_PARAMETER',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/** A thrown value as the GDN error a client sees: ours as they are, Fastify's mapped, anything else a 500. */
export function asGdnError(err: unknown): { error: GdnError; unexpected: boolean } {
  if (err instanceof GdnError) return { error: err, unexpected: false };
  const code = (err as FastifyError | undefined)?.code;
  const mapped = typeof code === 'string' ? FASTIFY_CODES[code] : undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (mapped) return { error: new GdnError(mapped, message), unexpected: false };
  // Fastify's errors for a request the client got wrong carry a 4xx status of their own.
  const status = (err as FastifyError | undefined)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return { error: new GdnError('BAD_PARAMETER', message), unexpected: false };
  return { error: new GdnError('INTERNAL', `internal error: ${message}`), unexpected: true };
}

/** The one place where errors become responses: handlers only throw. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | GdnError, req, reply) => {
    const { error, unexpected } = asGdnError(err);
    if (unexpected) req.log.error({ err }, 'unexpected error');
    return sendError(reply, error);
  });
}

export { ERRORS };
