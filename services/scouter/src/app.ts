import type { ScouterServerEvents } from '@sightline/contracts';
import { startPartitionMaintenance, type PartitionMaintenance } from '@sightline/db';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { ScouterConfig } from './config.ts';
import { createRealStages } from './pipeline/real-stages.ts';
import type { PipelineStages } from './pipeline/stages.ts';
import { registerPrelabelWorker } from './prelabel-worker.ts';
import { CameraStatusRepository } from './repositories/camera-status.repository.ts';
import { CameraRepository } from './repositories/camera.repository.ts';
import { LeaseRepository } from './repositories/lease.repository.ts';
import { ObservationRepository } from './repositories/observation.repository.ts';
import { PreviewRepository } from './repositories/preview.repository.ts';
import { FlowRepository } from './repositories/flow.repository.ts';
import { registerCameraRoutes } from './routes/cameras/index.ts';
import { registerFlowRoutes } from './routes/flows/index.ts';
import { registerMetricsRoutes } from './routes/metrics/index.ts';
import { CameraService } from './services/camera.service.ts';
import { FlowService } from './services/flow.service.ts';
import { LiveRelay } from './services/live-relay.service.ts';
import { PreviewRelay } from './services/preview-relay.service.ts';
import { version } from './version.ts';
import { CameraWorker } from './worker/camera-worker.ts';

export { runVideo, FlowRejectedError, type RunVideoOptions, type RunVideoSummary } from './run-video.ts';

export interface BuildScouterOptions {
  readonly config: ScouterConfig;
  readonly pool: pg.Pool;
  /** Stage implementations; default: ffmpeg decode, CenterNet, ByteTrack/SORT, ffmpeg JPEG previews. */
  readonly stages?: PipelineStages;
}

/** The app plus its worker (undefined with SCOUTER_WORKER=false), for tests and `sightline run`. */
export interface ScouterApp {
  readonly app: ServiceApp;
  readonly worker: CameraWorker | undefined;
}

/** Builds Scouter and its camera worker without listening; the worker starts when the app is ready and stops when it closes. */
export async function buildScouter({ config, pool, stages }: BuildScouterOptions): Promise<ScouterApp> {
  const { app, io } = createService<ScouterServerEvents>({ service: 'scouter', version, pool, logLevel: config.logLevel === 'silent' ? false : config.logLevel });
  const cameras = new CameraRepository(pool);
  const cameraService = new CameraService(cameras, (event) => io.emit('scouter:cameras-changed', event));
  const log = { warn: (m: string) => app.log.warn(m) };
  // Events of cameras other Scouter processes run reach this process's clients too.
  const relay = new LiveRelay(
    pool,
    (relayed) => {
      if (relayed.kind === 'tracks') io.emit('scouter:tracks', relayed.event);
      else if (relayed.kind === 'camera-state') io.emit('scouter:camera-state', relayed.event);
      else previews.receive(relayed.event);
    },
    log,
  );
  const previews = new PreviewRelay(
    new PreviewRepository(pool),
    { publish: (event) => relay.publish({ kind: 'frame-ref', event }), emit: (event) => io.emit('scouter:frame', event), hasClients: () => io.sockets.sockets.size > 0 },
    log,
  );
  app.addHook('onReady', async () => relay.start());
  // Daily observation partitions ahead of the writers, and retention (every Scouter process runs
  // it; an advisory lock lets one at a time work on a table).
  let maintenance: PartitionMaintenance | undefined;
  app.addHook('onReady', async () => {
    maintenance = startPartitionMaintenance(pool, { owner: 'scouter', retentionDays: config.retentionDays }, { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) });
  });
  app.addHook('onClose', async () => {
    await maintenance?.stop();
    previews.stop();
    await relay.stop();
  });
  let worker: CameraWorker | undefined;
  if (config.worker) {
    const realStages = stages ? undefined : createRealStages({ inferenceThreads: config.inferenceThreads });
    worker = new CameraWorker(
      { cameras, leases: new LeaseRepository(pool), status: new CameraStatusRepository(pool), observations: new ObservationRepository(pool) },
      stages ?? realStages!,
      {
        tracks: (event) => {
          io.emit('scouter:tracks', event);
          relay.publish({ kind: 'tracks', event });
        },
        frame: (event, jpeg) => {
          io.emit('scouter:frame', event);
          previews.share(event, jpeg);
        },
        cameraState: (event) => {
          io.emit('scouter:camera-state', event);
          relay.publish({ kind: 'camera-state', event });
        },
      },
      config,
      { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) },
    );
    app.addHook('onReady', async () => worker!.start());
    app.addHook('preClose', async () => {
      await worker!.stop();
      await realStages?.release();
    });
  }
  // server-kit's CORS allows GET/HEAD/POST only; the web page also PATCHes and DELETEs cameras.
  app.addHook('onSend', async (request, reply) => {
    if (request.method === 'OPTIONS' && reply.hasHeader('access-control-allow-methods')) reply.header('access-control-allow-methods', 'GET,HEAD,POST,PATCH,PUT,DELETE');
  });
  registerCameraRoutes(app, cameraService);
  registerFlowRoutes(app, new FlowService(new FlowRepository(pool), cameras, (event) => io.emit('scouter:cameras-changed', event)));
  registerMetricsRoutes(app, worker);
  registerPrelabelWorker(app, pool, config);
  return { app, worker };
}

/** Streaming inference engine: cameras, detection, tracking, attributes. Builds the app without listening. */
export async function buildApp(options: BuildScouterOptions): Promise<ServiceApp> {
  return (await buildScouter(options)).app;
}
