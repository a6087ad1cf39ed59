import type pg from 'pg';

/** One camera's latest JPEG preview as stored for the other Scouter processes. */
export interface StoredPreview {
  readonly cameraId: number;
  readonly seq: number;
  readonly frameIndex: number;
  readonly width: number;
  readonly height: number;
  readonly jpeg: Buffer;
}

/** The latest preview per camera (scouter_previews, migration 0010). */
export class PreviewRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Replaces the camera's preview; returns its new sequence number, or undefined when the camera no longer exists. */
  async save(preview: Omit<StoredPreview, 'seq'>): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ seq: string }>(
      `INSERT INTO scouter_previews (camera_id, frame_index, width, height, jpeg, captured_at)
       SELECT $1, $2, $3, $4, $5, now() WHERE EXISTS (SELECT 1 FROM cameras WHERE id = $1)
       ON CONFLICT (camera_id) DO UPDATE SET seq = EXCLUDED.seq, frame_index = EXCLUDED.frame_index, width = EXCLUDED.width,
         height = EXCLUDED.height, jpeg = EXCLUDED.jpeg, captured_at = EXCLUDED.captured_at
       RETURNING seq`,
      [preview.cameraId, preview.frameIndex, preview.width, preview.height, preview.jpeg],
    );
    return rows[0] ? Number(rows[0].seq) : undefined;
  }

  /** The camera's preview when its sequence number is above `afterSeq` (so a stale one costs no bytes). */
  async newerThan(cameraId: number, afterSeq: number): Promise<StoredPreview | undefined> {
    const { rows } = await this.pool.query<{ seq: string; frame_index: string; width: number; height: number; jpeg: Buffer }>(
      'SELECT seq, frame_index, width, height, jpeg FROM scouter_previews WHERE camera_id = $1 AND seq > $2',
      [cameraId, afterSeq],
    );
    const row = rows[0];
    return row && { cameraId, seq: Number(row.seq), frameIndex: Number(row.frame_index), width: row.width, height: row.height, jpeg: row.jpeg };
  }

  /** The camera's latest preview with when it was captured, or undefined when none is stored. */
  async latest(cameraId: number): Promise<(StoredPreview & { capturedAt: Date }) | undefined> {
    const { rows } = await this.pool.query<{ seq: string; frame_index: string; width: number; height: number; jpeg: Buffer; captured_at: Date }>(
      'SELECT seq, frame_index, width, height, jpeg, captured_at FROM scouter_previews WHERE camera_id = $1',
      [cameraId],
    );
    const row = rows[0];
    return row && { cameraId, seq: Number(row.seq), frameIndex: Number(row.frame_index), width: row.width, height: row.height, jpeg: row.jpeg, capturedAt: row.captured_at };
  }
}
