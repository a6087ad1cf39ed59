import { HEAT_BASE_CELL_M } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';
import { parseAttributeFilter, smoothedCte, smoothedMatch } from './track-attributes.ts';

/** One observation projected onto its floor, as the ingest wrote it. */
export interface FloorPoint {
  floorId: number;
  observedAt: Date;
  cameraId: number;
  trackId: number;
  className: string;
  xM: number;
  yM: number;
  attributes: Record<string, unknown>;
  counted: boolean;
}

/** A projected observation not stored yet; observedKey is the exact timestamp as PostgreSQL wrote it. */
export interface ProjectedPoint extends Omit<FloorPoint, 'counted'> {
  observedKey: string;
  calibrationId: number;
  /** Scouter's tracker id of the track (the #n of its live view), -1 when unknown. */
  trackerId: number;
  seconds: number;
  gender: string;
  ageBand: string;
}

// Stored points as services read them (camelCase, named here once).
const POINT_COLUMNS = `floor_id AS "floorId", observed_at AS "observedAt", camera_id AS "cameraId", track_id::float8 AS "trackId", class_name AS "className", x_m AS "xM", y_m AS "yM", attributes, counted`;

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
  /** `name=value`: tracks whose smoothed value of that attribute (any head, trained ones included) is value. */
  attribute?: string | undefined;
}

// Attribute values as Scouter writes them ({"gender": {"value": "female", ...}}) or bare values.
const ATTRIBUTE_VALUE = (key: string) =>
  `COALESCE(attrs->'${key}'->>'value', CASE WHEN jsonb_typeof(attrs->'${key}') IN ('string', 'number') THEN attrs->>'${key}' END)`;
const AGE_BAND = `CASE WHEN ${ATTRIBUTE_VALUE('age')} ~ '^[0-9]+(\\.[0-9]+)?$' THEN
    CASE WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 18 THEN '0-17' WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 30 THEN '18-29'
         WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 45 THEN '30-44' WHEN ${ATTRIBUTE_VALUE('age')}::numeric < 65 THEN '45-64' ELSE '65+' END
  ELSE '' END`;

/**
 * Projects observations onto their floors for several (camera, [from, to)) ranges at once: $1
 * camera ids, $2 range starts, $3 range ends, $5 / $6 the earliest start and the latest end (so
 * the observation partitions outside them are never read). Each camera uses calibration $4, or its
 * current one when null. Box bottom centre, w > 0 only. Observations that already have a floor
 * point are skipped, so a repeated notice changes nothing, and an observation in two ranges comes
 * once. Nothing is written here: the caller decides each sample's identity first, then stores. A sample keeps its own observation's
 * attribute values (what the head said on that frame, which per-track smoothing votes on); the
 * track's values fill in only the attributes the observation lacks.
 */
const PROJECT_SQL = `
WITH cal AS (
  SELECT DISTINCT ON (k.camera_id) k.camera_id, k.id, k.floor_id, k.matrix AS h, c.fps
  FROM calibrations k
  JOIN cameras c ON c.id = k.camera_id
  JOIN camera_placements p ON p.camera_id = k.camera_id AND p.floor_id = k.floor_id
  WHERE k.camera_id = ANY($1::integer[]) AND ($4::integer IS NULL OR k.id = $4) ORDER BY k.camera_id, k.version DESC
), src AS (
  SELECT o.camera_id, o.observed_at, o.track_id, COALESCE(t.tracker_id, -1) AS tracker_id, o.class_name, COALESCE(t.attributes, '{}'::jsonb) || o.attributes AS attrs,
         ((o.x1 + o.x2) / 2)::float8 AS u, o.y2::float8 AS v, cal.id AS calibration_id, cal.floor_id, cal.h, cal.fps
  FROM observations o JOIN cal ON cal.camera_id = o.camera_id LEFT JOIN tracks t ON t.camera_id = o.camera_id AND t.id = o.track_id
  WHERE o.camera_id = ANY($1::integer[]) AND o.observed_at >= $5 AND o.observed_at < $6
    AND EXISTS (SELECT 1 FROM unnest($1::integer[], $2::timestamptz[], $3::timestamptz[]) AS r(camera_id, from_at, to_at)
                WHERE r.camera_id = o.camera_id AND o.observed_at >= r.from_at AND o.observed_at < r.to_at)
    AND NOT EXISTS (SELECT 1 FROM floor_points fp WHERE fp.camera_id = o.camera_id AND fp.track_id = o.track_id AND fp.observed_at = o.observed_at)
), proj AS (
  SELECT *, h[7] * u + h[8] * v + h[9] AS w FROM src
)
SELECT floor_id AS "floorId", observed_at AS "observedAt", observed_at::text AS "observedKey", camera_id AS "cameraId", track_id::float8 AS "trackId",
       tracker_id AS "trackerId", calibration_id AS "calibrationId", class_name AS "className",
       ((h[1] * u + h[2] * v + h[3]) / w)::real::float8 AS "xM", ((h[4] * u + h[5] * v + h[6]) / w)::real::float8 AS "yM", (1.0 / fps)::float8 AS seconds,
       lower(COALESCE(${ATTRIBUTE_VALUE('gender')}, '')) AS gender, ${AGE_BAND} AS "ageBand", attrs AS attributes
FROM proj WHERE w > 1e-12 ORDER BY observed_at, track_id`;

/** One camera's time range [from, to) to project. */
export interface ProjectRange {
  cameraId: number;
  from: Date;
  to: Date;
}

/** A heatmap roll-up level: the same rows summed per minute, UTC quarter hour or UTC hour. */
export type HeatLevel = 'minute' | 'quarter' | 'hour';

/** Each level's table, bucket length and bucket of a timestamp (UTC-aligned, so every coarser bucket is whole finer ones). */
const HEAT_LEVELS: Record<HeatLevel, { table: string; ms: number; bucket: (ts: string) => string }> = {
  minute: { table: 'floor_heat_cells', ms: 60_000, bucket: (ts) => `date_trunc('minute', ${ts}, 'UTC')` },
  quarter: { table: 'floor_heat_quarters', ms: 900_000, bucket: (ts) => `date_bin('15 minutes', ${ts}, timestamptz '2000-01-01 00:00:00+00')` },
  hour: { table: 'floor_heat_hours', ms: 3_600_000, bucket: (ts) => `date_trunc('hour', ${ts}, 'UTC')` },
};
const LEVEL_NAMES = Object.keys(HEAT_LEVELS) as HeatLevel[];

/**
 * Adds (sign 1) or removes (sign -1) counted samples to every heatmap roll-up level in one
 * statement: the samples come as arrays ($1 floor ids, $2 times, $3 / $4 x / y, $5 seconds,
 * $6 classes, $7 genders, $8 age bands, $9 counted). It is a statement of its own, after the one
 * that wrote or deleted the floor points, because the roll-ups are keyed by floor and the points
 * by camera: on a distributed PostgreSQL (Citus) one statement may not modify both.
 */
const rollUpSql = (sign: 1 | -1) => `
WITH src AS (
  SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::real[], $4::real[], $5::real[], $6::text[], $7::text[], $8::text[], $9::boolean[])
    AS s(floor_id, observed_at, x_m, y_m, seconds, class_name, gender, age_band, counted)
), ${LEVEL_NAMES
  .map((level) => {
    const { table, bucket } = HEAT_LEVELS[level];
    return `${level}_roll AS (
  INSERT INTO ${table} (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
  SELECT floor_id, ${bucket('observed_at')}, floor(x_m / ${HEAT_BASE_CELL_M})::integer, floor(y_m / ${HEAT_BASE_CELL_M})::integer,
         class_name, gender, age_band, ${sign} * count(*), ${sign} * sum(seconds)
  FROM src WHERE counted GROUP BY 1, 2, 3, 4, 5, 6, 7
  ON CONFLICT (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
  DO UPDATE SET samples = EXCLUDED.samples + ${table}.samples,
                seconds = EXCLUDED.seconds + ${table}.seconds
)`;
  })
  .join(',\n')}
SELECT 1`;
const ROLL_UP_SQL = rollUpSql(1);
const ROLL_DOWN_SQL = rollUpSql(-1);

/** What a roll-up needs of a stored (or deleted) floor point; observedKey is its exact time. */
interface RolledSample {
  floorId: number;
  observedKey: string;
  xM: number;
  yM: number;
  seconds: number;
  className: string;
  gender: string;
  ageBand: string;
  counted: boolean;
}

/** Runs the roll-up statement for samples, inside the caller's transaction. */
async function rollSamples(client: pg.PoolClient, samples: readonly RolledSample[], sign: 1 | -1): Promise<void> {
  if (!samples.some((r) => r.counted)) return;
  const col = <K extends keyof RolledSample>(k: K) => samples.map((r) => r[k]);
  await client.query(sign === 1 ? ROLL_UP_SQL : ROLL_DOWN_SQL, [
    col('floorId'), col('observedKey'), col('xM'), col('yM'), col('seconds'), col('className'), col('gender'), col('ageBand'), col('counted'),
  ]);
}

/** Stores decided samples, skipping any stored meanwhile; returns those stored, in time order, for the roll-up and the live map. */
const STORE_SQL = `
WITH ins AS (
  INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds, gender, age_band, attributes, counted)
  SELECT * FROM unnest($1::integer[], $2::timestamptz[], $3::integer[], $4::bigint[], $5::integer[], $6::text[], $7::real[], $8::real[], $9::real[], $10::text[], $11::text[], $12::jsonb[], $13::boolean[])
  ON CONFLICT (camera_id, track_id, observed_at) DO NOTHING
  RETURNING floor_id, observed_at, camera_id, track_id, class_name, x_m, y_m, seconds, gender, age_band, attributes, counted
)
SELECT ${POINT_COLUMNS}, observed_at::text AS "observedKey", seconds, gender, age_band AS "ageBand"
FROM ins ORDER BY observed_at, track_id`;

/** Removes a camera's points in [$2, $3) stored under another calibration than $4; returns them for the roll-up. */
const UNPROJECT_SQL = `
DELETE FROM floor_points WHERE camera_id = $1 AND observed_at >= $2 AND observed_at < $3 AND calibration_id <> $4
RETURNING floor_id AS "floorId", observed_at::text AS "observedKey", x_m AS "xM", y_m AS "yM", seconds, class_name AS "className", gender, age_band AS "ageBand", counted`;

/** Floor points and the heatmap roll-up; heatmaps are read through `readPool` (a read replica, or the primary). */
export class FloorPointRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly readPool: pg.Pool = pool,
  ) {}

  /** Projects one camera's observations in [from, to) that have no floor point yet (current calibration unless given). */
  async project(cameraId: number, from: Date, to: Date, calibrationId?: number): Promise<ProjectedPoint[]> {
    const { rows } = await this.pool.query<ProjectedPoint>(PROJECT_SQL, [[cameraId], [from], [to], calibrationId ?? null, from, to]);
    return rows;
  }

  /** Projects the observations of several cameras' ranges (each camera's current calibration) in one statement, in time order. */
  async projectMany(ranges: readonly ProjectRange[]): Promise<ProjectedPoint[]> {
    if (ranges.length === 0) return [];
    const from = new Date(Math.min(...ranges.map((r) => r.from.getTime())));
    const to = new Date(Math.max(...ranges.map((r) => r.to.getTime())));
    const { rows } = await this.pool.query<ProjectedPoint>(PROJECT_SQL, [ranges.map((r) => r.cameraId), ranges.map((r) => r.from), ranges.map((r) => r.to), null, from, to]);
    return rows;
  }

  /**
   * Stores projected points with their identity decision in one transaction: floor points, then
   * every roll-up level (counted points only, a statement of its own), each track's person id and
   * rewritten merged ids.
   * Returns the points actually stored (a concurrent or repeated ingest may have stored some).
   */
  async store(points: readonly ProjectedPoint[], decision: IdentityDecision): Promise<FloorPoint[]> {
    return withTransaction(this.pool, async (client) => {
      const col = <K extends keyof ProjectedPoint>(k: K) => points.map((p) => p[k]);
      const { rows } = await client.query<FloorPoint & RolledSample>(STORE_SQL, [
        col('floorId'), col('observedKey'), col('cameraId'), col('trackId'), col('calibrationId'), col('className'), col('xM'), col('yM'),
        col('seconds'), col('gender'), col('ageBand'), points.map((p) => JSON.stringify(p.attributes)), decision.counted,
      ]);
      await rollSamples(client, rows, 1);
      for (const m of decision.merges) {
        await client.query('UPDATE floor_identities SET person_id = $3, updated_at = now() WHERE floor_id = $1 AND person_id = $2', [m.floorId, m.dropId, m.keepId]);
      }
      if (decision.identities.length > 0) {
        // A merged identity is the group's smallest track id: never let a restart's fresh id undo it.
        await client.query(
          `INSERT INTO floor_identities (track_id, floor_id, camera_id, person_id)
           SELECT * FROM unnest($1::bigint[], $2::integer[], $3::integer[], $4::bigint[])
           ON CONFLICT (camera_id, track_id) DO UPDATE SET person_id = LEAST(floor_identities.person_id, EXCLUDED.person_id), floor_id = EXCLUDED.floor_id, updated_at = now()`,
          [decision.identities.map((i) => i.trackId), decision.identities.map((i) => i.floorId), decision.identities.map((i) => i.cameraId), decision.identities.map((i) => i.personId)],
        );
      }
      return rows.map(({ floorId, observedAt, cameraId, trackId, className, xM, yM, attributes, counted }) => ({ floorId, observedAt, cameraId, trackId, className, xM, yM, attributes, counted }));
    });
  }

  /** Takes a camera's points in [from, to) stored under another calibration out of the floor and the roll-ups. */
  async unproject(cameraId: number, from: Date, to: Date, calibrationId: number): Promise<number> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<RolledSample>(UNPROJECT_SQL, [cameraId, from, to, calibrationId]);
      await rollSamples(client, rows, -1);
      for (const { table, bucket } of Object.values(HEAT_LEVELS)) {
        await client.query(`DELETE FROM ${table} WHERE samples <= 0 AND bucket >= ${bucket('$1::timestamptz')} AND bucket < $2`, [from, to]);
      }
      return rows.length;
    });
  }

  /** Stored points of a floor's other cameras in [from, to), oldest first: context for identities in a backfill. */
  async neighbours(floorId: number, exceptCameraId: number, from: Date, to: Date): Promise<FloorPoint[]> {
    const { rows } = await this.pool.query<FloorPoint>(
      `SELECT ${POINT_COLUMNS} FROM floor_points
       WHERE floor_id = $1 AND camera_id <> $2 AND observed_at >= $3 AND observed_at < $4 ORDER BY observed_at, track_id`,
      [floorId, exceptCameraId, from, to],
    );
    return rows;
  }

  /**
   * Sums the roll-up into cells of `factor` base cells over [from, to) (whole minutes), clipped to
   * the floor's `columns` x `rows`: whole hours from the hourly level, whole quarter hours at either
   * end from the quarter-hour level, the remaining minutes from the minute level (`heatPlan`).
   * `levels` narrows the plan (e.g. ['minute'] reads minutes only); every plan gives the same cells.
   * Returns [column, row, value] for non-empty cells.
   */
  async heatmap(
    floorId: number, range: { from: Date; to: Date }, grid: { factor: number; columns: number; rows: number }, metric: 'occupancy' | 'dwell', filters: HeatFilters,
    levels: readonly HeatLevel[] = LEVEL_NAMES,
  ): Promise<[number, number, number][]> {
    if (filters.attribute) return this.heatmapOfPoints(floorId, range, grid, metric, filters);
    const value = metric === 'dwell' ? 'seconds' : 'samples';
    const where = `floor_id = $1 AND cell_x >= 0 AND cell_y >= 0 AND cell_x < $3 * $2 AND cell_y < $4 * $2
         AND ($5::text IS NULL OR class_name = $5) AND ($6::text IS NULL OR gender = $6) AND ($7::text IS NULL OR age_band = $7)`;
    const params: unknown[] = [floorId, grid.factor, grid.columns, grid.rows, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null];
    const parts = heatPlan(range.from, range.to, levels).map((step) => {
      const n = params.push(step.from, step.to);
      const except = step.except ? ` AND (bucket < $${params.push(step.except.from)} OR bucket >= $${params.push(step.except.to)})` : '';
      return `SELECT cell_x / $2 AS c, cell_y / $2 AS r, ${value} AS v FROM ${HEAT_LEVELS[step.level].table}
         WHERE ${where} AND bucket >= $${n - 1} AND bucket < $${n}${except}`;
    });
    const { rows } = await this.readPool.query<{ c: number; r: number; v: number }>(`SELECT c, r, sum(v)::float8 AS v FROM (\n${parts.join('\n UNION ALL\n')}\n) u GROUP BY 1, 2`, params);
    return rows.map((r) => [r.c, r.r, r.v]);
  }

  /**
   * The heatmap of an attribute filter: the roll-up has no column for every attribute (a head
   * trained tomorrow included), so the counted floor points of the same minute buckets are summed
   * directly, keeping the tracks whose smoothed value matches (track-attributes.ts).
   */
  private async heatmapOfPoints(
    floorId: number, range: { from: Date; to: Date }, grid: { factor: number; columns: number; rows: number }, metric: 'occupancy' | 'dwell', filters: HeatFilters,
  ): Promise<[number, number, number][]> {
    const filter = parseAttributeFilter(filters.attribute)!;
    const minuteFrom = new Date(Math.floor(range.from.getTime() / 60_000) * 60_000);
    const { rows } = await this.readPool.query<{ c: number; r: number; v: number }>(
      `WITH ${smoothedCte('attr_filter', { floor: '$1', from: '$2', to: '$3', key: '$9' })}
       SELECT floor(fp.x_m / ${HEAT_BASE_CELL_M})::integer / $4 AS c, floor(fp.y_m / ${HEAT_BASE_CELL_M})::integer / $4 AS r, ${metric === 'dwell' ? 'sum(fp.seconds)' : 'count(*)'}::float8 AS v
       FROM floor_points fp
       WHERE fp.floor_id = $1 AND fp.counted AND date_trunc('minute', fp.observed_at, 'UTC') >= $2 AND date_trunc('minute', fp.observed_at, 'UTC') < $3
         AND fp.x_m >= 0 AND fp.y_m >= 0 AND floor(fp.x_m / ${HEAT_BASE_CELL_M})::integer < $5 * $4 AND floor(fp.y_m / ${HEAT_BASE_CELL_M})::integer < $6 * $4
         AND ($7::text IS NULL OR fp.class_name = $7) AND ($8::text IS NULL OR fp.gender = $8) AND ($11::text IS NULL OR fp.age_band = $11)
         AND ${smoothedMatch('attr_filter', 'fp.track_id', '$10')}
       GROUP BY 1, 2`,
      [floorId, minuteFrom, range.to, grid.factor, grid.columns, grid.rows, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filter.name, filter.value, filters.ageBand ?? null],
    );
    return rows.map((r) => [r.c, r.r, r.v]);
  }

  /**
   * The attributes carried by a floor's samples in [from, to), each with its values (smoothed per
   * track, most tracks first, at most 50), and how many tracks carry it: what the page offers as
   * filters and break-downs.
   */
  async attributes(floorId: number, from: Date, to: Date): Promise<{ name: string; values: { value: string; tracks: number }[] }[]> {
    const { rows: names } = await this.readPool.query<{ name: string }>(
      `SELECT DISTINCT k AS name FROM floor_points fp CROSS JOIN LATERAL jsonb_object_keys(fp.attributes) k
       WHERE fp.floor_id = $1 AND fp.observed_at >= $2 AND fp.observed_at < $3 AND k ~ '^[a-z][a-z0-9_]{0,63}$' ORDER BY 1 LIMIT 64`,
      [floorId, from, to],
    );
    const out: { name: string; values: { value: string; tracks: number }[] }[] = [];
    for (const { name } of names) {
      const { rows } = await this.readPool.query<{ value: string; tracks: number }>(
        `WITH ${smoothedCte('attr', { floor: '$1', from: '$2', to: '$3', key: '$4' })}
         SELECT value, count(*)::integer AS tracks FROM attr
         WHERE track_id IN (SELECT track_id FROM floor_points WHERE floor_id = $1 AND observed_at >= $2 AND observed_at < $3)
         GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 50`,
        [floorId, from, to, name],
      );
      if (rows.length > 0) out.push({ name, values: rows });
    }
    return out;
  }
}

/** One level's share of a heatmap: its buckets in [from, to) except those a coarser level already read. */
export interface HeatPlanStep {
  level: HeatLevel;
  from: Date;
  to: Date;
  except?: { from: Date; to: Date };
}

/**
 * Splits the minute-level range [floor_minute(from), to) over the given levels, coarsest first:
 * each level reads its whole buckets in the range except the span the next coarser level read.
 * Coarser buckets are whole finer buckets (UTC-aligned), so each level's span contains the coarser
 * one's and the steps never overlap. The minute level reads what is left (nothing, and so takes no
 * part, when the range is whole buckets of a coarser level).
 */
export function heatPlan(from: Date, to: Date, levels: readonly HeatLevel[] = LEVEL_NAMES): HeatPlanStep[] {
  const minuteFrom = new Date(Math.floor(from.getTime() / 60_000) * 60_000);
  const coarseFirst = LEVEL_NAMES.filter((l) => l !== 'minute' && levels.includes(l)).sort((a, b) => HEAT_LEVELS[b].ms - HEAT_LEVELS[a].ms);
  const steps: HeatPlanStep[] = [];
  let except: { from: Date; to: Date } | undefined;
  // A step whose whole span a coarser step already read is left out: it would only scan its rows
  // to exclude them all (a 24-hour range on whole hours reads the hourly rows alone).
  const covered = (from: Date, until: Date) => except !== undefined && except.from.getTime() === from.getTime() && except.to.getTime() === until.getTime();
  for (const level of coarseFirst) {
    const span = wholeBuckets(minuteFrom, to, HEAT_LEVELS[level].ms);
    if (span.to.getTime() === span.from.getTime() || covered(span.from, span.to)) continue;
    steps.push({ level, ...span, ...(except ? { except } : {}) });
    except = span;
  }
  if (!covered(minuteFrom, to)) steps.push({ level: 'minute', from: minuteFrom, to, ...(except ? { except } : {}) });
  return steps;
}

/**
 * The whole buckets of `ms` (UTC-aligned) whose every minute bucket lies in the minute-level range
 * [minuteFrom, to): [from, to) of bucket starts, empty (from = to) when there is none.
 */
export function wholeBuckets(minuteFrom: Date, to: Date, ms: number): { from: Date; to: Date } {
  const first = Math.ceil(minuteFrom.getTime() / ms) * ms;
  // Bucket B is whole when its last minute bucket B + ms - 1 min is before `to`.
  const end = Math.floor((to.getTime() - (ms - 60_000) - 1) / ms) * ms + ms;
  return end > first ? { from: new Date(first), to: new Date(end) } : { from: new Date(first), to: new Date(first) };
}
