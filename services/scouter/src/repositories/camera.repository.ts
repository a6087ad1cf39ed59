import type { Camera, CameraRegions, CameraState } from '@sightline/contracts';
import type { PipelineSpec } from '@sightline/flow';
import type pg from 'pg';

export interface NewCamera {
  readonly name: string;
  readonly uri: string;
  readonly fps: number;
  readonly loop: boolean;
  readonly enabled: boolean;
  readonly regions?: CameraRegions;
}

/** What a worker needs to run a camera: its settings and pipeline spec. */
export interface CameraRun {
  readonly id: number;
  readonly name: string;
  readonly uri: string;
  readonly fps: number;
  readonly loop: boolean;
  readonly spec: PipelineSpec | null;
  /** Masks, zones and lines; changed on a running camera without restarting it. */
  readonly regions: CameraRegions;
}

const SELECT_CAMERA = `
  SELECT c.id, c.name, c.uri, c.fps, c.loop_video, c.enabled, c.frame_width, c.frame_height, c.regions, c.created_at, c.updated_at,
         s.state, s.message, s.frames_decoded, s.frames_processed, s.frames_dropped, s.frames_predicted, s.reconnects, s.fps AS actual_fps,
         s.latency_ms_p50, s.latency_ms_p95, l.worker_id, p.flow_id,
         COALESCE(p.spec->'attributes'->'heads', '[]'::jsonb) AS heads, COALESCE(p.spec->'detect'->>'model', 'centernet') AS detector
  FROM cameras c
  LEFT JOIN camera_status s ON s.camera_id = c.id
  LEFT JOIN camera_leases l ON l.camera_id = c.id AND l.expires_at > now()
  LEFT JOIN camera_pipelines p ON p.camera_id = c.id`;

interface CameraRow {
  id: number;
  name: string;
  uri: string;
  fps: number;
  loop_video: boolean;
  enabled: boolean;
  frame_width: number | null;
  frame_height: number | null;
  regions: CameraRegions;
  created_at: Date;
  updated_at: Date;
  state: CameraState | null;
  message: string | null;
  frames_decoded: number | null;
  frames_processed: number | null;
  frames_dropped: number | null;
  frames_predicted: number | null;
  reconnects: number | null;
  actual_fps: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  worker_id: string | null;
  flow_id: number | null;
  heads: string[];
  detector: string;
}

function toCamera(row: CameraRow): Camera {
  return {
    id: row.id,
    name: row.name,
    uri: row.uri,
    fps: row.fps,
    loop: row.loop_video,
    enabled: row.enabled,
    frameWidth: row.frame_width,
    frameHeight: row.frame_height,
    // A lease holder is running it; without one the last state is history, so say idle.
    state: row.worker_id ? (row.state ?? 'starting') : row.state === 'ended' || row.state === 'failed' ? row.state : 'idle',
    stateMessage: row.message,
    workerId: row.worker_id,
    flowId: row.flow_id,
    attributes: row.heads,
    detector: row.detector,
    regions: row.regions,
    stats: {
      framesDecoded: row.frames_decoded ?? 0,
      framesProcessed: row.frames_processed ?? 0,
      framesDropped: row.frames_dropped ?? 0,
      framesPredicted: row.frames_predicted ?? 0,
      reconnects: row.reconnects ?? 0,
      fps: row.actual_fps ?? 0,
      latencyMsP50: row.latency_ms_p50,
      latencyMsP95: row.latency_ms_p95,
    },
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** Cameras and the pipeline spec each runs. The only place camera SQL runs. */
export class CameraRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Camera[]> {
    const { rows } = await this.pool.query<CameraRow>(`${SELECT_CAMERA} ORDER BY c.id`);
    return rows.map(toCamera);
  }

  async get(id: number): Promise<Camera | undefined> {
    const { rows } = await this.pool.query<CameraRow>(`${SELECT_CAMERA} WHERE c.id = $1`, [id]);
    return rows[0] ? toCamera(rows[0]) : undefined;
  }

  async findIdByName(name: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ id: number }>('SELECT id FROM cameras WHERE name = $1', [name]);
    return rows[0]?.id;
  }

  /** Inserts the camera and its pipeline spec together; a taken name raises pg error 23505. */
  async create(camera: NewCamera, spec: PipelineSpec, flowId: number | null = null, client: pg.ClientBase | pg.Pool = this.pool): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `WITH c AS (INSERT INTO cameras (name, uri, fps, loop_video, enabled, regions) VALUES ($1, $2, $3, $4, $5, COALESCE($8::jsonb, '{"masks": [], "zones": [], "lines": []}'::jsonb)) RETURNING id)
       INSERT INTO camera_pipelines (camera_id, flow_id, spec) SELECT id, $6, $7 FROM c RETURNING camera_id AS id`,
      [camera.name, camera.uri, camera.fps, camera.loop, camera.enabled, flowId, JSON.stringify(spec), camera.regions ? JSON.stringify(camera.regions) : null],
    );
    return rows[0]!.id;
  }

  /** Replaces settings and spec of an existing camera (flows re-started with changed sources). */
  async replace(id: number, camera: NewCamera, spec: PipelineSpec, flowId: number | null, client: pg.ClientBase | pg.Pool = this.pool): Promise<void> {
    await client.query('UPDATE cameras SET uri = $2, fps = $3, loop_video = $4, enabled = $5, updated_at = now() WHERE id = $1', [id, camera.uri, camera.fps, camera.loop, camera.enabled]);
    await client.query("DELETE FROM camera_status WHERE camera_id = $1 AND state = 'ended'", [id]);
    await client.query(
      `INSERT INTO camera_pipelines (camera_id, flow_id, spec) VALUES ($1, $2, $3)
       ON CONFLICT (camera_id) DO UPDATE SET flow_id = EXCLUDED.flow_id, spec = EXCLUDED.spec`,
      [id, flowId, JSON.stringify(spec)],
    );
  }

  /**
   * Changes settings (and spec); a played-out file camera becomes claimable again, so it plays anew.
   * A taken name raises pg error 23505.
   */
  async update(id: number, patch: { name?: string; uri?: string; fps?: number; loop?: boolean; enabled?: boolean; regions?: CameraRegions }, spec?: PipelineSpec): Promise<boolean> {
    await this.pool.query("DELETE FROM camera_status WHERE camera_id = $1 AND state = 'ended'", [id]);
    const { rowCount } = await this.pool.query(
      `UPDATE cameras SET uri = COALESCE($2, uri), fps = COALESCE($3, fps), loop_video = COALESCE($4, loop_video),
         enabled = COALESCE($5, enabled), name = COALESCE($6, name), regions = COALESCE($7::jsonb, regions), updated_at = now() WHERE id = $1`,
      [id, patch.uri ?? null, patch.fps ?? null, patch.loop ?? null, patch.enabled ?? null, patch.name ?? null, patch.regions ? JSON.stringify(patch.regions) : null],
    );
    if (spec) await this.pool.query('UPDATE camera_pipelines SET spec = $2 WHERE camera_id = $1', [id, JSON.stringify(spec)]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Deletes a camera and, by cascade, its tracks, observations and state. A pipeline still writing a
   * batch locks the same rows in the other order, so PostgreSQL may pick this delete as a deadlock
   * victim (40P01): it is tried again once the batch has gone through (or failed for good).
   */
  async remove(id: number): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { rowCount } = await this.pool.query('DELETE FROM cameras WHERE id = $1', [id]);
        return (rowCount ?? 0) > 0;
      } catch (err) {
        if ((err as { code?: string }).code !== '40P01' || attempt >= 5) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  /** The stored pipeline spec of a camera (null for a camera stored without one). */
  async spec(id: number): Promise<PipelineSpec | null> {
    const { rows } = await this.pool.query<{ spec: PipelineSpec }>('SELECT spec FROM camera_pipelines WHERE camera_id = $1', [id]);
    return rows[0]?.spec ?? null;
  }

  /** The cameras a worker holds, with their specs; disabled or deleted ones are left out. */
  async runsFor(ids: readonly number[]): Promise<CameraRun[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query<{ id: number; name: string; uri: string; fps: number; loop_video: boolean; spec: PipelineSpec | null; regions: CameraRegions }>(
      `SELECT c.id, c.name, c.uri, c.fps, c.loop_video, c.regions, p.spec FROM cameras c LEFT JOIN camera_pipelines p ON p.camera_id = c.id
       WHERE c.id = ANY($1) AND c.enabled ORDER BY c.id`,
      [ids],
    );
    return rows.map((r) => ({ id: r.id, name: r.name, uri: r.uri, fps: r.fps, loop: r.loop_video, spec: r.spec, regions: r.regions }));
  }

  async setFrameSize(id: number, width: number, height: number): Promise<void> {
    await this.pool.query('UPDATE cameras SET frame_width = $2, frame_height = $3 WHERE id = $1 AND (frame_width IS DISTINCT FROM $2 OR frame_height IS DISTINCT FROM $3)', [id, width, height]);
  }
}
