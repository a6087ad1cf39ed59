import type { BackfillJob, Calibration } from '@sightline/contracts';
import { toBackfillJob, type BackfillJobRow, type BackfillRepository } from '../repositories/backfill.repository.ts';
import type { FloorPointRepository } from '../repositories/floor-point.repository.ts';
import type { StationaryRepository } from '../repositories/stationary.repository.ts';
import { FloorIdentityService } from './floor-identity.service.ts';
import { StationaryDetector, type StationaryOptions } from './stationary-detector.ts';
import { missing } from '../lib/missing.ts';

/**
 * Projects observations that arrived before a camera was calibrated, or under an older calibration
 * version, when a calibration is saved: one job per calibration, walking the camera's observations
 * oldest first in windows of at most `batch` rows, each window run in the ingest's queue (so live
 * notices and the backfill never interleave), with progress stored after every window.
 */
export class BackfillService {
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly jobs: BackfillRepository,
    private readonly points: FloorPointRepository,
    private readonly exclusive: <T>(work: () => Promise<T>) => Promise<T>,
    private readonly options: { batch: number; mergeDistanceM: number; mergeGapMs: number; handoverMs: number },
    private readonly log: { error(message: string): void },
    private readonly stationary?: { options: StationaryOptions; spans: StationaryRepository },
  ) {}

  /**
   * Queues the job inside the calibration's own transaction (so a calibration never exists without
   * its backfill); returns the function that starts it once that transaction has committed.
   */
  async queueWith(calibration: Calibration, transaction: Parameters<BackfillRepository['create']>[3]): Promise<() => void> {
    const job = await this.jobs.create(calibration.cameraId, calibration.id, new Date(calibration.createdAt), transaction);
    return () => this.launch(job);
  }

  /** Picks up jobs a previous process left unfinished. */
  async resume(): Promise<void> {
    if (this.stopped) return;
    const jobs = await this.jobs.unfinished();
    // stop() may have come while the query ran: a stopped service starts nothing.
    if (this.stopped) return;
    for (const job of jobs) this.launch(job);
  }

  /** The camera's latest backfill job; a 404 when it never had one. */
  async latest(cameraId: number): Promise<BackfillJob> {
    const job = await this.jobs.latest(cameraId);
    if (!job) throw missing(`A backfill job of camera ${cameraId}`);
    return toBackfillJob(job);
  }

  /** Stops after the current window; resolves when every job loop has returned. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  /** Resolves when no job runs (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }

  private launch(job: BackfillJobRow): void {
    const run = this.run(job)
      .catch(async (err: Error) => {
        this.log.error(`backfill job ${job.id} of camera ${job.camera_id} failed: ${err.message}`);
        await this.jobs.progress(job.id, { status: 'failed', error: err.message, finished: true }).catch(() => undefined);
      })
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private async run(start: BackfillJobRow): Promise<void> {
    // Its own identity state: old samples must not disturb the live map's merger.
    const identity = new FloorIdentityService({ ...this.options, forgetAfterMs: 60_000 });
    // ...and its own stationary detector: a still false positive recorded before the calibration is flagged too.
    const detector = this.stationary && new StationaryDetector(this.stationary.options);
    let cursor = start.cursor_time ?? start.from_time;
    await this.jobs.progress(start.id, { status: 'running' });
    while (!this.stopped) {
      const job = await this.jobs.get(start.id);
      if (!job || job.status !== 'running') return;
      if (cursor.getTime() >= job.to_time.getTime()) break;
      const window = await this.jobs.nextWindow(job, cursor, this.options.batch);
      await this.exclusive(async () => {
        await this.points.unproject(job.camera_id, cursor, window.end, job.calibration_id);
        const projected = await this.points.project(job.camera_id, cursor, window.end, job.calibration_id);
        if (projected.length === 0) return;
        const floorId = projected[0]!.floorId;
        const context = await this.points.neighbours(floorId, job.camera_id, new Date(cursor.getTime() - this.options.mergeGapMs), window.end);
        const stored = await this.points.store(projected, identity.assign(projected, context));
        if (detector) {
          const counted = stored.filter((r) => r.counted).map((r) => ({ floorId: r.floorId, cameraId: r.cameraId, trackId: r.trackId, timeMs: r.observedAt.getTime(), xyM: [r.xM, r.yM] as const }));
          await this.stationary!.spans.upsert(detector.add(counted));
        }
      });
      cursor = window.end;
      await this.jobs.progress(job.id, { cursor, doneAdd: window.count });
    }
    if (!this.stopped) await this.jobs.progress(start.id, { status: 'done', finished: true });
  }
}
