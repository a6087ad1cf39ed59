import type { Calibration, CalibrationPointPair, CalibrationSolution, KanohiCamera } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

interface CalibrationRow {
  id: number;
  camera_id: number;
  version: number;
  floor_id: number;
  frame_width: number | null;
  frame_height: number | null;
  points: CalibrationPointPair[];
  matrix: number[];
  errors_m: number[];
  rms_error_m: number;
  max_error_m: number;
  warnings: string[];
  created_at: Date;
}

const CALIBRATION_COLUMNS = 'id, camera_id, version, floor_id, frame_width, frame_height, points, matrix, errors_m, rms_error_m, max_error_m, warnings, created_at';

function toCalibration(row: CalibrationRow): Calibration {
  return {
    id: row.id,
    cameraId: row.camera_id,
    version: row.version,
    floorId: row.floor_id,
    frameWidth: row.frame_width,
    frameHeight: row.frame_height,
    points: row.points,
    matrix: row.matrix,
    errorsM: row.errors_m,
    rmsErrorM: row.rms_error_m,
    maxErrorM: row.max_error_m,
    warnings: row.warnings,
    createdAt: row.created_at.toISOString(),
  };
}

/**
 * Scouter's cameras (read only) with Kanohi's placements, snapshots and versioned calibrations.
 */
export class CameraRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(cameraId?: number): Promise<KanohiCamera[]> {
    const { rows } = await this.pool.query<{
      id: number; name: string; fps: number; frame_width: number | null; frame_height: number | null; floor_id: number | null;
      calibration: CalibrationRow | null; snapshot_w: number | null; snapshot_h: number | null; snapshot_at: Date | null;
    }>(
      `SELECT c.id, c.name, c.fps, c.frame_width, c.frame_height, p.floor_id, s.width_px AS snapshot_w, s.height_px AS snapshot_h, s.updated_at AS snapshot_at,
         (SELECT to_jsonb(k) FROM (SELECT ${CALIBRATION_COLUMNS} FROM calibrations WHERE camera_id = c.id ORDER BY version DESC LIMIT 1) k) AS calibration
       FROM cameras c LEFT JOIN camera_placements p ON p.camera_id = c.id LEFT JOIN camera_snapshots s ON s.camera_id = c.id
       WHERE $1::integer IS NULL OR c.id = $1 ORDER BY c.id`,
      [cameraId ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      fps: r.fps,
      frameWidth: r.frame_width,
      frameHeight: r.frame_height,
      floorId: r.floor_id,
      // to_jsonb turns timestamps into strings: bring created_at back to a Date for one mapping.
      calibration: r.calibration ? toCalibration({ ...r.calibration, created_at: new Date(r.calibration.created_at) }) : null,
      snapshot: r.snapshot_w ? { widthPx: r.snapshot_w, heightPx: r.snapshot_h!, url: `/cameras/${r.id}/snapshot?v=${r.snapshot_at!.getTime()}` } : null,
    }));
  }

  async exists(cameraId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM cameras WHERE id = $1', [cameraId]);
    return rowCount === 1;
  }

  async place(cameraId: number, floorId: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2)
       ON CONFLICT (camera_id) DO UPDATE SET floor_id = EXCLUDED.floor_id, placed_at = now()`,
      [cameraId, floorId],
    );
  }

  async unplace(cameraId: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM camera_placements WHERE camera_id = $1', [cameraId]);
    return rowCount === 1;
  }

  async setSnapshot(cameraId: number, image: { bytes: Buffer; type: string; widthPx: number; heightPx: number }): Promise<void> {
    await this.pool.query(
      `INSERT INTO camera_snapshots (camera_id, image, image_type, width_px, height_px) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (camera_id) DO UPDATE SET image = EXCLUDED.image, image_type = EXCLUDED.image_type, width_px = EXCLUDED.width_px,
         height_px = EXCLUDED.height_px, updated_at = clock_timestamp()`,
      [cameraId, image.bytes, image.type, image.widthPx, image.heightPx],
    );
  }

  async snapshot(cameraId: number): Promise<{ bytes: Buffer; type: string } | undefined> {
    const { rows } = await this.pool.query<{ image: Buffer; image_type: string }>('SELECT image, image_type FROM camera_snapshots WHERE camera_id = $1', [cameraId]);
    return rows[0] && { bytes: rows[0].image, type: rows[0].image_type };
  }

  /**
   * Saves the next version and places the camera on the calibration's floor, in one transaction;
   * `alsoInTransaction` adds writes that must commit with it (the backfill job) or not at all.
   */
  async saveCalibration(
    input: { cameraId: number; floorId: number; frameWidth: number | null; frameHeight: number | null; points: readonly CalibrationPointPair[]; solution: CalibrationSolution },
    alsoInTransaction: (client: pg.ClientBase, saved: Calibration) => Promise<void> = async () => undefined,
  ): Promise<Calibration> {
    return withTransaction(this.pool, async (client) => {
      // Serialises concurrent saves for one camera so versions never collide.
      await client.query('SELECT pg_advisory_xact_lock(7215004, $1)', [input.cameraId]);
      const { rows } = await client.query<CalibrationRow>(
        `INSERT INTO calibrations (camera_id, version, floor_id, frame_width, frame_height, points, matrix, errors_m, rms_error_m, max_error_m, warnings)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8, $9, $10 FROM calibrations WHERE camera_id = $1
         RETURNING ${CALIBRATION_COLUMNS}`,
        [input.cameraId, input.floorId, input.frameWidth, input.frameHeight, JSON.stringify(input.points), input.solution.matrix, input.solution.errorsM, input.solution.rmsErrorM, input.solution.maxErrorM, JSON.stringify(input.solution.warnings)],
      );
      await client.query(
        `INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2) ON CONFLICT (camera_id) DO UPDATE SET floor_id = EXCLUDED.floor_id, placed_at = now()`,
        [input.cameraId, input.floorId],
      );
      const saved = toCalibration(rows[0]!);
      await alsoInTransaction(client, saved);
      return saved;
    });
  }

  async calibrations(cameraId: number): Promise<Calibration[]> {
    const { rows } = await this.pool.query<CalibrationRow>(`SELECT ${CALIBRATION_COLUMNS} FROM calibrations WHERE camera_id = $1 ORDER BY version DESC`, [cameraId]);
    return rows.map(toCalibration);
  }
}
