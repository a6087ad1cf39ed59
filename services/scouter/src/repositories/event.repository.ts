import type { AttributeValue, EventKind, EventQuery, ScouterEvent } from '@sightline/contracts';
import type pg from 'pg';

/** An event to store: what the pipeline saw, and the snapshot JPEG when one was made. */
export interface NewEvent {
  readonly occurredAt: Date;
  readonly cameraId: number;
  readonly runId: string;
  readonly kind: EventKind;
  readonly trackerId: number;
  readonly className: string;
  readonly region: string | null;
  readonly direction: 'in' | 'out' | null;
  readonly score: number;
  readonly xyxy: readonly [number, number, number, number];
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  readonly snapshot: Buffer | undefined;
}

interface EventRow {
  id: string;
  occurred_at: Date;
  camera_id: number;
  camera_name: string;
  kind: EventKind;
  tracker_id: number;
  class_name: string;
  region: string | null;
  direction: 'in' | 'out' | null;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  attributes: Record<string, AttributeValue>;
  has_snapshot: boolean;
}

const SELECT_EVENT = `
  SELECT e.id, e.occurred_at, e.camera_id, c.name AS camera_name, e.kind, e.tracker_id, e.class_name, e.region, e.direction,
         e.score, e.x1, e.y1, e.x2, e.y2, e.attributes, e.snapshot IS NOT NULL AS has_snapshot
  FROM scouter_events e JOIN cameras c ON c.id = e.camera_id`;

function toEvent(r: EventRow): ScouterEvent {
  return {
    id: Number(r.id),
    occurredAt: r.occurred_at.toISOString(),
    cameraId: r.camera_id,
    cameraName: r.camera_name,
    kind: r.kind,
    trackerId: r.tracker_id,
    className: r.class_name,
    region: r.region,
    direction: r.direction,
    score: r.score,
    xyxy: [r.x1, r.y1, r.x2, r.y2],
    attributes: r.attributes,
    hasSnapshot: r.has_snapshot,
  };
}

/** Events of tracked objects with their snapshots. The only place event SQL runs. */
export class EventRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Stores one event; undefined when its camera no longer exists. */
  async insert(e: NewEvent): Promise<ScouterEvent | undefined> {
    const { rows } = await this.pool.query<EventRow>(
      `WITH e AS (
         INSERT INTO scouter_events (occurred_at, camera_id, kind, run_id, tracker_id, class_name, region, direction, score, x1, y1, x2, y2, attributes, snapshot)
         SELECT $1, c.id, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM cameras c WHERE c.id = $2
         RETURNING *)
       SELECT e.id, e.occurred_at, e.camera_id, c.name AS camera_name, e.kind, e.tracker_id, e.class_name, e.region, e.direction,
              e.score, e.x1, e.y1, e.x2, e.y2, e.attributes, e.snapshot IS NOT NULL AS has_snapshot
       FROM e JOIN cameras c ON c.id = e.camera_id`,
      [e.occurredAt, e.cameraId, e.kind, e.runId, e.trackerId, e.className, e.region, e.direction, e.score, e.xyxy[0], e.xyxy[1], e.xyxy[2], e.xyxy[3], JSON.stringify(e.attributes), e.snapshot ?? null],
    );
    return rows[0] ? toEvent(rows[0]) : undefined;
  }

  /**
   * Newest first. `attribute` ("gender=female") matches values at or above `minConfidence`;
   * numeric heads (age) match the rounded value.
   */
  async list(query: EventQuery, minConfidence: number): Promise<ScouterEvent[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown) => `$${args.push(v)}`;
    if (query.cameraId !== undefined) where.push(`e.camera_id = ${arg(query.cameraId)}`);
    if (query.className !== undefined) where.push(`e.class_name = ${arg(query.className)}`);
    if (query.kind !== undefined) where.push(`e.kind = ${arg(query.kind)}`);
    if (query.before !== undefined) where.push(`e.id < ${arg(query.before)}`);
    if (query.attribute !== undefined) {
      const [head, value] = query.attribute.split('=') as [string, string];
      const path = arg(head);
      where.push(
        `(e.attributes->${path}->>'confidence')::float8 >= ${arg(minConfidence)}
         AND (e.attributes->${path}->>'value' = ${arg(value)}
              OR (jsonb_typeof(e.attributes->${path}->'value') = 'number' AND round((e.attributes->${path}->>'value')::numeric)::text = ${arg(value)}))`,
      );
    }
    const sql = `${SELECT_EVENT} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY e.occurred_at DESC, e.id DESC LIMIT ${arg(query.limit ?? 100)}`;
    const { rows } = await this.pool.query<EventRow>(sql, args);
    return rows.map(toEvent);
  }

  async snapshot(id: number): Promise<Buffer | undefined> {
    const { rows } = await this.pool.query<{ snapshot: Buffer | null }>('SELECT snapshot FROM scouter_events WHERE id = $1', [id]);
    return rows[0]?.snapshot ?? undefined;
  }

  /** Deletes events older than `retentionHours` and, per camera, all but the newest `maxPerCamera`; returns how many went. */
  async prune(retentionHours: number, maxPerCamera: number): Promise<number> {
    const old = await this.pool.query("DELETE FROM scouter_events WHERE occurred_at < now() - make_interval(secs => $1 * 3600)", [retentionHours]);
    const excess = await this.pool.query(
      `DELETE FROM scouter_events e USING (
         SELECT occurred_at, id FROM (
           SELECT occurred_at, id, row_number() OVER (PARTITION BY camera_id ORDER BY occurred_at DESC, id DESC) AS n FROM scouter_events) ranked
         WHERE n > $1) x
       WHERE e.occurred_at = x.occurred_at AND e.id = x.id`,
      [maxPerCamera],
    );
    return (old.rowCount ?? 0) + (excess.rowCount ?? 0);
  }
}
