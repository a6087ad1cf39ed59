import type { HawkAgreement, HawkReview } from '@sightline/contracts';
import type pg from 'pg';

export interface AssignmentRow {
  id: number;
  videoId: number;
  frameFrom: number;
  frameTo: number;
}

/** hawk_assignments, hawk_consensus_runs and hawk_reviews. */
export class AssignmentRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(client: pg.ClientBase, videoId: number, frameFrom: number, frameTo: number, userId: number): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      'INSERT INTO hawk_assignments (video_id, frame_from, frame_to, created_by) VALUES ($1, $2, $3, $4) RETURNING id',
      [videoId, frameFrom, frameTo, userId],
    );
    return rows[0]!.id;
  }

  async get(id: number): Promise<AssignmentRow | undefined> {
    const { rows } = await this.pool.query<AssignmentRow>(
      'SELECT id, video_id AS "videoId", frame_from AS "frameFrom", frame_to AS "frameTo" FROM hawk_assignments WHERE id = $1',
      [id],
    );
    return rows[0];
  }

  async listByVideo(videoId: number): Promise<AssignmentRow[]> {
    const { rows } = await this.pool.query<AssignmentRow>(
      'SELECT id, video_id AS "videoId", frame_from AS "frameFrom", frame_to AS "frameTo" FROM hawk_assignments WHERE video_id = $1 ORDER BY id',
      [videoId],
    );
    return rows;
  }

  async recordRun(client: pg.ClientBase, run: { assignmentId: number; resultSetId: number; minIou: number; quorum: number; agreement: HawkAgreement[]; userId: number }): Promise<number> {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO hawk_consensus_runs (assignment_id, result_set_id, min_iou, quorum, agreement, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [run.assignmentId, run.resultSetId, run.minIou, run.quorum, JSON.stringify(run.agreement), run.userId],
    );
    return rows[0]!.id;
  }

  async addReview(setId: number, frameFrom: number, frameTo: number, decision: string, comment: string, reviewerId: number): Promise<number> {
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO hawk_reviews (set_id, frame_from, frame_to, decision, comment, reviewer_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [setId, frameFrom, frameTo, decision, comment, reviewerId],
    );
    return rows[0]!.id;
  }

  /** Every review of every set of a video, oldest first (later decisions override earlier ones). */
  async reviewsOfVideo(videoId: number): Promise<HawkReview[]> {
    const { rows } = await this.pool.query<HawkReview>(
      `SELECT r.id, r.set_id AS "setId", r.frame_from AS "frameFrom", r.frame_to AS "frameTo", r.decision, r.comment,
         u.username AS reviewer, to_json(r.created_at)#>>'{}' AS "createdAt"
       FROM hawk_reviews r JOIN hawk_annotation_sets s ON s.id = r.set_id JOIN auth_users u ON u.id = r.reviewer_id
       WHERE s.video_id = $1 ORDER BY r.id`,
      [videoId],
    );
    return rows;
  }

  async videoOfReview(reviewId: number): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ video_id: number }>(
      'SELECT s.video_id FROM hawk_reviews r JOIN hawk_annotation_sets s ON s.id = r.set_id WHERE r.id = $1',
      [reviewId],
    );
    return rows[0]?.video_id;
  }
}
