import type pg from 'pg';
import type { HeatFilters } from './floor-point.repository.ts';
import type { StationarySpan } from '../services/stationary-detector.ts';
import { parseAttributeFilter, smoothedCte, smoothedMatch } from './track-attributes.ts';

export interface StationarySpanRow {
  camera_id: number;
  track_id: number;
  started_at: Date;
  ended_at: Date;
  x_m: number;
  y_m: number;
}

/** Stationary spans (floor_stationary_spans, migrations 0012 and 0017) and their share of a heatmap, read through `readPool`. */
export class StationaryRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly readPool: pg.Pool = pool,
  ) {}

  /** Inserts new spans and extends known ones (a span is keyed by camera, track and start). */
  async upsert(spans: readonly StationarySpan[]): Promise<void> {
    if (spans.length === 0) return;
    await this.pool.query(
      `INSERT INTO floor_stationary_spans (camera_id, track_id, started_at, floor_id, ended_at, x_m, y_m)
       SELECT * FROM unnest($1::integer[], $2::bigint[], $3::timestamptz[], $4::integer[], $5::timestamptz[], $6::real[], $7::real[])
       ON CONFLICT (camera_id, track_id, started_at) DO UPDATE SET ended_at = GREATEST(floor_stationary_spans.ended_at, EXCLUDED.ended_at)`,
      [spans.map((s) => s.cameraId), spans.map((s) => s.trackId), spans.map((s) => s.startedAt), spans.map((s) => s.floorId), spans.map((s) => s.endedAt), spans.map((s) => s.xyM[0]), spans.map((s) => s.xyM[1])],
    );
  }

  /** Spans of a floor overlapping [from, to). */
  async spans(floorId: number, from: Date, to: Date): Promise<StationarySpanRow[]> {
    const { rows } = await this.readPool.query<StationarySpanRow>(
      `SELECT camera_id, track_id::float8 AS track_id, started_at, ended_at, x_m::float8 AS x_m, y_m::float8 AS y_m FROM floor_stationary_spans
       WHERE floor_id = $1 AND ended_at >= $2 AND started_at < $3 ORDER BY started_at`,
      [floorId, from, to],
    );
    return rows;
  }

  /**
   * The counted samples of the spans that a heatmap over the minute buckets [minuteFrom, to) read,
   * summed per cell of `factor` base cells ([column, row, value]), for the heatmap to take out.
   */
  async heatShare(
    floorId: number, spans: readonly StationarySpanRow[], range: { minuteFrom: Date; to: Date }, grid: { factor: number; baseCellM: number }, metric: 'occupancy' | 'dwell', filters: HeatFilters,
  ): Promise<[number, number, number][]> {
    if (spans.length === 0) return [];
    const filter = parseAttributeFilter(filters.attribute);
    const { rows } = await this.readPool.query<{ c: number; r: number; v: number }>(
      `${filter ? `WITH ${smoothedCte('attr_filter', { floor: '$1', from: '$2', to: '$3', key: '$13' })}` : ''}
       SELECT floor(fp.x_m / $4)::integer / $5 AS c, floor(fp.y_m / $4)::integer / $5 AS r, ${metric === 'dwell' ? 'sum(fp.seconds)' : 'count(*)'}::float8 AS v
       FROM unnest($6::integer[], $7::bigint[], $8::timestamptz[], $9::timestamptz[]) AS s(camera_id, track_id, started_at, ended_at)
       JOIN floor_points fp ON fp.camera_id = s.camera_id AND fp.track_id = s.track_id AND fp.observed_at >= s.started_at AND fp.observed_at <= s.ended_at
       WHERE fp.floor_id = $1 AND fp.counted AND date_trunc('minute', fp.observed_at, 'UTC') >= $2 AND date_trunc('minute', fp.observed_at, 'UTC') < $3
         AND ($10::text IS NULL OR fp.class_name = $10) AND ($11::text IS NULL OR fp.gender = $11) AND ($12::text IS NULL OR fp.age_band = $12)
         ${filter ? `AND ${smoothedMatch('attr_filter', 'fp.track_id', '$14')}` : ''}
       GROUP BY 1, 2`,
      [
        floorId, range.minuteFrom, range.to, grid.baseCellM, grid.factor,
        spans.map((s) => s.camera_id), spans.map((s) => s.track_id), spans.map((s) => s.started_at), spans.map((s) => s.ended_at),
        filters.className ?? null, filters.gender?.toLowerCase() ?? null, filters.ageBand ?? null,
        ...(filter ? [filter.name, filter.value] : []),
      ],
    );
    return rows.map((r) => [r.c, r.r, r.v]);
  }
}
