import type pg from 'pg';
import type { HeatFilters } from './floor-point.repository.ts';

export interface StatsRange {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

const GROUP_COLUMNS = { none: "''", className: 'class_name', gender: 'gender', ageBand: 'age_band' } as const;
export type GroupBy = keyof typeof GROUP_COLUMNS;

const BUCKET = (column: string) => `to_timestamp(floor(extract(epoch FROM ${column}) / $4) * $4)`;
const FILTERS = `($5::text IS NULL OR class_name = $5) AND ($6::text IS NULL OR gender = $6) AND ($7::text IS NULL OR age_band = $7)`;

function params(floorId: number, range: StatsRange, filters: HeatFilters): unknown[] {
  return [floorId, range.from, range.to, range.bucketSeconds, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null];
}

// A sample's person: its track's cross-camera identity (floor_identities), else the track itself.
const PERSON = 'COALESCE(i.person_id, fp.track_id)';
const WITH_PERSON = 'floor_points fp LEFT JOIN floor_identities i ON i.camera_id = fp.camera_id AND i.track_id = fp.track_id';

/**
 * Counts over time, zone occupancy and dwell, and line crossings, aggregated in SQL from floor
 * points. People are counted once however many cameras see them: distinct person ids, and dwell and
 * crossings from counted samples only (one camera speaks for a person at a time).
 */
export class StatsRepository {
  constructor(private readonly pool: pg.Pool) {}

  async counts(floorId: number, range: StatsRange, groupBy: GroupBy, filters: HeatFilters): Promise<{ start: Date; group: string; tracks: number }[]> {
    const { rows } = await this.pool.query<{ start: Date; group: string; tracks: number }>(
      `SELECT ${BUCKET('fp.observed_at')} AS start, ${GROUP_COLUMNS[groupBy]} AS "group", count(DISTINCT ${PERSON})::integer AS tracks
       FROM ${WITH_PERSON} WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${FILTERS}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params(floorId, range, filters),
    );
    return rows;
  }

  async zoneBuckets(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ zone_id: number; start: Date; tracks: number }[]> {
    const { rows } = await this.pool.query<{ zone_id: number; start: Date; tracks: number }>(
      `SELECT z.id AS zone_id, ${BUCKET('fp.observed_at')} AS start, count(DISTINCT ${PERSON})::integer AS tracks
       FROM zones z JOIN ${WITH_PERSON} ON fp.floor_id = z.floor_id AND z.area @> point(fp.x_m, fp.y_m)
       WHERE z.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${FILTERS.replaceAll('class_name', 'fp.class_name')}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params(floorId, range, filters),
    );
    return rows;
  }

  /** Per zone: tracks that entered it, and their time inside (sum of sample durations). */
  async zoneDwell(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ zone_id: number; tracks: number; mean_s: number; total_s: number }[]> {
    const { rows } = await this.pool.query<{ zone_id: number; tracks: number; mean_s: number; total_s: number }>(
      `SELECT zone_id, count(*)::integer AS tracks, avg(dwell)::float8 AS mean_s, sum(dwell)::float8 AS total_s FROM (
         SELECT z.id AS zone_id, ${PERSON} AS person_id, sum(fp.seconds) AS dwell
         FROM zones z JOIN ${WITH_PERSON} ON fp.floor_id = z.floor_id AND z.area @> point(fp.x_m, fp.y_m)
         WHERE z.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND $4::integer > 0 AND ${FILTERS.replaceAll('class_name', 'fp.class_name')}
         GROUP BY 1, 2) d
       GROUP BY zone_id`,
      params(floorId, range, filters),
    );
    return rows;
  }

  /**
   * Crossings of each line by each person's consecutive counted floor positions (the previous position may
   * precede the range by up to a minute). "In" is from the right of start->end to its left; a
   * position exactly on the line does not count, as in the vision package's segmentCrossing.
   */
  async lineBuckets(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ line_id: number; start: Date; in: number; out: number }[]> {
    const { rows } = await this.pool.query<{ line_id: number; start: Date; in: number; out: number }>(
      `WITH moves AS (
         SELECT fp.observed_at, fp.x_m AS cx, fp.y_m AS cy,
                lag(fp.x_m) OVER w AS px, lag(fp.y_m) OVER w AS py
         FROM ${WITH_PERSON}
         WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2::timestamptz - interval '1 minute' AND fp.observed_at < $3 AND ${FILTERS}
         WINDOW w AS (PARTITION BY ${PERSON} ORDER BY fp.observed_at)
       ), sides AS (
         SELECT l.id AS line_id, m.observed_at,
                (l.end_x_m - l.start_x_m) * (m.py - l.start_y_m) - (l.end_y_m - l.start_y_m) * (m.px - l.start_x_m) AS s0,
                (l.end_x_m - l.start_x_m) * (m.cy - l.start_y_m) - (l.end_y_m - l.start_y_m) * (m.cx - l.start_x_m) AS s1,
                (m.cx - m.px) * (l.start_y_m - m.py) - (m.cy - m.py) * (l.start_x_m - m.px) AS ms,
                (m.cx - m.px) * (l.end_y_m - m.py) - (m.cy - m.py) * (l.end_x_m - m.px) AS me
         FROM moves m JOIN count_lines l ON l.floor_id = $1
         WHERE m.px IS NOT NULL AND m.observed_at >= $2
       )
       SELECT line_id, ${BUCKET('observed_at')} AS start,
              count(*) FILTER (WHERE s0 > 0)::integer AS "in", count(*) FILTER (WHERE s0 < 0)::integer AS "out"
       FROM sides
       WHERE sign(s0) * sign(s1) < 0 AND (sign(ms) <> sign(me) OR ms = 0)
       GROUP BY 1, 2 ORDER BY 1, 2`,
      params(floorId, range, filters),
    );
    return rows;
  }
}
