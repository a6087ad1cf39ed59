import type { HawkServerEvents } from '@sightline/contracts';
import { ANNOTATE, type IdentityService } from '@sightline/auth';
import { dataDir } from '@sightline/db';
import { createService, type ServiceApp } from '@sightline/server-kit';
import type { FastifyBaseLogger } from 'fastify';
import { join, resolve } from 'node:path';
import type pg from 'pg';
import type { HawkConfig } from './config.ts';
import type { HawkServices } from './hawk-services.ts';
import { AnnotationRepository } from './repositories/annotation.repository.ts';
import { AssignmentRepository } from './repositories/assignment.repository.ts';
import { PrelabelRepository } from './repositories/prelabel.repository.ts';
import { ProjectRepository } from './repositories/project.repository.ts';
import { VideoRepository } from './repositories/video.repository.ts';
import { annotationRoutes } from './routes/annotations/index.ts';
import { myWorkRoutes } from './routes/me/index.ts';
import { consensusRoutes } from './routes/consensus/index.ts';
import { prelabelRoutes } from './routes/prelabel/index.ts';
import { projectRoutes } from './routes/projects/index.ts';
import { transferRoutes } from './routes/transfer/index.ts';
import { videoRoutes } from './routes/videos/index.ts';
import { AccessService } from './services/access.service.ts';
import { TeamService } from './services/team.service.ts';
import { MemberRepository } from './repositories/member.repository.ts';
import { AnnotationService } from './services/annotation.service.ts';
import { ConsensusService } from './services/consensus.service.ts';
import { ContextService } from './services/context.ts';
import { ExportService } from './services/export.service.ts';
import { ImportService } from './services/import.service.ts';
import { PrelabelService } from './services/prelabel.service.ts';
import { ProjectService } from './services/project.service.ts';
import { ReviewService } from './services/review.service.ts';
import { VideoService } from './services/video.service.ts';
import { version } from './version.ts';

export interface BuildHawkOptions {
  readonly config: HawkConfig;
  readonly pool: pg.Pool;
}

/** Annotation service: videos, frames, boxes, consensus, review, export. Builds the app without listening. */
export async function buildApp({ config, pool }: BuildHawkOptions): Promise<ServiceApp> {
  const { app, io, identity } = createService<HawkServerEvents>({
    service: 'hawk',
    version,
    pool,
    logLevel: config.logLevel === 'silent' ? false : config.logLevel,
    security: config,
    socketReaders: ANNOTATE,
  });
  const users = identity.users;
  const annotationRepo = new AnnotationRepository(pool);
  const assignmentRepo = new AssignmentRepository(pool);
  const memberRepo = new MemberRepository(pool);
  const access = new AccessService(memberRepo);
  const projects = new ProjectService(new ProjectRepository(pool));
  const videos = new VideoService(new VideoRepository(pool), {
    mediaDir: config.mediaDir ? resolve(config.mediaDir) : join(dataDir(), 'hawk'),
    maxUploadBytes: config.maxUploadBytes,
    staleUploadSeconds: config.staleUploadHours * 3600,
    emit: (event) => io.emit('hawk:extraction', event),
    log: app.log,
  });
  const onSaved = (event: { setId: number; videoId: number; version: number; userId: number }) => io.emit('hawk:saved', event);
  const annotations = new AnnotationService(annotationRepo, onSaved);
  const reviews = new ReviewService(assignmentRepo);
  const context = new ContextService(projects, videos, annotations, access);
  const team = new TeamService(memberRepo, users);
  const services: HawkServices = {
    identity,
    projects,
    videos,
    annotations,
    consensus: new ConsensusService(assignmentRepo, annotationRepo, memberRepo),
    reviews,
    exporter: new ExportService(annotationRepo, reviews, videos),
    importer: new ImportService(annotations),
    context,
    access,
    team,
    prelabel: new PrelabelService(new PrelabelRepository(pool), annotationRepo, users, { pool, identity, onSaved, onJob: (event) => io.emit('hawk:prelabel', event), log: app.log }),
  };

  // Each route module is a plugin given only the services it calls.
  void app.register(myWorkRoutes, { team });
  void app.register(projectRoutes, { context, projects, team, access });
  void app.register(videoRoutes, { context, videos, projects, reviews });
  void app.register(annotationRoutes, { context, annotations, access });
  void app.register(consensusRoutes, { context, consensus: services.consensus, reviews, annotations, access });
  void app.register(transferRoutes, { context, exporter: services.exporter, importer: services.importer });
  void app.register(prelabelRoutes, { context, prelabel: services.prelabel, videos });
  let sweeper: NodeJS.Timeout | undefined;
  app.decorate('hawk', services);
  app.addHook('onReady', async () => {
    // Reachability is checked by /readyz; a database that is down at boot must not stop the app.
    await prepareFirstRun(identity, config.adminPassword || config.hawkAdminPassword, app.log);
    // Videos announced before each got its main set with it (GET /videos/:id/sets only reads).
    await annotations.ensureMainSets().catch((err: Error) => app.log.error(`could not add missing main sets: ${err.message}`));
    await services.prelabel.start();
    // Checked several times per expiry period (at most every 10 minutes), so an upload goes at most
    // a quarter period late; the first sweep also clears what a previous run left behind.
    const sweep = () =>
      void videos.sweepStaleUploads().then(
        (ids) => ids.length > 0 && app.log.info(`removed ${ids.length} stale upload(s): videos ${ids.join(', ')}`),
        (err: Error) => app.log.warn(`stale upload sweep failed: ${err.message}`),
      );
    sweeper = setInterval(sweep, Math.min(config.staleUploadHours * 3600_000 / 4, 600_000));
    sweeper.unref();
    sweep();
  });
  app.addHook('preClose', async () => {
    clearInterval(sweeper);
    await services.prelabel.stop();
  });
  app.addHook('onClose', () => videos.drain());
  return app;
}

/**
 * Hawk started on its own (e.g. in a container) with no admin: create the admin from
 * SIGHTLINE_ADMIN_PASSWORD, or log a one-time setup token unless one is pending (`npm start`
 * issues and prints its own before the services start).
 */
async function prepareFirstRun(identity: IdentityService, adminPassword: string, log: FastifyBaseLogger): Promise<void> {
  try {
    if (!adminPassword && (await identity.setupPending())) return;
    const result = await identity.prepareFirstRun(adminPassword);
    if (result.state === 'admin-created') log.warn('created user "admin" from SIGHTLINE_ADMIN_PASSWORD');
    if (result.state === 'setup') log.warn(`no admin yet: open the web app's /setup page with setup token ${result.setupToken} (valid 24 h, once)`);
  } catch (err) {
    // Reachability is checked by /readyz; a database that is down at boot must not stop the app.
    log.error(`first-run check failed: ${(err as Error).message}`);
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Hawk's services, for tests and tools that drive the app in-process. */
    hawk: HawkServices;
  }
}
