import type pg from 'pg';

// A file camera that played to its end (loop off) is done until its settings change: no worker
// claims it again (CameraRepository.update and .replace clear the mark).
const PLAYED_OUT = `EXISTS (SELECT 1 FROM camera_status s WHERE s.camera_id = c.id AND s.state = 'ended')`;

/**
 * Camera leases between Scouter workers. A worker claims free cameras with FOR UPDATE SKIP LOCKED
 * (two workers claiming at once never take the same camera and never wait on each other), renews
 * what it holds on every heartbeat, and any worker may take a lease whose time has run out.
 */
export class LeaseRepository {
  constructor(private readonly pool: pg.Pool) {}

  async beat(workerId: string, hostname: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO scouter_workers (worker_id, hostname) VALUES ($1, $2)
       ON CONFLICT (worker_id) DO UPDATE SET heartbeat_at = now()`,
      [workerId, hostname],
    );
  }

  /** Live workers (heartbeat within the TTL) and cameras to run (enabled, not played out): the inputs of a fair share. */
  async census(ttlMs: number): Promise<{ liveWorkers: number; enabledCameras: number }> {
    const { rows } = await this.pool.query<{ workers: number; cameras: number }>(
      `SELECT (SELECT count(*) FROM scouter_workers WHERE heartbeat_at > now() - make_interval(secs => $1 / 1000.0))::int AS workers,
              (SELECT count(*) FROM cameras c WHERE c.enabled AND NOT ${PLAYED_OUT})::int AS cameras`,
      [ttlMs],
    );
    return { liveWorkers: rows[0]!.workers, enabledCameras: rows[0]!.cameras };
  }

  /** Extends every lease this worker holds on an enabled camera; returns the camera ids still held. */
  async renew(workerId: string, ttlMs: number): Promise<number[]> {
    await this.pool.query(
      `DELETE FROM camera_leases l USING cameras c WHERE l.camera_id = c.id AND l.worker_id = $1 AND NOT c.enabled`,
      [workerId],
    );
    const { rows } = await this.pool.query<{ camera_id: number }>(
      `UPDATE camera_leases SET expires_at = now() + make_interval(secs => $2 / 1000.0)
       WHERE worker_id = $1 AND expires_at > now() RETURNING camera_id`,
      [workerId, ttlMs],
    );
    return rows.map((r) => r.camera_id).sort((a, b) => a - b);
  }

  /** Claims up to `limit` enabled cameras nobody holds (or whose lease expired). */
  async claim(workerId: string, limit: number, ttlMs: number): Promise<number[]> {
    if (limit <= 0) return [];
    const { rows } = await this.pool.query<{ camera_id: number }>(
      `WITH candidates AS (
         SELECT c.id FROM cameras c
         WHERE c.enabled AND NOT ${PLAYED_OUT} AND NOT EXISTS (SELECT 1 FROM camera_leases l WHERE l.camera_id = c.id AND l.expires_at > now())
         ORDER BY c.id
         LIMIT $2
         FOR UPDATE OF c SKIP LOCKED)
       INSERT INTO camera_leases (camera_id, worker_id, expires_at)
       SELECT id, $1, now() + make_interval(secs => $3 / 1000.0) FROM candidates
       ON CONFLICT (camera_id) DO UPDATE SET worker_id = EXCLUDED.worker_id, acquired_at = now(), expires_at = EXCLUDED.expires_at
         WHERE camera_leases.expires_at <= now()
       RETURNING camera_id`,
      [workerId, limit, ttlMs],
    );
    return rows.map((r) => r.camera_id);
  }

  async release(workerId: string, cameraIds: readonly number[]): Promise<void> {
    await this.pool.query('DELETE FROM camera_leases WHERE worker_id = $1 AND camera_id = ANY($2)', [workerId, cameraIds]);
  }

  /** A worker stopping cleanly hands its cameras back at once instead of waiting for the TTL. */
  async leave(workerId: string): Promise<void> {
    await this.pool.query('DELETE FROM camera_leases WHERE worker_id = $1', [workerId]);
    await this.pool.query('DELETE FROM scouter_workers WHERE worker_id = $1', [workerId]);
  }
}
