import { HEAT_BASE_CELL_M } from '@sightline/contracts';
import type pg from 'pg';

/** One observation projected onto its floor, as the ingest wrote it. */
export interface FloorPointRow {
  floor_id: number;
  observed_at: Date;
  camera_id: number;
  track_id: number;
  class_name: string;
  x_m: number;
  y_m: number;
  attributes: Record<string, unknown>;
}

export interface HeatFilters {
  className?: string | undefined;
  gender?: string | undefined;
  ageBand?: string | undefined;
}

// Attribute values as Scouter writes them ({"gender": {"value": "female", ...}}) or bare values.
const ATTRIBUTE_VALUE = (key: string) =>
  `COALESCE(attrs->'${key}'->>'value', CASE WHEN jsonb_typeof(attrs->'${key}') IN ('string', 'number') THEN attrs->>'${key}' END)`;
const AGE_BAND = `CASE WHEN ${ATTRIBUTE_VALUE('age')} ~ '^[0-9]+(\\.[0-9]+)?$' THEN
    CASE WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 18 THEN '0-17' WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 30 THEN '18-29'
         WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 45 THEN '30-44' WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 65 THEN '45-64' ELSE '65+' END
  ELSE '' END`;

/**
 * Projects a camera's new observations through its current calibration onto its floor (box bottom
 * centre, w > 0 only), stores them and adds them to the heatmap roll-up, all in one statement.
 * Rows already projected are skipped, so a repeated notice changes nothing.
 */
const INGEST_SQL = `
WITH cal AS (
  SELECT k.id, k.floor_id, k.matrix AS h, c.fps
  FROM calibrations k
  JOIN cameras c ON c.id = k.camera_id
  JOIN camera_placements p ON p.camera_id = k.camera_id AND p.floor_id = k.floor_id
  WHERE k.camera_id = $1 ORDER BY k.version DESC LIMIT 1
), src AS (
  SELECT o.observed_at, o.track_id, o.class_name, o.attributes || COALESCE(t.attributes, '{}'::jsonb) AS attrs,
         ((o.x1 + o.x2) / 2)::float8 AS u, o.y2::float8 AS v, cal.id AS calibration_id, cal.floor_id, cal.h, cal.fps
  FROM observations o CROSS JOIN cal LEFT JOIN tracks t ON t.id = o.track_id
  WHERE o.camera_id = $1 AND o.observed_at >= $2 AND o.observed_at <= $3
), proj AS (
  SELECT *, h[7] * u + h[8] * v + h[9] AS w FROM src
), ins AS (
  INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds, gender, age_band, attributes)
  SELECT floor_id, observed_at, $1, track_id, calibration_id, class_name,
         (h[1] * u + h[2] * v + h[3]) / w, (h[4] * u + h[5] * v + h[6]) / w, 1.0 / fps,
         lower(COALESCE(${ATTRIBUTE_VALUE('gender')}, '')), ${AGE_BAND}, attrs
  FROM proj WHERE w > 1e-12
  ON CONFLICT (camera_id, track_id, observed_at) DO NOTHING
  RETURNING floor_id, observed_at, camera_id, track_id, class_name, x_m, y_m, seconds, gender, age_band, attributes
), heat AS (
  INSERT INTO floor_heat_cells (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
  SELECT floor_id, date_trunc('minute', observed_at), floor(x_m / ${HEAT_BASE_CELL_M})::integer, floor(y_m / ${HEAT_BASE_CELL_M})::integer,
         class_name, gender, age_band, count(*), sum(seconds)
  FROM ins GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
  DO UPDATE SET samples = floor_heat_cells.samples + EXCLUDED.samples, seconds = floor_heat_cells.seconds + EXCLUDED.seconds
)
SELECT floor_id, observed_at, camera_id, track_id, class_name, x_m, y_m, attributes FROM ins ORDER BY observed_at, track_id`;

/** Floor points and the heatmap roll-up. */
export class FloorPointRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Projects and stores one camera's observations in [from, to]; returns the new floor points. */
  async ingest(cameraId: number, from: Date, to: Date): Promise<FloorPointRow[]> {
    const { rows } = await this.pool.query<FloorPointRow>(INGEST_SQL, [cameraId, from, to]);
    return rows;
  }

  /**
   * Sums the roll-up into cells of `factor` base cells over [from, to) (whole minutes), clipped to
   * the floor's `columns` x `rows`. Returns [column, row, value] for non-empty cells.
   */
  async heatmap(floorId: number, range: { from: Date; to: Date }, grid: { factor: number; columns: number; rows: number }, metric: 'occupancy' | 'dwell', filters: HeatFilters): Promise<[number, number, number][]> {
    const value = metric === 'dwell' ? 'sum(seconds)' : 'sum(samples)';
    const { rows } = await this.pool.query<{ c: number; r: number; v: number }>(
      `SELECT cell_x / $4 AS c, cell_y / $4 AS r, ${value}::float8 AS v
       FROM floor_heat_cells
       WHERE floor_id = $1 AND bucket >= date_trunc('minute', $2::timestamptz) AND bucket < $3
         AND cell_x >= 0 AND cell_y >= 0 AND cell_x < $5 * $4 AND cell_y < $6 * $4
         AND ($7::text IS NULL OR class_name = $7) AND ($8::text IS NULL OR gender = $8) AND ($9::text IS NULL OR age_band = $9)
       GROUP BY 1, 2`,
      [floorId, range.from, range.to, grid.factor, grid.columns, grid.rows, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null],
    );
    return rows.map((r) => [r.c, r.r, r.v]);
  }
}
