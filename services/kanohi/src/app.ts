import { DASHBOARD } from '@sightline/auth';
import { BusChannel, type KanohiServerEvents } from '@sightline/contracts';
import { createPool, listenToChannel, startPartitionMaintenance, type PartitionMaintenance } from '@sightline/db';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type pg from 'pg';
import type { KanohiConfig } from './config.ts';
import { BackfillRepository } from './repositories/backfill.repository.ts';
import { CameraRepository } from './repositories/camera.repository.ts';
import { FloorPointRepository } from './repositories/floor-point.repository.ts';
import { FloorRepository } from './repositories/floor.repository.ts';
import { PeopleRepository } from './repositories/people.repository.ts';
import { StationaryRepository } from './repositories/stationary.repository.ts';
import { StatsRepository } from './repositories/stats.repository.ts';
import { ZoneRepository } from './repositories/zone.repository.ts';
import { cameraRoutes } from './routes/cameras/index.ts';
import { floorRoutes } from './routes/floors/index.ts';
import { statsRoutes } from './routes/stats/index.ts';
import { BackfillService } from './services/backfill.service.ts';
import { CalibrationService } from './services/calibration.service.ts';
import { FloorService } from './services/floor.service.ts';
import { FloorIdentityService } from './services/floor-identity.service.ts';
import { IngestService } from './services/ingest.service.ts';
import { LiveMapService } from './services/live-map.service.ts';
import { PeopleService } from './services/people.service.ts';
import { StationaryDetector } from './services/stationary-detector.ts';
import { StatsService } from './services/stats.service.ts';
import { version } from './version.ts';

export interface BuildKanohiOptions {
  readonly config: KanohiConfig;
  readonly pool: pg.Pool;
}

/** The app with its ingest: `ingest.idle()` waits for queued notices, `busReady` for the LISTEN. */
export type KanohiApp = ServiceApp & { kanohi: { ingest: IngestService; backfill: BackfillService; busReady: Promise<void> } };

/**
 * Floor-map dashboard: floors, calibration, live tracks, heatmaps, statistics. Builds the app
 * without listening on HTTP; it LISTENs to Scouter's notices until closed.
 */
export async function buildApp({ config, pool }: BuildKanohiOptions): Promise<KanohiApp> {
  const { app, io } = createService<KanohiServerEvents>({
    service: 'kanohi',
    version,
    pool,
    logLevel: config.logLevel === 'silent' ? false : config.logLevel,
    security: config,
    socketReaders: DASHBOARD,
  });
  // Floor plans and snapshots arrive as the raw image body.
  app.addContentTypeParser(['image/png', 'image/jpeg', 'image/webp', 'application/octet-stream'], { parseAs: 'buffer', bodyLimit: config.maxImageBytes }, (_request, body, done) => done(null, body));

  // The dashboards' heavy reads (heatmaps, statistics, people) may go to a read replica; floors,
  // zones and cameras are read where they are written, so an edit shows at once.
  const readPool = config.readDatabaseUrl
    ? createPool(config.readDatabaseUrl, { max: config.dbPoolSize, statementTimeoutMs: config.dbStatementTimeoutMs, log: (m) => app.log.warn(`read database: ${m}`) })
    : pool;
  const floorsRepo = new FloorRepository(pool);
  const cameras = new CameraRepository(pool);
  const zones = new ZoneRepository(pool);
  const points = new FloorPointRepository(pool, readPool);
  const floors = new FloorService(floorsRepo, cameras, zones, config.maxImagePixels);
  const stationarySpans = new StationaryRepository(pool, readPool);
  const stationaryOptions = { radiusM: config.stationaryRadiusM, minMs: config.stationaryMs, lifeMs: config.stationaryLifeMs, lifeRadiusM: config.stationaryLifeRadiusM };
  const stats = new StatsService(floorsRepo, points, new StatsRepository(readPool), zones, stationarySpans);
  const identity = new FloorIdentityService({ mergeDistanceM: config.mergeDistanceM, mergeGapMs: config.mergeGapMs, handoverMs: config.handoverMs });
  const liveMap = new LiveMapService(identity, { trailPoints: config.trailPoints, graceMs: config.markerGraceMs, linkDistanceM: config.linkDistanceM, linkSpeedMps: config.linkSpeedMps });
  const ingest = new IngestService(points, identity, liveMap, (event) => io.emit('kanohi:markers', event), {
    warn: (m) => app.log.warn(m),
    error: (m) => app.log.error(m),
  }, { detector: new StationaryDetector(stationaryOptions), spans: stationarySpans }, config.ingestBatch);

  const backfill = new BackfillService(new BackfillRepository(pool), points, (work) => ingest.exclusive(work), { batch: config.backfillBatch, mergeDistanceM: config.mergeDistanceM, mergeGapMs: config.mergeGapMs, handoverMs: config.handoverMs }, { error: (m) => app.log.error(m) }, { options: stationaryOptions, spans: stationarySpans });
  const calibration = new CalibrationService(cameras, floorsRepo, backfill);

  const people = new PeopleService(floorsRepo, new PeopleRepository(readPool), zones, { maxGapMs: config.linkGapMs, maxDistanceM: config.linkDistanceM, maxSpeedMps: config.linkSpeedMps, minDwellMs: config.minDwellMs });
  // Each route module is a plugin given only the services it calls.
  void app.register(floorRoutes, { floors, maxImageBytes: config.maxImageBytes });
  void app.register(cameraRoutes, { calibration, floors, backfill, maxImageBytes: config.maxImageBytes });
  void app.register(statsRoutes, { stats, people });

  const bus = listenToChannel({ pool, channel: BusChannel.observationsInserted, onNotice: (payload) => ingest.handleNotice(payload), log: { warn: (m) => app.log.warn(m) } });
  // Unfinished backfills resume once the database answers (the LISTEN connection is up), so a
  // database that is down at boot delays them instead of failing the start.
  void bus.ready.then(() => backfill.resume()).catch((err: Error) => app.log.error(`could not resume calibration backfills: ${err.message}`));
  // Daily floor-point partitions ahead, and retention, once the database answers.
  let maintenance: PartitionMaintenance | undefined;
  let closing = false;
  void bus.ready.then(() => {
    if (!closing) maintenance = startPartitionMaintenance(pool, { owner: 'kanohi', retentionDays: config.retentionDays }, { warn: (m) => app.log.warn(m), info: (m) => app.log.info(m) });
  });
  app.addHook('onClose', async () => {
    closing = true;
    await maintenance?.stop();
    await backfill.stop();
    await bus.close();
    await ingest.idle();
    if (readPool !== pool) await readPool.end();
  });
  return Object.assign(app, { kanohi: { ingest, backfill, busReady: bus.ready } });
}
