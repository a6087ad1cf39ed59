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
  counted: boolean;
}

/** A projected observation not stored yet; observed_key is the exact timestamp as PostgreSQL wrote it. */
export interface ProjectedPoint extends Omit<FloorPointRow, 'counted'> {
  observed_key: string;
  calibration_id: number;
  seconds: number;
  gender: string;
  age_band: string;
}

/** What the identity step decided for a batch of projected points. */
export interface IdentityDecision {
  /** Per point: does it speak for its person (heatmaps, zones, lines)? */
  counted: boolean[];
  /** Per track of the batch: its person id on the floor. */
  identities: { trackId: number; floorId: number; cameraId: number; personId: number }[];
  /** Person ids merged away since the last batch: rewrite stored identities. */
  merges: { floorId: number; dropId: number; keepId: number }[];
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
 * Projects a camera's observations in [$2, $3) through a calibration ($4, or the camera's current
 * one when null) onto its floor: box bottom centre, w > 0 only. Observations that already have a
 * floor point are skipped, so a repeated notice changes nothing. Nothing is written here: the
 * caller decides each sample's identity first, then stores.
 */
const PROJECT_SQL = `
WITH cal AS (
  SELECT k.id, k.floor_id, k.matrix AS h, c.fps
  FROM calibrations k
  JOIN cameras c ON c.id = k.camera_id
  JOIN camera_placements p ON p.camera_id = k.camera_id AND p.floor_id = k.floor_id
  WHERE k.camera_id = $1 AND ($4::integer IS NULL OR k.id = $4) ORDER BY k.version DESC LIMIT 1
), src AS (
  SELECT o.observed_at, o.track_id, o.class_name, o.attributes || COALESCE(t.attributes, '{}'::jsonb) AS attrs,
         ((o.x1 + o.x2) / 2)::float8 AS u, o.y2::float8 AS v, cal.id AS calibration_id, cal.floor_id, cal.h, cal.fps
  FROM observations o CROSS JOIN cal LEFT JOIN tracks t ON t.id = o.track_id
  WHERE o.camera_id = $1 AND o.observed_at >= $2 AND o.observed_at < $3
    AND NOT EXISTS (SELECT 1 FROM floor_points fp WHERE fp.camera_id = $1 AND fp.track_id = o.track_id AND fp.observed_at = o.observed_at)
), proj AS (
  SELECT *, h[7] * u + h[8] * v + h[9] AS w FROM src
)
SELECT floor_id, observed_at, observed_at::text AS observed_key, $1::integer AS camera_id, track_id::float8 AS track_id, calibration_id, class_name,
       ((h[1] * u + h[2] * v + h[3]) / w)::real::float8 AS x_m, ((h[4] * u + h[5] * v + h[6]) / w)::real::float8 AS y_m, (1.0 / fps)::float8 AS seconds,
       lower(COALESCE(${ATTRIBUTE_VALUE('gender')}, '')) AS gender, ${AGE_BAND} AS age_band, attrs AS attributes
FROM proj WHERE w > 1e-12 ORDER BY observed_at, track_id`;

/** Adds (sign 1) or removes (sign -1) counted samples to both heatmap roll-up levels. */
const rollUp = (source: string, sign: 1 | -1) =>
  (['minute', 'hour'] as const)
    .map(
      (level) => `${level}_roll AS (
  INSERT INTO ${level === 'minute' ? 'floor_heat_cells' : 'floor_heat_hours'} (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
  SELECT floor_id, date_trunc('${level}', observed_at, 'UTC'), floor(x_m / ${HEAT_BASE_CELL_M})::integer, floor(y_m / ${HEAT_BASE_CELL_M})::integer,
         class_name, gender, age_band, ${sign} * count(*), ${sign} * sum(seconds)
  FROM ${source} WHERE counted GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
  DO UPDATE SET samples = EXCLUDED.samples + ${level === 'minute' ? 'floor_heat_cells' : 'floor_heat_hours'}.samples,
                seconds = EXCLUDED.seconds + ${level === 'minute' ? 'floor_heat_cells' : 'floor_heat_hours'}.seconds
)`,
    )
    .join(',\n');

/** Stores decided samples (skipping any stored meanwhile) and rolls the counted ones up. */
const STORE_SQL = `
WITH ins AS (
  INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds, gender, age_band, attributes, counted)
  SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::integer[], $4::bigint[], $5::integer[], $6::text[], $7::real[], $8::real[], $9::real[], $10::text[], $11::text[], $12::jsonb[], $13::boolean[])
  ON CONFLICT (camera_id, track_id, observed_at) DO NOTHING
  RETURNING floor_id, observed_at, camera_id, track_id, class_name, x_m, y_m, seconds, gender, age_band, attributes, counted
), ${rollUp('ins', 1)}
SELECT floor_id, observed_at, camera_id, track_id::float8 AS track_id, class_name, x_m, y_m, attributes, counted FROM ins ORDER BY observed_at, track_id`;

/** Removes a camera's points in [$2, $3) stored under another calibration than $4, and their roll-up share. */
const UNPROJECT_SQL = `
WITH gone AS (
  DELETE FROM floor_points WHERE camera_id = $1 AND observed_at >= $2 AND observed_at < $3 AND calibration_id <> $4
  RETURNING floor_id, observed_at, x_m, y_m, seconds, class_name, gender, age_band, counted
), ${rollUp('gone', -1)}
SELECT count(*)::integer AS n FROM gone`;

/** Floor points and the heatmap roll-up. */
export class FloorPointRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Projects one camera's observations in [from, to) that have no floor point yet (current calibration unless given). */
  async project(cameraId: number, from: Date, to: Date, calibrationId?: number): Promise<ProjectedPoint[]> {
    const { rows } = await this.pool.query<ProjectedPoint>(PROJECT_SQL, [cameraId, from, to, calibrationId ?? null]);
    return rows;
  }

  /**
   * Stores projected points with their identity decision in one transaction: floor points, both
   * roll-up levels (counted points only), each track's person id and rewritten merged ids.
   * Returns the points actually stored (a concurrent or repeated ingest may have stored some).
   */
  async store(points: readonly ProjectedPoint[], decision: IdentityDecision): Promise<FloorPointRow[]> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const col = <K extends keyof ProjectedPoint>(k: K) => points.map((p) => p[k]);
      const { rows } = await client.query<FloorPointRow>(STORE_SQL, [
        col('floor_id'), col('observed_key'), col('camera_id'), col('track_id'), col('calibration_id'), col('class_name'), col('x_m'), col('y_m'),
        col('seconds'), col('gender'), col('age_band'), points.map((p) => JSON.stringify(p.attributes)), decision.counted,
      ]);
      for (const m of decision.merges) {
        await client.query('UPDATE floor_identities SET person_id = $3, updated_at = now() WHERE floor_id = $1 AND person_id = $2', [m.floorId, m.dropId, m.keepId]);
      }
      if (decision.identities.length > 0) {
        // A merged identity is the group's smallest track id: never let a restart's fresh id undo it.
        await client.query(
          `INSERT INTO floor_identities (track_id, floor_id, camera_id, person_id)
           SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::bigint[])
           ON CONFLICT (track_id) DO UPDATE SET person_id = LEAST(floor_identities.person_id, EXCLUDED.person_id), floor_id = EXCLUDED.floor_id, updated_at = now()`,
          [decision.identities.map((i) => i.trackId), decision.identities.map((i) => i.floorId), decision.identities.map((i) => i.cameraId), decision.identities.map((i) => i.personId)],
        );
      }
      await client.query('COMMIT');
      return rows;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Takes a camera's points in [from, to) stored under another calibration out of the floor and the roll-ups. */
  async unproject(cameraId: number, from: Date, to: Date, calibrationId: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(UNPROJECT_SQL, [cameraId, from, to, calibrationId]);
    await this.pool.query('DELETE FROM floor_heat_cells WHERE samples <= 0 AND bucket >= date_trunc(\'minute\', $1::timestamptz) AND bucket < $2', [from, to]);
    await this.pool.query('DELETE FROM floor_heat_hours WHERE samples <= 0 AND bucket >= date_trunc(\'hour\', $1::timestamptz) AND bucket < $2', [from, to]);
    return rows[0]!.n;
  }

  /** Stored points of a floor's other cameras in [from, to), oldest first: context for identities in a backfill. */
  async neighbours(floorId: number, exceptCameraId: number, from: Date, to: Date): Promise<FloorPointRow[]> {
    const { rows } = await this.pool.query<FloorPointRow>(
      `SELECT floor_id, observed_at, camera_id, track_id::float8 AS track_id, class_name, x_m, y_m, attributes, counted FROM floor_points
       WHERE floor_id = $1 AND camera_id <> $2 AND observed_at >= $3 AND observed_at < $4 ORDER BY observed_at, track_id`,
      [floorId, exceptCameraId, from, to],
    );
    return rows;
  }

  /**
   * Sums the roll-up into cells of `factor` base cells over [from, to) (whole minutes), clipped to
   * the floor's `columns` x `rows`: whole hours from the hourly level, the partial hours at either
   * end from the minute level. Returns [column, row, value] for non-empty cells.
   */
  async heatmap(floorId: number, range: { from: Date; to: Date }, grid: { factor: number; columns: number; rows: number }, metric: 'occupancy' | 'dwell', filters: HeatFilters): Promise<[number, number, number][]> {
    const hours = wholeHours(range.from, range.to);
    const value = metric === 'dwell' ? 'seconds' : 'samples';
    const where = `floor_id = $1 AND cell_x >= 0 AND cell_y >= 0 AND cell_x < $5 * $4 AND cell_y < $6 * $4
         AND ($7::text IS NULL OR class_name = $7) AND ($8::text IS NULL OR gender = $8) AND ($9::text IS NULL OR age_band = $9)`;
    const { rows } = await this.pool.query<{ c: number; r: number; v: number }>(
      `SELECT c, r, sum(v)::float8 AS v FROM (
         SELECT cell_x / $4 AS c, cell_y / $4 AS r, ${value} AS v FROM floor_heat_hours
         WHERE ${where} AND bucket >= $10 AND bucket < $11
         UNION ALL
         SELECT cell_x / $4, cell_y / $4, ${value} FROM floor_heat_cells
         WHERE ${where} AND bucket >= date_trunc('minute', $2::timestamptz) AND bucket < $3 AND (bucket < $10 OR bucket >= $11)
       ) u GROUP BY 1, 2`,
      [floorId, range.from, range.to, grid.factor, grid.columns, grid.rows, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null, hours.from, hours.to],
    );
    return rows.map((r) => [r.c, r.r, r.v]);
  }
}

const HOUR_MS = 3_600_000;

/**
 * The whole UTC hours whose every minute bucket lies in the minute-level range
 * [floor_minute(from), to): [from, to) of hour buckets, empty (from = to) when there is none.
 */
export function wholeHours(from: Date, to: Date): { from: Date; to: Date } {
  const minuteFrom = Math.floor(from.getTime() / 60_000) * 60_000;
  const first = Math.ceil(minuteFrom / HOUR_MS) * HOUR_MS;
  // Hour H is whole when its last minute bucket H + 59 min is before `to`.
  const end = Math.floor((to.getTime() - 59 * 60_000 - 1) / HOUR_MS) * HOUR_MS + HOUR_MS;
  return end > first ? { from: new Date(first), to: new Date(end) } : { from: new Date(first), to: new Date(first) };
}
