import { InferenceStatus } from '@sightline/contracts';
import type { ModelBackend } from '@sightline/models';
import type { ServiceApp } from '@sightline/server-kit';
import type { CameraWorker } from '../../worker/camera-worker.ts';
import { renderMetrics } from '../../services/metrics.service.ts';

/** `GET /metrics`: Prometheus text exposition of this worker's pipelines. */
export function registerMetricsRoutes(app: ServiceApp, worker: CameraWorker | undefined, models: () => readonly ModelBackend[] = () => []): void {
  app.get('/metrics', async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(worker, models())));
  app.get('/inference', { schema: { response: { 200: InferenceStatus } } }, async () => ({ models: [...models()] }));
}
