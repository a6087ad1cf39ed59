import { DASHBOARD, OPERATE } from '@sightline/auth';
import { InferenceStatus } from '@sightline/contracts';
import type { ModelBackend } from '@sightline/models';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ScouterMetrics } from '../../services/metrics.service.ts';

/** `GET /metrics`: Prometheus text exposition of this worker's pipelines and process. */
export const metricsRoutes: FastifyPluginAsyncTypebox<{ readonly metrics: ScouterMetrics; readonly models: () => readonly ModelBackend[] }> = async (app, { metrics, models }) => {
  app.get('/metrics', { config: { access: OPERATE }, schema: { response: { 200: { description: 'Prometheus text exposition format', content: { 'text/plain': { schema: { type: 'string' } } } } } } }, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  app.get('/inference', { config: { access: DASHBOARD }, schema: { response: { 200: InferenceStatus } } }, async () => ({ models: [...models()] }));
};
