import type { CameraState, CameraStats } from '@sightline/contracts';
import type pg from 'pg';

/** The last reported state and statistics of each camera's pipeline. */
export class CameraStatusRepository {
  constructor(private readonly pool: pg.Pool) {}

  async save(cameraId: number, workerId: string, state: CameraState, message: string | null, stats: CameraStats): Promise<void> {
    await this.pool.query(
      `INSERT INTO camera_status (camera_id, state, message, worker_id, frames_decoded, frames_processed, frames_dropped, frames_predicted, reconnects, fps, latency_ms_p50, latency_ms_p95, updated_at)
       SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now() WHERE EXISTS (SELECT 1 FROM cameras WHERE id = $1)
       ON CONFLICT (camera_id) DO UPDATE SET state = EXCLUDED.state, message = EXCLUDED.message, worker_id = EXCLUDED.worker_id,
         frames_decoded = EXCLUDED.frames_decoded, frames_processed = EXCLUDED.frames_processed, frames_dropped = EXCLUDED.frames_dropped,
         frames_predicted = EXCLUDED.frames_predicted,
         reconnects = EXCLUDED.reconnects, fps = EXCLUDED.fps, latency_ms_p50 = EXCLUDED.latency_ms_p50,
         latency_ms_p95 = EXCLUDED.latency_ms_p95, updated_at = now()`,
      [cameraId, state, message, workerId, stats.framesDecoded, stats.framesProcessed, stats.framesDropped, stats.framesPredicted, stats.reconnects, stats.fps, stats.latencyMsP50, stats.latencyMsP95],
    );
  }
}
