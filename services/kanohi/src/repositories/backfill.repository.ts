import type { BackfillJob } from '@sightline/contracts';
import type pg from 'pg';

interface JobRow {
  id: number;
  camera_id: number;
  calibration_id: number;
  status: BackfillJob['status'];
  from_time: Date;
  to_time: Date;
  cursor_time: Date | null;
  total: number;
  done: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
}
export type BackfillJobRow = JobRow;

export const toBackfillJob = (r: JobRow): BackfillJob => ({
  id: r.id,
  cameraId: r.camera_id,
  calibrationId: r.calibration_id,
  status: r.status,
  total: r.total,
  done: r.done,
  error: r.error,
  createdAt: r.created_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
});

/** Backfill jobs and the observation windows they walk through. */
export class BackfillRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Queues a job for a calibration over the camera's observations before `until`; older unfinished jobs of the camera are superseded. */
  async create(cameraId: number, calibrationId: number, until: Date, client: pg.ClientBase | pg.Pool = this.pool): Promise<JobRow> {
    await client.query(`UPDATE kanohi_backfill_jobs SET status = 'superseded', finished_at = now() WHERE camera_id = $1 AND status IN ('queued', 'running')`, [cameraId]);
    const { rows } = await client.query<JobRow>(
      `INSERT INTO kanohi_backfill_jobs (camera_id, calibration_id, from_time, to_time, total)
       SELECT $1, $2, COALESCE(min(observed_at), $3), $3, count(*) FROM observations WHERE camera_id = $1 AND observed_at < $3
       RETURNING *`,
      [cameraId, calibrationId, until],
    );
    return rows[0]!;
  }

  async get(jobId: number): Promise<JobRow | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM kanohi_backfill_jobs WHERE id = $1', [jobId]);
    return rows[0];
  }

  async latest(cameraId: number): Promise<JobRow | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM kanohi_backfill_jobs WHERE camera_id = $1 ORDER BY id DESC LIMIT 1', [cameraId]);
    return rows[0];
  }

  /** Jobs left queued or running by a stopped process. */
  async unfinished(): Promise<JobRow[]> {
    const { rows } = await this.pool.query<JobRow>(`SELECT * FROM kanohi_backfill_jobs WHERE status IN ('queued', 'running') ORDER BY id`);
    return rows;
  }

  /**
   * The next window [cursor, end) holding at most `batch` observations of the camera before the
   * job's end, and how many it holds.
   */
  async nextWindow(job: JobRow, cursor: Date, batch: number): Promise<{ end: Date; count: number }> {
    const { rows } = await this.pool.query<{ end: Date | null }>(
      'SELECT observed_at AS end FROM observations WHERE camera_id = $1 AND observed_at >= $2 AND observed_at < $3 ORDER BY observed_at OFFSET $4 LIMIT 1',
      [job.camera_id, cursor, job.to_time, batch],
    );
    let end = rows[0]?.end ?? job.to_time;
    // Many observations share one timestamp (one frame): never let a window be empty.
    if (end.getTime() <= cursor.getTime()) end = new Date(cursor.getTime() + 1);
    const { rows: n } = await this.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM observations WHERE camera_id = $1 AND observed_at >= $2 AND observed_at < $3', [job.camera_id, cursor, end]);
    return { end, count: n[0]!.n };
  }

  async progress(jobId: number, fields: { status?: BackfillJob['status']; cursor?: Date; doneAdd?: number; error?: string; finished?: boolean }): Promise<void> {
    await this.pool.query(
      `UPDATE kanohi_backfill_jobs SET status = COALESCE($2, status), cursor_time = COALESCE($3, cursor_time), done = done + $4, error = COALESCE($5, error),
         finished_at = CASE WHEN $6 THEN now() ELSE finished_at END
       WHERE id = $1 AND status <> 'superseded'`,
      [jobId, fields.status ?? null, fields.cursor ?? null, fields.doneAdd ?? 0, fields.error ?? null, fields.finished ?? false],
    );
  }
}
