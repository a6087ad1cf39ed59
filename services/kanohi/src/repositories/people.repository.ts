import { camelRows, type CamelRow } from '@sightline/db';
import type pg from 'pg';

// A sample's cross-camera person: its track's identity (floor_identities), else the track itself.
const PERSON = 'COALESCE(i.person_id, fp.track_id)';
const WITH_PERSON = 'floor_points fp LEFT JOIN floor_identities i ON i.camera_id = fp.camera_id AND i.track_id = fp.track_id';
// Samples inside a stationary span (floor_stationary_spans), left out when $4 is true.
const NOT_STATIONARY = `NOT ($4::boolean AND EXISTS (SELECT 1 FROM floor_stationary_spans s
  WHERE s.camera_id = fp.camera_id AND s.track_id = fp.track_id AND fp.observed_at BETWEEN s.started_at AND s.ended_at))`;

export interface FragmentRow {
  id: number;
  start_ms: number;
  end_ms: number;
  start_x: number;
  start_y: number;
  end_x: number;
  end_y: number;
  /** The most frequent class, gender and age band of the fragment's samples ('' when none was estimated). */
  class_name: string;
  gender: string;
  age_band: string;
}

export interface SecondSampleRow {
  id: number;
  t_ms: number;
  x: number;
  y: number;
}

interface TrackColumns {
  person_id: number;
  camera_id: number;
  track_id: number;
  tracker_id: number | null;
  first_seen: Date;
  last_seen: Date;
}

/** A track on a floor with its person, as services read it. */
export type TrackRow = CamelRow<TrackColumns>;

/**
 * The raw material of floor people: per cross-camera person of the ingest (counted samples only, one
 * camera speaking for a person at a time), its first and last floor position and time, and one
 * sample per person per second. Linking fragments and counting happen in floor-people.ts.
 */
export class PeopleRepository {
  constructor(private readonly pool: pg.Pool) {}

  async fragments(floorId: number, from: Date, to: Date, excludeStationary: boolean): Promise<FragmentRow[]> {
    const { rows } = await this.pool.query<FragmentRow>(
      `SELECT ${PERSON}::float8 AS id,
              (extract(epoch FROM min(fp.observed_at)) * 1000)::float8 AS start_ms, (extract(epoch FROM max(fp.observed_at)) * 1000)::float8 AS end_ms,
              (array_agg(fp.x_m ORDER BY fp.observed_at))[1]::float8 AS start_x, (array_agg(fp.y_m ORDER BY fp.observed_at))[1]::float8 AS start_y,
              (array_agg(fp.x_m ORDER BY fp.observed_at DESC))[1]::float8 AS end_x, (array_agg(fp.y_m ORDER BY fp.observed_at DESC))[1]::float8 AS end_y,
              COALESCE(mode() WITHIN GROUP (ORDER BY fp.class_name), '') AS class_name,
              COALESCE(mode() WITHIN GROUP (ORDER BY fp.gender) FILTER (WHERE fp.gender <> ''), '') AS gender,
              COALESCE(mode() WITHIN GROUP (ORDER BY fp.age_band) FILTER (WHERE fp.age_band <> ''), '') AS age_band
       FROM ${WITH_PERSON} WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${NOT_STATIONARY}
       GROUP BY 1`,
      [floorId, from, to, excludeStationary],
    );
    return rows;
  }

  /** The first counted sample of each person in each second of [from, to). */
  async secondSamples(floorId: number, from: Date, to: Date, excludeStationary: boolean): Promise<SecondSampleRow[]> {
    const { rows } = await this.pool.query<SecondSampleRow>(
      `SELECT DISTINCT ON (1, floor(extract(epoch FROM fp.observed_at)))
              ${PERSON}::float8 AS id, (extract(epoch FROM fp.observed_at) * 1000)::float8 AS t_ms, fp.x_m::float8 AS x, fp.y_m::float8 AS y
       FROM ${WITH_PERSON} WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3 AND ${NOT_STATIONARY}
       ORDER BY 1, floor(extract(epoch FROM fp.observed_at)), fp.observed_at`,
      [floorId, from, to, excludeStationary],
    );
    return rows;
  }

  /** Every track on the floor in [from, to) with its person, Scouter's tracker id and when it was seen. */
  async tracks(floorId: number, from: Date, to: Date): Promise<TrackRow[]> {
    const { rows } = await this.pool.query<TrackColumns>(
      `SELECT ${PERSON}::float8 AS person_id, fp.camera_id, fp.track_id::float8 AS track_id, t.tracker_id, min(fp.observed_at) AS first_seen, max(fp.observed_at) AS last_seen
       FROM ${WITH_PERSON} LEFT JOIN tracks t ON t.camera_id = fp.camera_id AND t.id = fp.track_id
       WHERE fp.floor_id = $1 AND fp.observed_at >= $2 AND fp.observed_at < $3
       GROUP BY 1, 2, 3, 4 ORDER BY 5, 3`,
      [floorId, from, to],
    );
    return camelRows(rows);
  }

  /** UTC hours of [from, to) with counted samples (the hourly roll-up), oldest first. */
  async hoursWithData(floorId: number, from: Date, to: Date): Promise<{ start: Date; samples: number }[]> {
    const { rows } = await this.pool.query<{ start: Date; samples: number }>(
      `SELECT bucket AS start, sum(samples)::integer AS samples FROM floor_heat_hours
       WHERE floor_id = $1 AND bucket >= date_trunc('hour', $2::timestamptz, 'UTC') AND bucket < $3
       GROUP BY 1 HAVING sum(samples) > 0 ORDER BY 1`,
      [floorId, from, to],
    );
    return rows;
  }
}
