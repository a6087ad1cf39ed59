import { BusChannel, checkContract, HawkPrelabelNotice, HawkPrelabelResult, type HawkPrelabelBody, type HawkPrelabelEvent, type HawkPrelabelJob, type HawkProject, type HawkUser } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import type pg from 'pg';
import { badRequest, conflict, forbidden, notFound } from '@sightline/server-kit';
import type { AnnotationRepository } from '../repositories/annotation.repository.ts';
import type { PrelabelRepository } from '../repositories/prelabel.repository.ts';
import type { IdentityService, UserRepository } from '@sightline/auth';
import type { VideoRow } from '../repositories/video.repository.ts';
import { AnnotationService } from './annotation.service.ts';
import { prelabelPatch } from './prelabel-patch.ts';
import { modelWrites, unchangedModelWork } from './prelabel-replace.ts';

/** Longest frame range of one job: its boxes travel as one JSON value. */
export const MAX_PRELABEL_FRAMES = 20_000;
export const MODEL_USERNAME = 'model';

export interface PrelabelServiceOptions {
  readonly pool: pg.Pool;
  /** Creates each job's frames token: the worker reads the frames through Hawk's API as the person who asked. */
  readonly identity: Pick<IdentityService, 'createApiToken' | 'revokeApiToken'>;
  readonly onSaved: (event: { setId: number; videoId: number; version: number; userId: number }) => void;
  /** A job moved on (socket.io `hawk:prelabel`); called for every notice this process hears. */
  readonly onJob?: (event: HawkPrelabelEvent) => void;
  readonly log: { info(message: string): void; warn(message: string): void; error(message: string): void };
  /** Look for finished jobs this often even without a notice (default 10 s). */
  readonly sweepMs?: number;
  /** How often running jobs' frame counts are read for progress events (default 1 s; the worker's heartbeat sends no notice). */
  readonly progressMs?: number;
}

/** What a job's status means to a page following it. */
export function prelabelPhase(job: HawkPrelabelJob): HawkPrelabelEvent['phase'] {
  return job.status === 'applied' ? 'done' : job.status === 'failed' ? 'failed' : 'progress';
}

/**
 * Model-assisted pre-labeling. Hawk queues a job in hawk_prelabel_jobs; a Scouter worker runs the
 * detector on the extracted frames and marks it done (NOTIFY hawk_prelabel); Hawk then writes the
 * boxes into the set as one new version by the "model" user, editable and undoable like any save.
 */
/**
 * Keeps a job's events in the order a job lives: reads of its row overlap (a notice's read, the
 * progress timer's), so one that started while the job ran may finish after it ended; such a late
 * progress, or a second announcement of the end, is not admitted. Remembers the latest `kept` ended jobs.
 */
export class JobEventOrder {
  private readonly ended = new Set<number>();

  constructor(private readonly kept = 1000) {}

  admit(event: HawkPrelabelEvent): boolean {
    if (this.ended.has(event.job.id)) return false;
    if (event.phase !== 'progress') {
      this.ended.add(event.job.id);
      if (this.ended.size > this.kept) this.ended.delete(this.ended.values().next().value!);
    }
    return true;
  }
}

export class PrelabelService {
  private listener: ChannelListener | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private applying: Promise<void> = Promise.resolve();
  private closed = false;
  /** Running jobs whose frame counts are watched, with the last count announced. */
  private readonly watched = new Map<number, number>();
  private progressTimer: NodeJS.Timeout | undefined;
  private reading = false;
  private readonly order = new JobEventOrder();

  constructor(
    private readonly jobs: PrelabelRepository,
    private readonly annotations: AnnotationRepository,
    private readonly users: UserRepository,
    private readonly options: PrelabelServiceOptions,
  ) {}

  async request(video: VideoRow, project: HawkProject, framesDir: string, body: HawkPrelabelBody, user: HawkUser): Promise<HawkPrelabelJob> {
    if (body.frameTo < body.frameFrom) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is before frameFrom ${body.frameFrom} (frame ${body.frameFrom + 1}); frame fields are 0-based indices.`);
    if (body.frameTo >= video.frameCount) throw badRequest(`frameTo ${body.frameTo} (frame ${body.frameTo + 1}) is past the video's last frame ${video.frameCount} (index ${video.frameCount - 1}).`);
    if (body.frameTo - body.frameFrom + 1 > MAX_PRELABEL_FRAMES) throw badRequest(`At most ${MAX_PRELABEL_FRAMES} frames per job; split the range.`);
    const set = body.setId ? (await this.annotations.getSet(body.setId)) : await this.annotations.mainSet(video.id);
    if (!set) throw notFound(`Annotation set ${body.setId} does not exist.`);
    if (set.videoId !== video.id) throw badRequest(`Set ${set.id} belongs to video ${set.videoId}, not ${video.id}.`);
    if (!AnnotationService.canWrite(set, user)) throw forbidden(`You may not write set ${set.id}, so the model may not write it for you.`);
    const names = project.labelSchema.classes.map((c) => c.name);
    let classes = body.classes;
    if (!classes) {
      if (!names.includes('person')) throw badRequest(`Say which class receives the detector's boxes: classes: [{"detector": "person", "label": one of ${names.join(', ')}}].`);
      classes = [{ detector: 'person', label: 'person' }];
    }
    const unknown = classes.filter((c) => !names.includes(c.label));
    if (unknown.length) throw badRequest(`Label ${unknown.map((c) => `"${c.label}"`).join(', ')} is not in the project's classes (${names.join(', ')}).`);
    const busy = (await this.jobs.listByVideo(video.id)).find((j) => j.setId === set.id && (j.status === 'queued' || j.status === 'running') && j.frameFrom <= body.frameTo && j.frameTo >= body.frameFrom);
    if (busy) throw conflict(`Job ${busy.id} is already pre-labeling frames ${busy.frameFrom + 1}..${busy.frameTo + 1} of set ${set.id}; wait for it.`);
    // Read-only and Hawk only; migration 0018's trigger revokes it once the job has run.
    const frames = await this.options.identity.createApiToken(user, { name: `pre-labeling of video ${video.id}, frames ${body.frameFrom + 1}..${body.frameTo + 1}`, services: ['hawk'], readOnly: true, expiresInDays: 1 });
    try {
      return await this.jobs.create({
        videoId: video.id,
        setId: set.id,
        framesDir,
        frameFrom: body.frameFrom,
        frameTo: body.frameTo,
        classes,
        model: body.model,
        scoreThreshold: body.scoreThreshold,
        track: body.track,
        replace: body.replace,
        fps: (video.fps ?? 25) / video.frameStep,
        requestedBy: user.id,
        framesToken: frames.token,
        framesTokenId: frames.info.id,
      });
    } catch (err) {
      await this.options.identity.revokeApiToken(user, frames.info.id).catch(() => undefined);
      throw err;
    }
  }

  async get(id: number): Promise<HawkPrelabelJob> {
    const job = await this.jobs.get(id);
    if (!job) throw notFound(`Pre-labeling job ${id} does not exist.`);
    return job;
  }

  list(videoId: number): Promise<HawkPrelabelJob[]> {
    return this.jobs.listByVideo(videoId);
  }

  /** Writes every finished job into its set (one at a time per process; other processes skip locked jobs). */
  applyFinished(): Promise<void> {
    this.applying = this.applying.then(async () => {
      while (!this.closed && (await this.applyOne().catch((err: Error) => (this.options.log.error(`prelabel: writing a job failed: ${err.message}`), false))));
    });
    return this.applying;
  }

  private async applyOne(): Promise<boolean> {
    const modelId = await this.users.systemUser(MODEL_USERNAME);
    if (modelId === null) throw new Error(`a person's account is named "${MODEL_USERNAME}"; rename it so pre-labels can be attributed to the model`);
    let failedJob: number | undefined;
    try {
      const saved = await this.annotations.transaction(async (client) => {
        const job = await this.jobs.lockDone(client);
        if (!job) return null;
        failedJob = job.id;
        const base = await this.jobs.lockSetVersion(client, job.setId);
        const existing = await this.jobs.frames(client, job.setId, job.frameFrom, job.frameTo);
        const replacing = job.replace
          ? unchangedModelWork(existing, await this.jobs.modelTracks(client, job.setId), modelWrites(await this.jobs.savesBy(client, job.setId, modelId)), job.frameFrom, job.frameTo)
          : undefined;
        const { patch, boxes, tracks, replaced } = prelabelPatch(job.id, checkContract(HawkPrelabelResult, job.result, `the result of job ${job.id}`), existing, job.schema, job.frameCount - 1, 1.5, replacing);
        const version = await this.annotations.applyPatch(job.setId, base, patch, modelId, client);
        if (version === null) throw new Error(`set ${job.setId} changed while locked`);
        await this.jobs.markApplied(client, job.id, version, job.replace ? replaced : null);
        this.options.log.info(`prelabel: job ${job.id} wrote ${boxes} boxes and ${tracks} tracks to set ${job.setId} as version ${version}${job.replace ? `, replacing ${replaced} earlier ones` : ''}`);
        return { setId: job.setId, videoId: job.videoId, version, userId: modelId };
      });
      if (!saved) return false;
      this.options.onSaved(saved);
      return true;
    } catch (err) {
      if (failedJob === undefined) throw err;
      await this.jobs.markFailed(failedJob, `Hawk could not write the boxes: ${(err as Error).message}`);
      this.options.log.error(`prelabel: job ${failedJob} could not be written: ${(err as Error).message}`);
      return true;
    }
  }

  /** LISTENs for finished jobs and writes them; also sweeps now and then (a notice may be missed while disconnected). */
  async start(): Promise<void> {
    this.closed = false;
    this.listener ??= listenToChannel({
      pool: this.options.pool,
      channel: BusChannel.hawkPrelabel,
      onNotice: (payload) => {
        if (!payload) return;
        let notice: HawkPrelabelNotice;
        try {
          notice = checkContract(HawkPrelabelNotice, JSON.parse(payload), `${BusChannel.hawkPrelabel} notice`);
        } catch (err) {
          this.options.log.warn(`prelabel: ignored a notice: ${(err as Error).message}`);
          return;
        }
        if (notice.status === 'done') void this.applyFinished();
        void this.announce(notice.id);
      },
      log: { warn: (m) => this.options.log.warn(`prelabel: ${m}`) },
      retryMs: this.options.sweepMs ?? 10_000,
    });
    // A database that is down must not hold the boot: the listener retries and the sweep covers the gap.
    await this.listener.firstAttempt;
    this.sweepTimer = setInterval(() => void this.applyFinished(), this.options.sweepMs ?? 10_000);
    this.sweepTimer.unref();
    void this.applyFinished();
  }

  /** Reads a job and tells the pages; running jobs are then watched for progress until they end. */
  private async announce(id: number): Promise<void> {
    if (!this.options.onJob || this.closed) return;
    const job = await this.jobs.get(id).catch((err: Error) => void this.options.log.warn(`prelabel: reading job ${id} failed: ${err.message}`));
    if (!job) return;
    if (job.status === 'running' || job.status === 'queued') this.watch(job);
    else this.watched.delete(job.id);
    this.tell({ phase: prelabelPhase(job), job });
  }

  private tell(event: HawkPrelabelEvent): void {
    if (this.order.admit(event)) this.options.onJob?.(event);
  }

  private watch(job: HawkPrelabelJob): void {
    this.watched.set(job.id, job.framesDone);
    if (this.progressTimer) return;
    this.progressTimer = setInterval(() => void this.readProgress(), this.options.progressMs ?? 1000);
    this.progressTimer.unref();
  }

  private async readProgress(): Promise<void> {
    if (this.reading) return;
    this.reading = true;
    try {
      await this.readProgressOnce();
    } finally {
      this.reading = false;
    }
  }

  private async readProgressOnce(): Promise<void> {
    for (const [id, last] of this.watched) {
      const job = await this.jobs.get(id).catch(() => undefined);
      if (this.closed || !job || (job.status !== 'running' && job.status !== 'queued')) {
        this.watched.delete(id);
        continue;
      }
      if (job.framesDone === last) continue;
      this.watched.set(id, job.framesDone);
      this.tell({ phase: 'progress', job });
    }
    if (this.watched.size === 0) {
      clearInterval(this.progressTimer);
      this.progressTimer = undefined;
    }
  }

  async stop(): Promise<void> {
    this.closed = true;
    clearInterval(this.sweepTimer);
    clearInterval(this.progressTimer);
    this.progressTimer = undefined;
    this.watched.clear();
    await this.applying;
    const listener = this.listener;
    this.listener = undefined;
    await listener?.close();
  }
}
