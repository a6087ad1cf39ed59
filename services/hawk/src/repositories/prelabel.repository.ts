import type { HawkBox, HawkTrack, HawkLabelSchema, HawkPrelabelClass, HawkPrelabelJob } from '@sightline/contracts';
import type pg from 'pg';
import type { SetPatch } from './annotation.repository.ts';

const SELECT = `SELECT j.id, j.video_id AS "videoId", j.set_id AS "setId", j.frame_from AS "frameFrom", j.frame_to AS "frameTo",
  j.model, j.classes, j.score_threshold AS "scoreThreshold", j.track, j.replace_model_boxes AS replace, j.status, j.frames_done AS "framesDone", j.error, j.worker,
  j.applied_version AS "appliedVersion", j.replaced_count AS replaced,
  (SELECT count(*)::int FROM jsonb_array_elements(j.result->'frames') f, jsonb_array_elements(f->'boxes') b) AS boxes,
  (SELECT count(DISTINCT b->>'trackId')::int FROM jsonb_array_elements(j.result->'frames') f, jsonb_array_elements(f->'boxes') b WHERE b->>'trackId' IS NOT NULL) AS tracks,
  to_json(j.created_at)#>>'{}' AS "createdAt"
  FROM hawk_prelabel_jobs j`;

export interface NewPrelabelJob {
  videoId: number;
  setId: number;
  framesDir: string;
  frameFrom: number;
  frameTo: number;
  classes: HawkPrelabelClass[];
  /** The detector Scouter runs (centernet, nanodet). */
  model: string;
  scoreThreshold: number;
  track: boolean;
  replace: boolean;
  fps: number;
  requestedBy: number;
  /** The worker's bearer token for the frames, and its auth_api_tokens id (migration 0018). */
  framesToken: string;
  framesTokenId: number;
}

/** A finished job locked for writing into its set, with what writing needs. */
export interface DoneJob {
  id: number;
  videoId: number;
  setId: number;
  frameFrom: number;
  frameTo: number;
  replace: boolean;
  /** As the worker stored it: checked against HawkPrelabelResult before use. */
  result: unknown;
  schema: HawkLabelSchema;
  frameCount: number;
}

/** Hawk's side of hawk_prelabel_jobs (migration 0006): queue jobs, read them, write finished ones. */
export class PrelabelRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(job: NewPrelabelJob): Promise<HawkPrelabelJob> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO hawk_prelabel_jobs (video_id, set_id, frames_dir, frame_from, frame_to, classes, score_threshold, track, fps, requested_by, replace_model_boxes, frames_token, frames_token_id, model)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [job.videoId, job.setId, job.framesDir, job.frameFrom, job.frameTo, JSON.stringify(job.classes), job.scoreThreshold, job.track, job.fps, job.requestedBy, job.replace, job.framesToken, job.framesTokenId, job.model],
    );
    return (await this.get(rows[0]!.id))!;
  }

  async get(id: number): Promise<HawkPrelabelJob | undefined> {
    return (await this.pool.query<HawkPrelabelJob>(`${SELECT} WHERE j.id = $1`, [id])).rows[0];
  }

  async listByVideo(videoId: number): Promise<HawkPrelabelJob[]> {
    return (await this.pool.query<HawkPrelabelJob>(`${SELECT} WHERE j.video_id = $1 ORDER BY j.id DESC LIMIT 100`, [videoId])).rows;
  }

  /** Locks the oldest finished, unwritten job (another Hawk process skips it). */
  async lockDone(client: pg.ClientBase): Promise<DoneJob | undefined> {
    const { rows } = await client.query<DoneJob>(
      `SELECT j.id, j.video_id AS "videoId", j.set_id AS "setId", j.frame_from AS "frameFrom", j.frame_to AS "frameTo", j.result,
         j.replace_model_boxes AS replace, p.label_schema AS schema, v.frame_count AS "frameCount"
       FROM hawk_prelabel_jobs j JOIN hawk_videos v ON v.id = j.video_id JOIN hawk_projects p ON p.id = v.project_id
       WHERE j.status = 'done' ORDER BY j.id LIMIT 1 FOR UPDATE OF j SKIP LOCKED`,
    );
    return rows[0];
  }

  /** The set's version, row-locked so no save slips in between reading its boxes and writing. */
  async lockSetVersion(client: pg.ClientBase, setId: number): Promise<number> {
    const { rows } = await client.query<{ version: number }>('SELECT version FROM hawk_annotation_sets WHERE id = $1 FOR UPDATE', [setId]);
    return rows[0]!.version;
  }

  async frames(client: pg.ClientBase, setId: number, from: number, to: number): Promise<Record<string, HawkBox[]>> {
    const { rows } = await client.query<{ frame_index: number; boxes: HawkBox[] }>(
      'SELECT frame_index, boxes FROM hawk_frame_boxes WHERE set_id = $1 AND frame_index BETWEEN $2 AND $3',
      [setId, from, to],
    );
    return Object.fromEntries(rows.map((r) => [String(r.frame_index), r.boxes]));
  }

  /** Model tracks of a set (candidates for replacement). */
  async modelTracks(client: pg.ClientBase, setId: number): Promise<HawkTrack[]> {
    const { rows } = await client.query<HawkTrack>(`SELECT track_id AS id, label, attributes, keyframes FROM hawk_tracks WHERE set_id = $1 AND track_id LIKE 'model-%'`, [setId]);
    return rows;
  }

  /** Every save of a set by one user (the model), oldest first. */
  async savesBy(client: pg.ClientBase, setId: number, userId: number): Promise<Pick<SetPatch, 'frames' | 'tracks'>[]> {
    const { rows } = await client.query<{ patch: SetPatch }>('SELECT patch FROM hawk_annotation_changes WHERE set_id = $1 AND user_id = $2 ORDER BY version', [setId, userId]);
    return rows.map((r) => ({ frames: r.patch.frames ?? {}, tracks: r.patch.tracks ?? [] }));
  }

  async markApplied(client: pg.ClientBase, id: number, version: number, replaced: number | null): Promise<void> {
    await client.query(`UPDATE hawk_prelabel_jobs SET status = 'applied', applied_version = $2, replaced_count = $3 WHERE id = $1`, [id, version, replaced]);
  }

  async markFailed(id: number, error: string): Promise<void> {
    await this.pool.query(`UPDATE hawk_prelabel_jobs SET status = 'failed', error = $2 WHERE id = $1 AND status = 'done'`, [id, error.slice(0, 2000)]);
  }
}
