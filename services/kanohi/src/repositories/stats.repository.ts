import type pg from 'pg';
import type { HeatFilters } from './floor-point.repository.ts';
import { attributeGroup, parseAttributeFilter, smoothedCte, smoothedMatch } from './track-attributes.ts';

export interface StatsRange {
  from: Date;
  to: Date;
  bucketSeconds: number;
}

const GROUP_COLUMNS = { none: "''", className: 'class_name', gender: 'gender', ageBand: 'age_band' } as const;
/** A fixed break-down, or `attr:<name>`: by the smoothed per-track value of any attribute. */
export type GroupBy = keyof typeof GROUP_COLUMNS | `attr:${string}`;

const BUCKET = (column: string) => `to_timestamp(floor(extract(epoch FROM ${column}) / $4) * $4)`;
const FP_FILTERS = `($5::text IS NULL OR fp.class_name = $5) AND ($6::text IS NULL OR fp.gender = $6) AND ($7::text IS NULL OR fp.age_band = $7)`;

function params(floorId: number, range: StatsRange, filters: HeatFilters): unknown[] {
  return [floorId, range.from, range.to, range.bucketSeconds, filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null];
}

/**
 * A statistics query with its attribute filter and break-down (smoothed per track, see
 * track-attributes.ts): the CTEs go in front of `sql`, `{ATTR}` becomes the filter condition (or
 * TRUE), `{GROUP}` the group column and `{JOIN}` the join that brings it.
 */
function withAttributes(sql: string, floorId: number, range: StatsRange, filters: HeatFilters, groupBy: GroupBy = 'none'): { text: string; values: unknown[] } {
  const values = params(floorId, range, filters);
  const ctes: string[] = [];
  let condition = 'TRUE';
  const filter = parseAttributeFilter(filters.attribute);
  if (filter) {
    const key = `$${values.push(filter.name)}`;
    ctes.push(smoothedCte('attr_filter', { floor: '$1', from: '$2', to: '$3', key }));
    condition = smoothedMatch('attr_filter', 'fp.track_id', `$${values.push(filter.value)}`);
  }
  const groupName = attributeGroup(groupBy);
  let group: string = groupName ? "COALESCE(attr_group.value, '')" : GROUP_COLUMNS[groupBy as keyof typeof GROUP_COLUMNS];
  if (groupName) ctes.push(smoothedCte('attr_group', { floor: '$1', from: '$2', to: '$3', key: `$${values.push(groupName)}` }));
  const join = groupName ? 'LEFT JOIN attr_group ON attr_group.track_id = fp.track_id' : '';
  if (!groupName && groupBy !== 'none') group = `fp.${group}`;
  let text = sql.replaceAll('{ATTR}', condition).replaceAll('{GROUP}', group).replaceAll('{JOIN}', join);
  if (ctes.length > 0) text = text.startsWith('WITH ') ? `WITH ${ctes.join(', ')}, ${text.slice('WITH '.length)}` : `WITH ${ctes.join(', ')} ${text}`;
  return { text, values };
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
    const { text, values } = withAttributes(
      `SELECT ${BUCKET('fp.observed_at')} AS start, {GROUP} AS "group", count(DISTINCT ${PERSON})::integer AS tracks
       FROM ${WITH_PERSON} {JOIN} WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${FP_FILTERS} AND {ATTR}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      floorId, range, filters, groupBy,
    );
    const { rows } = await this.pool.query<{ start: Date; group: string; tracks: number }>(text, values);
    return rows;
  }

  async zoneBuckets(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ zone_id: number; start: Date; tracks: number }[]> {
    const { text, values } = withAttributes(
      `SELECT z.id AS zone_id, ${BUCKET('fp.observed_at')} AS start, count(DISTINCT ${PERSON})::integer AS tracks
       FROM zones z JOIN ${WITH_PERSON} ON fp.floor_id = z.floor_id AND z.area @> point(fp.x_m, fp.y_m)
       WHERE z.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${FP_FILTERS} AND {ATTR}
       GROUP BY 1, 2 ORDER BY 1, 2`,
      floorId, range, filters,
    );
    const { rows } = await this.pool.query<{ zone_id: number; start: Date; tracks: number }>(text, values);
    return rows;
  }

  /** Per zone: tracks that entered it, and their time inside (sum of sample durations). */
  async zoneDwell(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ zone_id: number; tracks: number; mean_s: number; total_s: number }[]> {
    const { text, values } = withAttributes(
      `SELECT zone_id, count(*)::integer AS tracks, avg(dwell)::float8 AS mean_s, sum(dwell)::float8 AS total_s FROM (
         SELECT z.id AS zone_id, ${PERSON} AS person_id, sum(fp.seconds) AS dwell
         FROM zones z JOIN ${WITH_PERSON} ON fp.floor_id = z.floor_id AND z.area @> point(fp.x_m, fp.y_m)
         WHERE z.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND $4::integer > 0 AND ${FP_FILTERS} AND {ATTR}
         GROUP BY 1, 2) d
       GROUP BY zone_id`,
      floorId, range, filters,
    );
    const { rows } = await this.pool.query<{ zone_id: number; tracks: number; mean_s: number; total_s: number }>(text, values);
    return rows;
  }

  /**
   * Crossings of each line by each person's consecutive counted floor positions (the previous position may
   * precede the range by up to a minute). "In" is from the right of start->end to its left; a
   * position exactly on the line does not count, as in the vision package's segmentCrossing.
   */
  async lineBuckets(floorId: number, range: StatsRange, filters: HeatFilters): Promise<{ line_id: number; start: Date; in: number; out: number }[]> {
    const { text, values } = withAttributes(
      `WITH moves AS (
         SELECT fp.observed_at, fp.x_m AS cx, fp.y_m AS cy,
                lag(fp.x_m) OVER w AS px, lag(fp.y_m) OVER w AS py
         FROM ${WITH_PERSON}
         WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2::timestamptz - interval '1 minute' AND fp.observed_at < $3 AND ${FP_FILTERS} AND {ATTR}
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
      floorId, range, filters,
    );
    const { rows } = await this.pool.query<{ line_id: number; start: Date; in: number; out: number }>(text, values);
    return rows;
  }
}
