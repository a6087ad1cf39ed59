import type { HawkMyAssignment, HawkUser } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

/** hawk_project_members, and the questions blind consensus asks (whose replica, merged yet). */
export class MemberRepository {
  constructor(private readonly pool: pg.Pool) {}

  async members(projectId: number): Promise<HawkUser[]> {
    const { rows } = await this.pool.query<HawkUser>(
      `SELECT u.id, u.username, u.role FROM hawk_project_members m JOIN auth_users u ON u.id = m.user_id
       WHERE m.project_id = $1 AND u.disabled_at IS NULL ORDER BY u.username`,
      [projectId],
    );
    return rows;
  }

  /** Replaces the member list of a project in one transaction. */
  async setMembers(projectId: number, userIds: readonly number[], addedBy: number): Promise<void> {
    return withTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM hawk_project_members WHERE project_id = $1 AND NOT (user_id = ANY($2::int[]))', [projectId, userIds]);
      await client.query(
        `INSERT INTO hawk_project_members (project_id, user_id, added_by) SELECT $1, unnest($2::int[]), $3 ON CONFLICT DO NOTHING`,
        [projectId, userIds, addedBy],
      );
    });
  }

  async projectsOf(userId: number): Promise<Set<number>> {
    const { rows } = await this.pool.query<{ project_id: number }>('SELECT project_id FROM hawk_project_members WHERE user_id = $1', [userId]);
    return new Set(rows.map((r) => r.project_id));
  }

  async isMember(projectId: number, userId: number): Promise<boolean> {
    const { rows } = await this.pool.query('SELECT 1 FROM hawk_project_members WHERE project_id = $1 AND user_id = $2', [projectId, userId]);
    return rows.length > 0;
  }

  /**
   * Of `userIds`, those who cannot take an assignment in the project: unknown or disabled users, and
   * annotators who are not members (reviewers and admins see every project).
   */
  async cannotWork(projectId: number, userIds: readonly number[]): Promise<number[]> {
    const { rows } = await this.pool.query<{ id: number }>(
      `SELECT x.id FROM unnest($2::int[]) AS x(id) WHERE NOT EXISTS (
         SELECT 1 FROM auth_users u WHERE u.id = x.id AND u.disabled_at IS NULL AND u.password_hash <> 'system'
           AND (u.role <> 'annotator' OR EXISTS (SELECT 1 FROM hawk_project_members m WHERE m.project_id = $1 AND m.user_id = u.id)))
       ORDER BY x.id`,
      [projectId, userIds],
    );
    return rows.map((r) => r.id);
  }

  /** Assignments with at least one consensus run: their replicas are no longer blind. */
  async mergedAssignments(assignmentIds: readonly number[]): Promise<Set<number>> {
    if (assignmentIds.length === 0) return new Set();
    const { rows } = await this.pool.query<{ assignment_id: number }>('SELECT DISTINCT assignment_id FROM hawk_consensus_runs WHERE assignment_id = ANY($1::int[])', [assignmentIds]);
    return new Set(rows.map((r) => r.assignment_id));
  }

  /** Assignments in which the user has a replica. */
  async assignmentsOf(userId: number): Promise<Set<number>> {
    const { rows } = await this.pool.query<{ assignment_id: number }>("SELECT assignment_id FROM hawk_annotation_sets WHERE kind = 'replica' AND annotator_id = $1", [userId]);
    return new Set(rows.map((r) => r.assignment_id));
  }

  async myAssignments(userId: number): Promise<HawkMyAssignment[]> {
    const { rows } = await this.pool.query<HawkMyAssignment>(
      `SELECT a.id AS "assignmentId", s.id AS "setId", v.id AS "videoId", v.file_name AS "videoName", p.id AS "projectId", p.name AS "projectName",
         a.frame_from AS "frameFrom", a.frame_to AS "frameTo", s.version,
         EXISTS (SELECT 1 FROM hawk_consensus_runs r WHERE r.assignment_id = a.id) AS merged
       FROM hawk_annotation_sets s JOIN hawk_assignments a ON a.id = s.assignment_id
       JOIN hawk_videos v ON v.id = s.video_id JOIN hawk_projects p ON p.id = v.project_id
       WHERE s.kind = 'replica' AND s.annotator_id = $1 ORDER BY a.id DESC`,
      [userId],
    );
    return rows;
  }
}
