import { isDatabaseUnavailable } from '@sightline/db';
import type { FastifyError, FastifyInstance } from 'fastify';

/** Seconds a client should wait before retrying while the database is away (it restarts within a few). */
export const DATABASE_RETRY_AFTER_S = 5;

/**
 * One error handler per service: 4xx answers say what was wrong, 5xx answers hide internals
 * behind the request id, and every error is logged.
 */
export function installErrorHandler(app: FastifyInstance, options: { notFound?: boolean } = {}): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply
        .status(503)
        .header('Retry-After', String(DATABASE_RETRY_AFTER_S))
        .send({ statusCode: 503, error: 'Service Unavailable', message: `The database is not reachable right now (it may be restarting); try again in ${DATABASE_RETRY_AFTER_S} seconds.` });
    }
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(statusCode).send({
        statusCode,
        error: 'Internal Server Error',
        message: `Something went wrong on the server; the log has the details under request id ${request.id}.`,
      });
    }
    request.log.info({ err: error }, 'request rejected');
    const message = error.validation ? `Invalid request: ${describeValidation(error)}` : error.message;
    return reply.status(statusCode).send({ statusCode, error: httpReason(statusCode), message });
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `No route ${request.method} ${request.url}` }),
  );
}

function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    422: 'Unprocessable Entity',
    429: 'Too Many Requests',
  };
  return reasons[status] ?? 'Error';
}

/** AJV messages, with the name of an unknown property spelled out (AJV leaves it in params). */
function describeValidation(error: FastifyError): string {
  const context = (error as { validationContext?: string }).validationContext ?? 'body';
  return (error.validation ?? [])
    .map((v) => {
      const where = `${context}${v.instancePath ?? ''}`;
      const unknown = (v.params as { additionalProperty?: string }).additionalProperty;
      return unknown ? `${where} has an unknown property "${unknown}"` : `${where} ${v.message ?? 'is invalid'}`;
    })
    .join('; ');
}
