/**
 * One error shape for every route: `{ error: { code, message } }` with a
 * stable code from the catalogue. Validation failures are 400 BAD_REQUEST;
 * anything unexpected is a 500 INTERNAL whose details stay in the log.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCodes, isAppError } from '../core/errors.js';

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isAppError(error)) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      // Details help a client act (e.g. retryAfterSeconds of a lockout); a 5xx keeps them in the log.
      const details = error.status < 500 && error.details !== undefined ? { details: error.details } : {};
      return reply.status(error.status).send({ error: { code: error.code, message: error.message, ...details } });
    }
    if (error.validation) {
      return reply.status(400).send({ error: { code: 'BAD_REQUEST', message: error.message } });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) {
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send({ error: { code: 'INTERNAL', message: ErrorCodes.INTERNAL.message } });
    }
    // Fastify's own 4xx (malformed JSON, body too large, unsupported media type).
    const code = status === 429 ? 'RATE_LIMITED' : 'BAD_REQUEST';
    return reply.status(status).send({ error: { code, message: error.message } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: { code: 'NOT_FOUND', message: `${request.method} ${request.url} does not exist` } }),
  );
}
