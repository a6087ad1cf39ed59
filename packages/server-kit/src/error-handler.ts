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
    const statusCode = error.statusCode && error.statusCode >= 400 ? error.statusCode : (databaseInputStatus(error) ?? 500);
    const busy = statusCode === 503 ? busyMessage(error) : undefined;
    if (busy) {
      request.log.warn({ err: error }, 'request refused: busy');
      return reply.status(503).header('retry-after', '1').send({ statusCode: 503, error: 'Service Unavailable', message: busy });
    }
    if (statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(statusCode).send({
        statusCode,
        error: 'Internal Server Error',
        message: `Something went wrong on the server; the log has the details under request id ${request.id}.`,
      });
    }
    request.log.info({ err: error }, 'request rejected');
    const message = error.validation
      ? `Invalid request: ${describeValidation(error)}`
      : error.code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `The request body is larger than this route's limit of ${formatBytes(request.routeOptions.bodyLimit ?? 0)}; nothing was stored.`
        : statusCode === 400 && !error.statusCode
          ? `Invalid request: a value is outside the range the database stores (${error.message}).`
          : error.message;
    return reply.status(statusCode).send({ statusCode, error: httpReason(statusCode), message });
  });
  if (options.notFound === false) return;
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ statusCode: 404, error: 'Not Found', message: `No route ${request.method} ${request.url}` }),
  );
}

/**
 * PostgreSQL's "data exception" class (22xxx: out of range, invalid text representation, value too
 * long) is caused by the input, not by the server: a 400 naming the database's complaint. Schemas
 * bound ids and numbers first; this keeps a value they missed from answering 500.
 */
function databaseInputStatus(error: unknown): number | undefined {
  const code = (error as { code?: unknown }).code;
  const fromPg = typeof (error as { severity?: unknown }).severity === 'string';
  if (fromPg && typeof code === 'string' && code.startsWith('22')) return 400;
  return busyMessage(error) ? 503 : undefined;
}

/**
 * A statement cancelled by the statement timeout (57014) or no free connection within the pool's
 * wait: the server is busy, not broken; the client may retry (503 with Retry-After).
 */
function busyMessage(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  if (code === '57014') return 'The database took longer than the statement timeout this service allows one request; ask for less (a narrower range) or retry later.';
  if (error instanceof Error && /timeout exceeded when trying to connect/.test(error.message)) return 'The server is busy (every database connection is in use); retry in a moment.';
  return undefined;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
  if (bytes >= 1024) return `${Math.round((bytes / 1024) * 10) / 10} KiB`;
  return `${bytes} bytes`;
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
