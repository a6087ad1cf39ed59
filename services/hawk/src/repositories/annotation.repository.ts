import type { HawkAnnotationSetInfo, HawkBox, HawkHistoryEntry, HawkSetKind, HawkTrack } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

const SET_SELECT = `SELECT s.id, s.video_id AS "videoId", s.kind, s.assignment_id AS "assignmentId", s.annotator_id AS "annotatorId",
  u.username AS annotator, s.version, to_json(s.updated_at)#>>'{}' AS "updatedAt",
  a.frame_from AS "frameFrom", a.frame_to AS "frameTo"
  FROM hawk_annotation_sets s LEFT JOIN auth_users u ON u.id = s.annotator_id LEFT JOIN hawk_assignments a ON a.id = s.assignment_id`;

export interface SetPatch {
  frames: Record<string, HawkBox[]>;
  tracks: HawkTrack[];
  deletedTrackIds: string[];
}

/** Annotation sets, their boxes and tracks, and the change log. */
export class AnnotationRepository {
  constructor(private readonly pool: pg.Pool) {}

  async getSet(id: number): Promise<HawkAnnotationSetInfo | undefined> {
    return (await this.pool.query<HawkAnnotationSetInfo>(`${SET_SELECT} WHERE s.id = $1`, [id])).rows[0];
  }

  async listSets(videoId: number): Promise<HawkAnnotationSetInfo[]> {
    return (await this.pool.query<HawkAnnotationSetInfo>(`${SET_SELECT} WHERE s.video_id = $1 ORDER BY s.id`, [videoId])).rows;
  }

  /** The video's shared set, created on first use. */
  async mainSet(videoId: number): Promise<HawkAnnotationSetInfo> {
    await this.pool.query(
      `INSERT INTO hawk_annotation_sets (video_id, kind) VALUES ($1, 'main')
       ON CONFLICT (video_id) WHERE kind = 'main' DO NOTHING`,
      [videoId],
    );
    return (await this.pool.query<HawkAnnotationSetInfo>(`${SET_SELECT} WHERE s.video_id = $1 AND s.kind = 'main'`, [videoId])).rows[0]!;
  }

  /** Main sets for videos without one; returns how many were added. */
  async ensureMainSets(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO hawk_annotation_sets (video_id, kind)
       SELECT v.id, 'main' FROM hawk_videos v
       WHERE NOT EXISTS (SELECT 1 FROM hawk_annotation_sets s WHERE s.video_id = v.id AND s.kind = 'main')
       ON CONFLICT (video_id) WHERE kind = 'main' DO NOTHING`,
    );
    return rowCount ?? 0;
  }

  async createSet(client: pg.ClientBase, videoId: number, kind: HawkSetKind, assignmentId: number | null, annotatorId: number | null): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      'INSERT INTO hawk_annotation_sets (video_id, kind, assignment_id, annotator_id) VALUES ($1, $2, $3, $4) RETURNING id',
      [videoId, kind, assignmentId, annotatorId],
    );
    return rows[0]!.id;
  }

  async frames(setId: number, from: number, to: number): Promise<Record<string, HawkBox[]>> {
    const { rows } = await this.pool.query<{ frame_index: number; boxes: HawkBox[] }>(
      'SELECT frame_index, boxes FROM hawk_frame_boxes WHERE set_id = $1 AND frame_index BETWEEN $2 AND $3 ORDER BY frame_index',
      [setId, from, to],
    );
    return Object.fromEntries(rows.filter((r) => r.boxes.length > 0).map((r) => [String(r.frame_index), r.boxes]));
  }

  /** How many boxes the frames of [from, to] hold (counted in the database, without fetching them). */
  async countBoxes(setId: number, from: number, to: number): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>(
      'SELECT coalesce(sum(jsonb_array_length(boxes)), 0)::int AS n FROM hawk_frame_boxes WHERE set_id = $1 AND frame_index BETWEEN $2 AND $3',
      [setId, from, to],
    );
    return rows[0]!.n;
  }

  /** Tracks whose keyframes span any frame of [from, to] (a track stays alive until an outside keyframe). */
  async tracks(setId: number, from: number, to: number): Promise<HawkTrack[]> {
    const { rows } = await this.pool.query<HawkTrack>(
      `SELECT track_id AS id, label, attributes, keyframes FROM hawk_tracks
       WHERE set_id = $1 AND (keyframes->0->>'frame')::int <= $3
         AND ((keyframes->-1->>'frame')::int >= $2 OR NOT (keyframes->-1->>'outside')::boolean)
       ORDER BY track_id`,
      [setId, from, to],
    );
    return rows;
  }

  /**
   * Applies a patch if the set is still at `baseVersion`; returns the new version, or null when
   * another save got there first (nothing written). Runs in one transaction with the change log.
   */
  async applyPatch(setId: number, baseVersion: number, patch: SetPatch, userId: number, client?: pg.ClientBase): Promise<number | null> {
    const own = client ? undefined : await this.pool.connect();
    const c = client ?? own!;
    try {
      if (own) await c.query('BEGIN');
      const { rows } = await c.query<{ version: number }>(
        'UPDATE hawk_annotation_sets SET version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING version',
        [setId, baseVersion],
      );
      const version = rows[0]?.version;
      if (version === undefined) {
        if (own) await c.query('ROLLBACK');
        return null;
      }
      const frameEntries = Object.entries(patch.frames);
      if (frameEntries.length > 0) {
        await c.query(
          `INSERT INTO hawk_frame_boxes (set_id, frame_index, boxes)
           SELECT $1, f.idx, f.boxes FROM jsonb_to_recordset($2::jsonb) AS f(idx int, boxes jsonb)
           ON CONFLICT (set_id, frame_index) DO UPDATE SET boxes = EXCLUDED.boxes`,
          [setId, JSON.stringify(frameEntries.map(([idx, boxes]) => ({ idx: Number(idx), boxes })))],
        );
      }
      if (patch.tracks.length > 0) {
        await c.query(
          `INSERT INTO hawk_tracks (set_id, track_id, label, attributes, keyframes)
           SELECT $1, t.id, t.label, t.attributes, t.keyframes FROM jsonb_to_recordset($2::jsonb) AS t(id text, label text, attributes jsonb, keyframes jsonb)
           ON CONFLICT (set_id, track_id) DO UPDATE SET label = EXCLUDED.label, attributes = EXCLUDED.attributes, keyframes = EXCLUDED.keyframes`,
          [setId, JSON.stringify(patch.tracks)],
        );
      }
      if (patch.deletedTrackIds.length > 0) {
        await c.query('DELETE FROM hawk_tracks WHERE set_id = $1 AND track_id = ANY($2)', [setId, patch.deletedTrackIds]);
      }
      await c.query('INSERT INTO hawk_annotation_changes (set_id, version, patch, user_id) VALUES ($1, $2, $3, $4)', [setId, version, JSON.stringify(patch), userId]);
      if (own) await c.query('COMMIT');
      return version;
    } catch (err) {
      if (own) await c.query('ROLLBACK');
      throw err;
    } finally {
      own?.release();
    }
  }

  async history(setId: number, limit: number): Promise<HawkHistoryEntry[]> {
    const { rows } = await this.pool.query<HawkHistoryEntry>(
      `SELECT c.version, c.user_id AS "userId", u.username, to_json(c.created_at)#>>'{}' AS "createdAt", c.patch
       FROM hawk_annotation_changes c JOIN auth_users u ON u.id = c.user_id WHERE c.set_id = $1 ORDER BY c.version DESC LIMIT $2`,
      [setId, limit],
    );
    return rows;
  }

  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work);
  }
}
