import { DASHBOARD } from '@sightline/auth';
import type { ScouterClientEvents, ScouterServerEvents } from '@sightline/contracts';
import { dataDir, listenToChannel, startPartitionMaintenance, type PartitionMaintenance } from '@sightline/db';
import { CenterNetDetector } from '@sightline/models';
import { join, resolve } from 'node:path';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { ScouterConfig } from './config.ts';
import { InferenceThread } from './pipeline/inference-thread.ts';
import { detectorCatalogue } from './pipeline/detector-catalogue.ts';
import { createRealStages, type RealStagesExtras } from './pipeline/real-stages.ts';
import type { PipelineStages } from './pipeline/stages.ts';
import { TrainingRepository } from './training/training.repository.ts';
import { TrainingService } from './training/training.service.ts';
import { TrainingWorker } from './training/training-worker.ts';
import { HawkLabelsClient, hawkFramesDir } from './clients/hawk-labels.client.ts';
import { trainingRoutes } from './routes/training/index.ts';
import { CameraStatusRepository } from './repositories/camera-status.repository.ts';
import { CameraRepository } from './repositories/camera.repository.ts';
import { LeaseRepository } from './repositories/lease.repository.ts';
import { ObservationRepository } from './repositories/observation.repository.ts';
import { PreviewRepository } from './repositories/preview.repository.ts';
import { FlowRepository } from './repositories/flow.repository.ts';
import { LiveBusRepository } from './repositories/live-bus.repository.ts';
import { cameraFrameRoutes } from './routes/cameras/frame.ts';
import { cameraRoutes } from './routes/cameras/index.ts';
import { flowRoutes } from './routes/flows/index.ts';
import { eventRoutes } from './routes/events/index.ts';
import { metricsRoutes } from './routes/metrics/index.ts';
import { settingsRoutes } from './routes/settings/index.ts';
import { EventRepository } from './repositories/event.repository.ts';
import { WebhookRepository } from './repositories/webhook.repository.ts';
import { CameraService } from './services/camera.service.ts';
import { CameraSourcePolicy } from './services/camera-source-policy.ts';
import { EventService } from './services/event.service.ts';
import { REMOTE_FOCUS_TTL_MS, WatchRegistry } from './services/watch-registry.ts';
import { WebhookService } from './services/webhook.service.ts';
import { FlowService } from './services/flow.service.ts';
import { LiveRelay } from './services/live-relay.service.ts';
import { ScouterMetrics } from './services/metrics.service.ts';
import { PrelabelWorker } from './services/prelabel.service.ts';
import { PreviewRelay } from './services/preview-relay.service.ts';
import { version } from './version.ts';
import { CameraWorker } from './worker/camera-worker.ts';

export { runVideo, FlowRejectedError, type RunVideoOptions, type RunVideoSummary } from './run-video.ts';
export { withTrainedHeads } from './services/flow.service.ts';
export { TrainingService, TrainingRepository, HawkLabelsClient, HawkApiError, parseTrainConfig, expandGrid, TrainConfigError, TrainingInputError, type JobProgress } from './training/index.ts';

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
  const { app, io } = createService<ScouterServerEvents, ScouterClientEvents>({
    service: 'scouter',
    version,
    pool,
    logLevel: config.logLevel === 'silent' ? false : config.logLevel,
    security: config,
    socketReaders: DASHBOARD,
  });
  const cameras = new CameraRepository(pool);
  const training = new TrainingRepository(pool);
  // User detector cards are read at boot: a card that does not parse stops Scouter with its problems.
  const detectors = detectorCatalogue(config.detectorCards);
  const sources = new CameraSourcePolicy({ mediaRoots: mediaRootsOf(config), allowNetworks: listSetting(config.allowNetworks) });
  const cameraService = new CameraService(cameras, (event) => io.emit('scouter:cameras-changed', event), sources, (names) => training.deployedNames(names), detectors);
  const log = { warn: (m: string) => app.log.warn(m) };
  // Events of cameras other Scouter processes run reach this process's clients too.
  const relay = new LiveRelay(
    new LiveBusRepository(pool),
    (relayed) => {
      if (relayed.kind === 'tracks') io.emit('scouter:tracks', relayed.event);
      else if (relayed.kind === 'camera-state') io.emit('scouter:camera-state', relayed.event);
      else if (relayed.kind === 'event') io.emit('scouter:event', relayed.event);
      else if (relayed.kind === 'focus') watching.setRemote(relayed.event.origin, relayed.event.cameraIds);
      else previews.receive(relayed.event);
    },
    log,
  );
  const previewRepo = new PreviewRepository(pool);
  const previews = new PreviewRelay(
    previewRepo,
    { publish: (event) => relay.publish({ kind: 'frame-ref', event }), emit: (event) => io.emit('scouter:frame', event), hasClients: () => io.sockets.sockets.size > 0 },
    log,
  );
  const watching = new WatchRegistry();
  // Workers elsewhere learn which cameras pages here show large: on every change, and repeated
  // while any is shown (a process that stops repeating is forgotten after REMOTE_FOCUS_TTL_MS).
  let sharedFocus = '[]';
  const shareFocus = (force: boolean) => {
    const cameraIds = watching.localFocus();
    const key = JSON.stringify(cameraIds);
    if (!force && key === sharedFocus) return;
    sharedFocus = key;
    if (force && cameraIds.length === 0) return;
    relay.publish({ kind: 'focus', event: { origin: relay.origin, cameraIds } });
  };
  const focusTimer = setInterval(() => shareFocus(true), REMOTE_FOCUS_TTL_MS / 3);
  focusTimer.unref();
  io.on('connection', (socket) => {
    socket.on('scouter:watch', (event) => {
      watching.set(socket.id, event);
      shareFocus(false);
    });
    socket.on('disconnect', () => {
      watching.drop(socket.id);
      shareFocus(false);
    });
  });
  const webhooks = new WebhookService(new WebhookRepository(pool), config.webhookTimeoutMs, log);
  const events = new EventService(
    new EventRepository(pool),
    webhooks,
    (event) => {
      io.emit('scouter:event', event);
      relay.publish({ kind: 'event', event });
    },
    config,
    log,
  );
  app.addHook('onReady', async () => relay.start());
  // Daily observation partitions ahead of the writers, and retention (every Scouter process runs
  // it; an advisory lock lets one at a time work on a table).
  let maintenance: PartitionMaintenance | undefined;
  app.addHook('onReady', async () => {
    maintenance = startPartitionMaintenance(pool, { owner: 'scouter', retentionDays: config.retentionDays }, { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) });
  });
  app.addHook('onReady', async () => events.startPruning());
  app.addHook('onClose', async () => {
    await maintenance?.stop();
    clearInterval(focusTimer);
    events.stop();
    previews.stop();
    await relay.stop();
  });
  let worker: CameraWorker | undefined;
  let realStages: (PipelineStages & RealStagesExtras) | undefined;
  const metrics = new ScouterMetrics(() => worker, () => realStages?.models() ?? [], async () => (await realStages?.batches()) ?? {});
  if (config.worker) {
    realStages = stages ? undefined : createRealStages({ inferenceThreads: config.inferenceThreads, log: (m) => app.log.info(m), deployedHeads: training, detectors });
    // A deploy or rollback reaches running pipelines through NOTIFY scouter_heads: no restart.
    if (realStages?.trainedHeads) {
      const trained = realStages.trainedHeads;
      const heads = listenToChannel({
        pool,
        channel: 'scouter_heads',
        onNotice: () => void trained.refresh().catch((err: Error) => app.log.warn(`could not load a newly deployed attribute head: ${err.message}`)),
        log: { warn: (m) => app.log.warn(m) },
      });
      app.addHook('onClose', async () => heads.close());
    }
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
        inFocus: (cameraId) => watching.inFocus(cameraId),
        event: (event) => void events.record(event),
        processed: (camera, event) => metrics.observeFrame(camera, event.latencyMs),
      },
      config,
      { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) },
    );
    app.addHook('onReady', async () => worker!.start());
    // Hawk's pre-labeling jobs run on the same inference thread as the cameras (a thread of its
    // own only when the camera stages are stand-ins, as in some tests).
    let ownThread: InferenceThread | undefined;
    const prelabel = new PrelabelWorker({
      pool,
      inference: () => realStages?.inference() ?? (ownThread ??= new InferenceThread()),
      inferenceThreads: config.inferenceThreads,
      hawkUrl: config.hawkUrl,
      log: { info: (m) => app.log.info(m), warn: (m) => app.log.warn(m) },
    });
    app.addHook('onReady', async () => prelabel.start());
    app.addHook('preClose', async () => {
      await prelabel.stop();
      await worker!.stop();
      await realStages?.release();
      await ownThread?.close();
    });
  }
  // Each route module is a plugin given only the services it calls.
  void app.register(cameraRoutes, { cameras: cameraService });
  void app.register(cameraFrameRoutes, { cameras: cameraService, previews });
  void app.register(flowRoutes, { flows: new FlowService(new FlowRepository(pool), cameras, (event) => io.emit('scouter:cameras-changed', event), sources, () => training.deployedNames(), detectors.models) });
  void app.register(metricsRoutes, { metrics, models: () => realStages?.models() ?? [] });
  void app.register(eventRoutes, { events, webhooks });
  void app.register(settingsRoutes, { config });
  let detector: Promise<CenterNetDetector> | undefined;
  const trainingService = new TrainingService({
    repo: training,
    hawk: new HawkLabelsClient({ hawkUrl: config.hawkUrl, token: config.hawkToken }),
    framesDir: hawkFramesDir(),
    cacheDir: join(dataDir(), 'training', 'features'),
    detector: () => (detector ??= CenterNetDetector.create({ threads: config.inferenceThreads })),
  });
  void app.register(trainingRoutes, { training: trainingService });
  if (config.worker && config.trainingWorker) {
    const trainer = new TrainingWorker(pool, trainingService, (event) => io.emit('scouter:training', event), { warn: (m) => app.log.warn(m) });
    app.addHook('onReady', async () => trainer.start());
    app.addHook('preClose', async () => {
      await trainer.stop();
      await (await detector?.catch(() => undefined))?.release();
    });
  }
  return { app, worker };
}

/** Streaming inference engine: cameras, detection, tracking, attributes. Builds the app without listening. */
export async function buildApp(options: BuildScouterOptions): Promise<ServiceApp> {
  return (await buildScouter(options)).app;
}

const listSetting = (value: string) =>
  value
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0);

/** SCOUTER_MEDIA_ROOTS, or the data folder's media/ and ./videos when it is empty. */
function mediaRootsOf(config: ScouterConfig): string[] {
  const roots = listSetting(config.mediaRoots);
  return (roots.length > 0 ? roots : [join(dataDir(), 'media'), 'videos']).map((r) => resolve(r));
}
