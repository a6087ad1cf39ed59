import type { HawkLabelSchema, HawkProject } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

const SELECT = `SELECT p.id, p.name, p.label_schema AS "labelSchema", p.schema_version AS "schemaVersion",
  to_json(p.created_at)#>>'{}' AS "createdAt",
  (SELECT count(*)::int FROM hawk_videos v WHERE v.project_id = p.id) AS "videoCount"
  FROM hawk_projects p`;

/** hawk_projects, and the label usage counts a schema change must respect. */
export class ProjectRepository {
  constructor(private readonly pool: pg.Pool) {}

  async create(name: string, labelSchema: HawkLabelSchema, userId: number): Promise<number | null> {
    const { rows } = await this.pool.query<{ id: number }>(
      'INSERT INTO hawk_projects (name, label_schema, created_by) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id',
      [name, JSON.stringify(labelSchema), userId],
    );
    return rows[0]?.id ?? null;
  }

  async list(): Promise<HawkProject[]> {
    return (await this.pool.query<HawkProject>(`${SELECT} ORDER BY p.id`)).rows;
  }

  async get(id: number): Promise<HawkProject | undefined> {
    return (await this.pool.query<HawkProject>(`${SELECT} WHERE p.id = $1`, [id])).rows[0];
  }

  /** How many boxes and tracks of the project carry each label. */
  async labelUsage(projectId: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ label: string; n: number }>(
      `SELECT label, count(*)::int AS n FROM (
         SELECT b->>'label' AS label FROM hawk_frame_boxes f
           JOIN hawk_annotation_sets s ON s.id = f.set_id JOIN hawk_videos v ON v.id = s.video_id,
           jsonb_array_elements(f.boxes) b WHERE v.project_id = $1
         UNION ALL
         SELECT t.label FROM hawk_tracks t
           JOIN hawk_annotation_sets s ON s.id = t.set_id JOIN hawk_videos v ON v.id = s.video_id WHERE v.project_id = $1
       ) x GROUP BY label`,
      [projectId],
    );
    return new Map(rows.map((r) => [r.label, r.n]));
  }

  /**
   * Replaces the schema if `expectedVersion` is current, renaming labels in every box and track of
   * the project in the same transaction. False when the version was stale.
   */
  async updateSchema(projectId: number, labelSchema: HawkLabelSchema, expectedVersion: number, renames: Record<string, string>): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const { rowCount } = await client.query(
        `UPDATE hawk_projects SET label_schema = $2, schema_version = schema_version + 1, updated_at = now()
         WHERE id = $1 AND schema_version = $3`,
        [projectId, JSON.stringify(labelSchema), expectedVersion],
      );
      if (rowCount !== 1) {
        return false;
      }
      for (const [from, to] of Object.entries(renames)) {
        await client.query(
          `UPDATE hawk_frame_boxes f SET boxes = (
             SELECT jsonb_agg(CASE WHEN b->>'label' = $2 THEN jsonb_set(b, '{label}', to_jsonb($3::text)) ELSE b END ORDER BY o)
             FROM jsonb_array_elements(f.boxes) WITH ORDINALITY AS e(b, o))
           FROM hawk_annotation_sets s JOIN hawk_videos v ON v.id = s.video_id
           WHERE s.id = f.set_id AND v.project_id = $1 AND jsonb_array_length(f.boxes) > 0`,
          [projectId, from, to],
        );
        await client.query(
          `UPDATE hawk_tracks t SET label = $3 FROM hawk_annotation_sets s JOIN hawk_videos v ON v.id = s.video_id
           WHERE s.id = t.set_id AND v.project_id = $1 AND t.label = $2`,
          [projectId, from, to],
        );
      }
      return true;
    });
  }
}
