import { DASHBOARD, OPERATE } from '@sightline/auth';
import { InferenceStatus } from '@sightline/contracts';
import type { ModelBackend } from '@sightline/models';
import type { ServiceApp } from '@sightline/server-kit';
import type { ScouterMetrics } from '../../services/metrics.service.ts';

/** `GET /metrics`: Prometheus text exposition of this worker's pipelines and process. */
export function registerMetricsRoutes(app: ServiceApp, metrics: ScouterMetrics, models: () => readonly ModelBackend[] = () => []): void {
  app.get('/metrics', { config: { access: OPERATE } }, async (_request, reply) => reply.type(metrics.contentType).send(await metrics.text()));
  app.get('/inference', { config: { access: DASHBOARD }, schema: { response: { 200: InferenceStatus } } }, async () => ({ models: [...models()] }));
}
