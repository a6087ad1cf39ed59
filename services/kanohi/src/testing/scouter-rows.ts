// Plays Scouter's part for Kanohi's tests: real rows in cameras/tracks/observations and the
// `observations_inserted` NOTIFY exactly as packages/contracts bus.ts describes it.
import { deflateSync, crc32 } from 'node:zlib';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { BusChannel } from '@sightline/contracts';

/** A valid RGB PNG of the given size, drawn by `pixel(x, y) -> [r, g, b]`. */
export function drawPng(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width * 3 + 1)] = 0;
    for (let x = 0; x < width; x++) raw.set(pixel(x, y), y * (width * 3 + 1) + 1 + x * 3);
  }
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body), 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Inserts a camera the way Scouter registers one; returns its id. */
export async function insertCamera(pool: pg.Pool, name: string, frameWh: readonly [number, number], fps = 10): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO cameras (name, uri, fps, frame_width, frame_height) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [name, `file:///videos/${name}.mp4`, fps, frameWh[0], frameWh[1]],
  );
  return rows[0]!.id;
}

export interface ObservationInput {
  readonly trackId: number;
  readonly observedAt: Date;
  /** Box in camera pixels. */
  readonly xyxy: readonly [number, number, number, number];
  readonly className?: string;
  readonly attributes?: Record<string, unknown>;
}

/** Inserts a tracker identity as Scouter does; returns the stable track id. */
export async function insertTrack(pool: pg.Pool, cameraId: number, trackerId: number, at: Date, attributes: Record<string, unknown> = {}): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO tracks (camera_id, run_id, tracker_id, class_name, first_seen, last_seen, attributes) VALUES ($1, $2, $3, 'person', $4, $4, $5) RETURNING id`,
    [cameraId, randomUUID(), trackerId, at, JSON.stringify(attributes)],
  );
  return rows[0]!.id;
}

/** One Scouter batch: insert the observations, commit, then NOTIFY with the batch's camera and time range. */
export async function insertBatch(pool: pg.Pool, cameraId: number, observations: readonly ObservationInput[]): Promise<void> {
  if (observations.length === 0) return;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (const o of observations) {
      await client.query(
        `INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2, attributes) VALUES ($1, $2, $3, $4, 0.9, $5, $6, $7, $8, $9)`,
        [o.observedAt, cameraId, o.trackId, o.className ?? 'person', ...o.xyxy, JSON.stringify(o.attributes ?? {})],
      );
    }
    await client.query('COMMIT');
  } finally {
    client.release();
  }
  const times = observations.map((o) => o.observedAt.getTime());
  const payload = { cameraId, fromTime: new Date(Math.min(...times)).toISOString(), toTime: new Date(Math.max(...times)).toISOString() };
  await pool.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, JSON.stringify(payload)]);
}
