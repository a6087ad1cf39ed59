import { BusChannel, type AttributeValue, type ObservationsInsertedNotice } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';
import type { ObservationRow } from '../types/observation.ts';

/**
 * How a batch reaches PostgreSQL: 'statement' (one prepared statement, one round trip, its own
 * implicit transaction) or 'transaction' (the previous shape: BEGIN, the same insert, NOTIFY,
 * COMMIT: four round trips). services/scouter/bench/ingest.bench.ts measures both beside COPY.
 */
export type WriteShape = 'statement' | 'transaction';

/** One track's row in a batch's tracks upsert. */
export interface TrackUpsert {
  tracker_id: number;
  class_name: string;
  first_seen: string;
  last_seen: string;
  attributes: Record<string, AttributeValue>;
}

/** Upserts a batch's tracks ($1 camera, $2 run, $3 JSON array of TrackUpsert) and returns their ids. */
export const UPSERT_TRACKS = `
  INSERT INTO tracks (camera_id, run_id, tracker_id, class_name, first_seen, last_seen, attributes)
  SELECT $1, $2, r.tracker_id, r.class_name, r.first_seen, r.last_seen, r.attributes
  FROM jsonb_to_recordset($3::jsonb) AS r(tracker_id int, class_name text, first_seen timestamptz, last_seen timestamptz, attributes jsonb)
  ON CONFLICT (camera_id, run_id, tracker_id) DO UPDATE SET
    first_seen = LEAST(tracks.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(tracks.last_seen, EXCLUDED.last_seen),
    attributes = tracks.attributes || EXCLUDED.attributes
  RETURNING id, tracker_id`;

const INSERT_OBSERVATIONS = `
  INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2, attributes)
  SELECT o.observed_at, $1, t.id, o.class_name, o.score, o.x1, o.y1, o.x2, o.y2, o.attributes
  FROM unnest($4::timestamptz[], $5::int[], $6::text[], $7::real[], $8::real[], $9::real[], $10::real[], $11::real[], $12::jsonb[])
    AS o(observed_at, tracker_id, class_name, score, x1, y1, x2, y2, attributes)
  JOIN t ON t.tracker_id = o.tracker_id`;

const arrays = (rows: readonly ObservationRow[]) => [
  rows.map((r) => r.observedAt.toISOString()),
  rows.map((r) => r.trackerId),
  rows.map((r) => r.className),
  rows.map((r) => r.score),
  rows.map((r) => r.xyxy[0]),
  rows.map((r) => r.xyxy[1]),
  rows.map((r) => r.xyxy[2]),
  rows.map((r) => r.xyxy[3]),
  rows.map((r) => JSON.stringify(r.attributes)),
];

/** One prepared statement, one round trip: tracks, observations and the NOTIFY in its own implicit transaction. */
async function oneStatement(pool: pg.Pool, cameraId: number, runId: string, tracks: TrackUpsert[], rows: readonly ObservationRow[], notice: string): Promise<void> {
  await pool.query({
    name: 'scouter-insert-observations',
    text: `WITH t AS (${UPSERT_TRACKS}), o AS (${INSERT_OBSERVATIONS} RETURNING 1)
           SELECT pg_notify($13, $14) FROM (SELECT count(*) FROM o) n`,
    values: [cameraId, runId, JSON.stringify(tracks), ...arrays(rows), BusChannel.observationsInserted, notice],
  });
}

/** The previous shape's insert, inside its explicit transaction. */
async function insertInTransaction(client: pg.PoolClient, cameraId: number, runId: string, tracks: TrackUpsert[], rows: readonly ObservationRow[]): Promise<void> {
  await client.query(`WITH t AS (${UPSERT_TRACKS}) ${INSERT_OBSERVATIONS}`, [cameraId, runId, JSON.stringify(tracks), ...arrays(rows)]);
}

/** A batch's tracks (first and last seen, merged attributes) and its `observations_inserted` notice. */
export function summarizeBatch(cameraId: number, rows: readonly ObservationRow[]): { tracks: TrackUpsert[]; notice: ObservationsInsertedNotice } {
  const tracks = new Map<number, TrackUpsert>();
  let from = rows[0]!.observedAt;
  let to = from;
  for (const row of rows) {
    if (row.observedAt < from) from = row.observedAt;
    if (row.observedAt > to) to = row.observedAt;
    const at = row.observedAt.toISOString();
    const track = tracks.get(row.trackerId);
    if (!track) tracks.set(row.trackerId, { tracker_id: row.trackerId, class_name: row.className, first_seen: at, last_seen: at, attributes: { ...row.attributes } });
    else {
      if (at < track.first_seen) track.first_seen = at;
      if (at > track.last_seen) track.last_seen = at;
      Object.assign(track.attributes, row.attributes);
    }
  }
  return { tracks: [...tracks.values()], notice: { cameraId, fromTime: from.toISOString(), toTime: to.toISOString() } };
}

/**
 * Tracks and observations. A batch is one transaction: tracks upserted by (camera, run, tracker id),
 * observations inserted with their track ids, and the `observations_inserted` NOTIFY, which
 * PostgreSQL delivers only when the transaction commits. By default the whole batch is one
 * prepared statement (one round trip: 1.2-3.9x the rows/s of the four-round-trip transaction in the
 * ingest benchmark).
 */
export class ObservationRepository {
  constructor(
    private readonly pool: pg.Pool,
    private readonly shape: WriteShape = 'statement',
  ) {}

  async insertBatch(cameraId: number, runId: string, rows: readonly ObservationRow[]): Promise<void> {
    if (rows.length === 0) return;
    const { tracks, notice } = summarizeBatch(cameraId, rows);
    if (this.shape === 'statement') return oneStatement(this.pool, cameraId, runId, tracks, rows, JSON.stringify(notice));
    return withTransaction(this.pool, async (client) => {
      await insertInTransaction(client, cameraId, runId, tracks, rows);
      await client.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, JSON.stringify(notice)]);
    });
  }

  /** Daily observation partitions for today and the next days (see migration 0005). */
  async ensurePartitions(daysAhead = 2): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT scouter_ensure_observation_partitions($1) AS n', [daysAhead]);
    return rows[0]!.n;
  }
}
