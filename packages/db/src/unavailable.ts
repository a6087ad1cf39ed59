// Errors that mean "the database is not there right now" (restarting, unreachable, shutting down),
// as opposed to a query that is wrong: callers answer 503 and retry instead of failing for good.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections; class 08 is connection_exception.
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
// ("timeout exceeded when trying to connect" is a full pool, a busy server: see server-kit's error handler.)
const MESSAGES = [/Connection terminated/i, /the database system is (starting up|shutting down|in recovery mode)/i, /Client has encountered a connection error/i];

/**
 * True when `err` says the database is unreachable or restarting rather than that a query was wrong.
 * @example if (isDatabaseUnavailable(err)) reply.status(503).header('Retry-After', '5')
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || SQLSTATES.has(code) || code.startsWith('08'))) return true;
  if (typeof message === 'string' && MESSAGES.some((re) => re.test(message))) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isDatabaseUnavailable(cause);
}
