import type { HawkPrelabelClass, HawkPrelabelResult } from '@sightline/contracts';
import type pg from 'pg';

/** A claimed pre-labeling job: what to run on which of Hawk's extracted frames. */
export interface PrelabelJobRow {
  readonly id: number;
  readonly framesDir: string;
  readonly frameFrom: number;
  readonly frameTo: number;
  readonly model: string;
  readonly classes: HawkPrelabelClass[];
  readonly scoreThreshold: number;
  readonly track: boolean;
  readonly fps: number;
}

/**
 * Scouter's side of `hawk_prelabel_jobs` (migration 0006): claim a queued job (or one whose worker
 * stopped beating), report progress, store the boxes or the error. Every write is conditioned on
 * the job still being this worker's, so a job taken over after a stall is never written twice.
 */
export class PrelabelJobRepository {
  constructor(private readonly pool: pg.Pool) {}

  async claim(worker: string, staleAfterMs: number): Promise<PrelabelJobRow | undefined> {
    const { rows } = await this.pool.query<PrelabelJobRow>(
      `UPDATE hawk_prelabel_jobs SET status = 'running', worker = $1, claimed_at = now(), heartbeat_at = now(), frames_done = 0, error = NULL
       WHERE id = (SELECT id FROM hawk_prelabel_jobs
                   WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $2::float8 / 1000))
                   ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, frames_dir AS "framesDir", frame_from AS "frameFrom", frame_to AS "frameTo", model, classes,
         score_threshold AS "scoreThreshold", track, fps`,
      [worker, staleAfterMs],
    );
    return rows[0];
  }

  /** Records progress; false when the job is no longer this worker's (taken over or deleted). */
  async heartbeat(id: number, worker: string, framesDone: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `UPDATE hawk_prelabel_jobs SET frames_done = $3, heartbeat_at = now() WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, framesDone],
    );
    return rowCount === 1;
  }

  async finish(id: number, worker: string, result: HawkPrelabelResult, framesDone: number): Promise<void> {
    await this.pool.query(
      `UPDATE hawk_prelabel_jobs SET status = 'done', result = $3, frames_done = $4, heartbeat_at = now(), finished_at = now()
       WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, JSON.stringify(result), framesDone],
    );
  }

  async fail(id: number, worker: string, error: string): Promise<void> {
    await this.pool.query(
      `UPDATE hawk_prelabel_jobs SET status = 'failed', error = $3, finished_at = now() WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, error.slice(0, 2000)],
    );
  }

  async requeue(id: number, worker: string): Promise<void> {
    await this.pool.query(`UPDATE hawk_prelabel_jobs SET status = 'queued', worker = NULL, frames_done = 0 WHERE id = $1 AND worker = $2 AND status = 'running'`, [id, worker]);
  }
}
