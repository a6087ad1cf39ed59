import { HealthResponse, ReadyResponse } from '@sightline/contracts';
import { isDatabaseReachable } from '@sightline/db';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ServiceOptions } from './create-service.ts';
import { DATABASE_RETRY_AFTER_S } from './error-handler.ts';

/** `/healthz` answers while the process runs; `/readyz` only while the database answers too. */
export const healthRoutes: FastifyPluginAsyncTypebox<Pick<ServiceOptions, 'service' | 'version' | 'pool'>> = async (app, options) => {
  const startedAt = Date.now();
  app.get('/healthz', { config: { access: 'public' }, schema: { response: { 200: HealthResponse } } }, async () => ({
    status: 'ok' as const,
    service: options.service,
    version: options.version,
    uptimeSeconds: (Date.now() - startedAt) / 1000,
  }));
  app.get('/readyz', { config: { access: 'public' }, schema: { response: { 200: ReadyResponse, 503: ReadyResponse } } }, async (_request, reply) => {
    const database = await isDatabaseReachable(options.pool);
    if (!database) reply.header('Retry-After', String(DATABASE_RETRY_AFTER_S));
    return reply.status(database ? 200 : 503).send({
      status: database ? 'ready' : 'not_ready',
      service: options.service,
      checks: { database },
    });
  });
};
