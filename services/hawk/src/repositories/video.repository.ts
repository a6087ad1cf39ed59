import type { HawkVideo, HawkVideoStatus } from '@sightline/contracts';
import type pg from 'pg';

const SELECT = `SELECT id, project_id AS "projectId", file_name AS "fileName", status, size_bytes AS "sizeBytes",
  received_bytes AS "receivedBytes", frame_step AS "frameStep", width, height, fps, duration_s AS "durationS",
  frame_count AS "frameCount", error, to_json(created_at)#>>'{}' AS "createdAt" FROM hawk_videos`;

export type VideoRow = Omit<HawkVideo, 'approvedShare'>;

/** hawk_videos. */
export class VideoRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(projectId: number, fileName: string, sizeBytes: number, frameStep: number, userId: number): Promise<VideoRow> {
    // The video's main set comes with it (one statement), so reading a video's sets never writes.
    const { rows } = await this.pool.query<{ id: number }>(
      `WITH v AS (
         INSERT INTO hawk_videos (project_id, file_name, status, size_bytes, frame_step, created_by)
         VALUES ($1, $2, 'uploading', $3, $4, $5) RETURNING id
       ), main AS (INSERT INTO hawk_annotation_sets (video_id, kind) SELECT id, 'main' FROM v)
       SELECT id FROM v`,
      [projectId, fileName, sizeBytes, frameStep, userId],
    );
    return (await this.get(rows[0]!.id))!;
  }

  async get(id: number): Promise<VideoRow | undefined> {
    return (await this.pool.query<VideoRow>(`${SELECT} WHERE id = $1`, [id])).rows[0];
  }

  async listByProject(projectId: number): Promise<VideoRow[]> {
    return (await this.pool.query<VideoRow>(`${SELECT} WHERE project_id = $1 ORDER BY id`, [projectId])).rows;
  }

  async setReceived(id: number, receivedBytes: number): Promise<void> {
    await this.pool.query('UPDATE hawk_videos SET received_bytes = $2 WHERE id = $1', [id, receivedBytes]);
  }

  async setProbed(id: number, probe: { width: number; height: number; fps: number; durationS: number; frameCount: number }): Promise<void> {
    await this.pool.query(
      `UPDATE hawk_videos SET status = 'extracting', width = $2, height = $3, fps = $4, duration_s = $5, source_frames = $6 WHERE id = $1`,
      [id, probe.width, probe.height, probe.fps, probe.durationS, probe.frameCount],
    );
  }

  async setStatus(id: number, status: HawkVideoStatus, fields: { frameCount?: number; error?: string | null } = {}): Promise<void> {
    await this.pool.query(
      'UPDATE hawk_videos SET status = $2, frame_count = COALESCE($3, frame_count), error = $4 WHERE id = $1',
      [id, status, fields.frameCount ?? null, fields.error ?? null],
    );
  }

  /** Videos still `uploading` announced more than `ageSeconds` ago, with the bytes received so far. */
  async oldUploads(ageSeconds: number): Promise<{ id: number; receivedBytes: number }[]> {
    const { rows } = await this.pool.query<{ id: number; receivedBytes: number }>(
      `SELECT id, received_bytes AS "receivedBytes" FROM hawk_videos
       WHERE status = 'uploading' AND created_at < now() - make_interval(secs => $1) ORDER BY id LIMIT 1000`,
      [ageSeconds],
    );
    return rows;
  }

  /** Deletes the row only while it is still uploading with these bytes (no chunk arrived since it was read). */
  async deleteUpload(id: number, receivedBytes: number): Promise<boolean> {
    const { rowCount } = await this.pool.query(`DELETE FROM hawk_videos WHERE id = $1 AND status = 'uploading' AND received_bytes = $2`, [id, receivedBytes]);
    return (rowCount ?? 0) > 0;
  }

  async delete(id: number): Promise<void> {
    await this.pool.query('DELETE FROM hawk_videos WHERE id = $1', [id]);
  }
}
