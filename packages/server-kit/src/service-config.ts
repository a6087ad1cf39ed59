import { Type } from '@sinclair/typebox';

const LogLevel = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * The settings every service has, under its own prefix: `<PREFIX>_HOST`, `<PREFIX>_PORT`,
 * `<PREFIX>_LOG_LEVEL`. Spread into the service's config schema.
 * @example const HawkConfig = Type.Object({ ...serviceBasics('HAWK', 3001) }, { additionalProperties: false });
 */
export function serviceBasics(prefix: string, defaultPort: number) {
  return {
    host: Type.String({ env: `${prefix}_HOST`, default: '127.0.0.1', minLength: 1, description: 'Interface to listen on (0.0.0.0 in containers)' }),
    port: Type.Integer({ env: `${prefix}_PORT`, default: defaultPort, minimum: 0, maximum: 65535, description: 'HTTP and socket.io port' }),
    dbPoolSize: Type.Integer({ env: `${prefix}_DB_POOL_SIZE`, default: 10, minimum: 2, maximum: 500, description: 'Database connections this service opens at most' }),
    dbStatementTimeoutMs: Type.Integer({
      env: `${prefix}_DB_STATEMENT_TIMEOUT_MS`,
      default: 30_000,
      minimum: 0,
      maximum: 3_600_000,
      description: 'A database statement running longer is cancelled and its request answered 503, so one heavy request cannot hold connections the others need; 0 = no limit',
    }),
    logLevel: Type.Union(
      LogLevel.map((l) => Type.Literal(l)),
      { env: `${prefix}_LOG_LEVEL`, default: 'info', description: 'Pino log level' },
    ),
  };
}
