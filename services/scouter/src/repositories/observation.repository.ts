import { BusChannel, type AttributeValue, type ObservationsInsertedNotice } from '@sightline/contracts';
import type pg from 'pg';

/** One tracked box of one processed frame, ready to store. */
export interface ObservationRow {
  readonly observedAt: Date;
  readonly trackerId: number;
  readonly className: string;
  readonly score: number;
  readonly xyxy: readonly [number, number, number, number];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
}

/**
 * Tracks and observations. A batch is one transaction: tracks upserted by (camera, run, tracker id),
 * observations inserted with their track ids, and the `observations_inserted` NOTIFY, which
 * PostgreSQL delivers only when the transaction commits.
 */
export class ObservationRepository {
  constructor(private readonly pool: pg.Pool) {}

  async insertBatch(cameraId: number, runId: string, rows: readonly ObservationRow[]): Promise<void> {
    if (rows.length === 0) return;
    const tracks = new Map<number, { tracker_id: number; class_name: string; first_seen: string; last_seen: string; attributes: Record<string, AttributeValue> }>();
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
    const notice: ObservationsInsertedNotice = { cameraId, fromTime: from.toISOString(), toTime: to.toISOString() };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `WITH t AS (
           INSERT INTO tracks (camera_id, run_id, tracker_id, class_name, first_seen, last_seen, attributes)
           SELECT $1, $2, r.tracker_id, r.class_name, r.first_seen, r.last_seen, r.attributes
           FROM jsonb_to_recordset($3::jsonb) AS r(tracker_id int, class_name text, first_seen timestamptz, last_seen timestamptz, attributes jsonb)
           ON CONFLICT (camera_id, run_id, tracker_id) DO UPDATE SET
             first_seen = LEAST(tracks.first_seen, EXCLUDED.first_seen), last_seen = GREATEST(tracks.last_seen, EXCLUDED.last_seen),
             attributes = tracks.attributes || EXCLUDED.attributes
           RETURNING id, tracker_id)
         INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2, attributes)
         SELECT o.observed_at, $1, t.id, o.class_name, o.score, o.x1, o.y1, o.x2, o.y2, o.attributes
         FROM unnest($4::timestamptz[], $5::int[], $6::text[], $7::real[], $8::real[], $9::real[], $10::real[], $11::real[], $12::jsonb[])
           AS o(observed_at, tracker_id, class_name, score, x1, y1, x2, y2, attributes)
         JOIN t ON t.tracker_id = o.tracker_id`,
        [
          cameraId,
          runId,
          JSON.stringify([...tracks.values()]),
          rows.map((r) => r.observedAt.toISOString()),
          rows.map((r) => r.trackerId),
          rows.map((r) => r.className),
          rows.map((r) => r.score),
          rows.map((r) => r.xyxy[0]),
          rows.map((r) => r.xyxy[1]),
          rows.map((r) => r.xyxy[2]),
          rows.map((r) => r.xyxy[3]),
          rows.map((r) => JSON.stringify(r.attributes)),
        ],
      );
      await client.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, JSON.stringify(notice)]);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /** Daily observation partitions for today and the next days (see migration 0005). */
  async ensurePartitions(daysAhead = 2): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT scouter_ensure_observation_partitions($1) AS n', [daysAhead]);
    return rows[0]!.n;
  }
}
