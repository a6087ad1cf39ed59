import type { HawkPrelabelResult } from '@sightline/contracts';
import type pg from 'pg';

/** A claimed job: its id, and the work as stored, to be checked against `HawkPrelabelWork` before it runs. */
export interface ClaimedPrelabelJob {
  readonly id: number;
  readonly work: unknown;
}

/**
 * Scouter's side of Hawk's `hawk_prelabel_jobs` (migrations 0006, 0018), limited to what the
 * contract in packages/contracts/src/hawk-prelabel-queue.ts grants a worker: claim a queued job (or
 * one whose worker stopped beating) and read its work, report progress, store the boxes or the
 * error. Every write is conditioned on the job still being this worker's, so a job taken over after
 * a stall is never written twice.
 */
export class PrelabelJobRepository {
  constructor(private readonly pool: pg.Pool) {}

  async claim(worker: string, staleAfterMs: number): Promise<ClaimedPrelabelJob | undefined> {
    const { rows } = await this.pool.query<ClaimedPrelabelJob>(
      `UPDATE hawk_prelabel_jobs SET status = 'running', worker = $1, claimed_at = now(), heartbeat_at = now(), frames_done = 0, error = NULL
       WHERE id = (SELECT id FROM hawk_prelabel_jobs
                   WHERE status = 'queued' OR (status = 'running' AND heartbeat_at < now() - make_interval(secs => $2::float8 / 1000))
                   ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING id, json_build_object('id', id, 'videoId', video_id, 'frameFrom', frame_from, 'frameTo', frame_to, 'model', model, 'classes', classes,
         'scoreThreshold', score_threshold, 'track', track, 'fps', fps, 'framesToken', frames_token) AS work`,
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
