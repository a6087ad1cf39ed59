// scouter_training_jobs and scouter_attribute_heads (migration 0011): the only SQL of training.
import type { AttributeHeadVersion, TrainEpoch, TrainJob, TrainJobConfig, TrainMetrics } from '@sightline/contracts';
import { withTransaction } from '@sightline/db';
import type pg from 'pg';

const JOB_COLUMNS = `id, grid_id AS "gridId", name, status, config, progress, epochs, metrics, dataset, error,
  cancel_requested AS "cancelRequested", head_id AS "headId", created_at AS "createdAt", finished_at AS "finishedAt"`;
const HEAD_COLUMNS = `id, name, version, job_id AS "jobId", labels, metrics, deployed, created_at AS "createdAt"`;

type JobRow = Omit<TrainJob, 'createdAt' | 'finishedAt'> & { createdAt: Date; finishedAt: Date | null };
type HeadRow = Omit<AttributeHeadVersion, 'createdAt'> & { createdAt: Date };

const job = (r: JobRow): TrainJob => ({ ...r, createdAt: r.createdAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null });
const head = (r: HeadRow): AttributeHeadVersion => ({ ...r, createdAt: r.createdAt.toISOString() });

export interface NewHead {
  name: string;
  labels: string[];
  spec: object;
  onnx: Uint8Array;
  config: TrainJobConfig;
  metrics: TrainMetrics;
  boxIds: { train: string[]; validation: string[] };
}

export class TrainingRepository {
  constructor(private readonly pool: pg.Pool) {}

  async enqueue(gridId: string, jobs: readonly { name: string; config: TrainJobConfig }[]): Promise<TrainJob[]> {
    const { rows } = await this.pool.query<JobRow>(
      `INSERT INTO scouter_training_jobs (grid_id, name, config)
       SELECT $1, j->>'name', j->'config' FROM jsonb_array_elements($2::jsonb) j RETURNING ${JOB_COLUMNS}`,
      [gridId, JSON.stringify(jobs)],
    );
    return rows.map(job).sort((a, b) => a.id - b.id);
  }

  async list(limit = 200): Promise<TrainJob[]> {
    const { rows } = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM scouter_training_jobs ORDER BY id DESC LIMIT $1`, [limit]);
    return rows.map(job);
  }

  async get(id: number): Promise<TrainJob | undefined> {
    const { rows } = await this.pool.query<JobRow>(`SELECT ${JOB_COLUMNS} FROM scouter_training_jobs WHERE id = $1`, [id]);
    return rows[0] && job(rows[0]);
  }

  /**
   * Claims the oldest queued job (optionally of one grid). A running job whose worker stopped
   * beating for `staleAfterMs` is failed first: its head was never stored.
   */
  async claim(worker: string, staleAfterMs: number, gridId?: string): Promise<TrainJob | undefined> {
    await this.pool.query(
      `UPDATE scouter_training_jobs SET status = 'failed', error = 'the worker stopped (crash or shutdown) before the job finished; no head was stored', finished_at = now()
       WHERE status = 'running' AND heartbeat_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [staleAfterMs],
    );
    const { rows } = await this.pool.query<JobRow>(
      `UPDATE scouter_training_jobs SET status = 'running', worker = $1, started_at = now(), heartbeat_at = now()
       WHERE id = (SELECT id FROM scouter_training_jobs WHERE status = 'queued' AND ($2::text IS NULL OR grid_id = $2)
                   ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
       RETURNING ${JOB_COLUMNS}`,
      [worker, gridId ?? null],
    );
    return rows[0] && job(rows[0]);
  }

  /** Progress and the epochs so far; returns whether a cancel was asked for (false also when the job is no longer ours). */
  async progress(id: number, worker: string, progress: number, epochs: readonly TrainEpoch[], dataset?: object): Promise<{ cancel: boolean }> {
    const { rows } = await this.pool.query<{ cancel: boolean }>(
      `UPDATE scouter_training_jobs SET progress = $3, epochs = $4, dataset = COALESCE($5, dataset), heartbeat_at = now()
       WHERE id = $1 AND worker = $2 AND status = 'running' RETURNING cancel_requested AS cancel`,
      [id, worker, Math.min(1, Math.max(0, progress)), JSON.stringify(epochs), dataset ? JSON.stringify(dataset) : null],
    );
    return { cancel: rows[0]?.cancel ?? true };
  }

  /** Stores the head as the next version of its name and marks the job done, in one transaction. */
  async finish(id: number, worker: string, epochs: readonly TrainEpoch[], h: NewHead): Promise<AttributeHeadVersion> {
    return withTransaction(this.pool, async (client) => {
      // Serialise version numbers per name across workers.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`scouter_attribute_heads:${h.name}`]);
      const { rows } = await client.query<HeadRow>(
        `INSERT INTO scouter_attribute_heads (name, version, job_id, labels, spec, onnx, config, metrics, box_ids)
         SELECT $1, COALESCE(MAX(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM scouter_attribute_heads WHERE name = $1
         RETURNING ${HEAD_COLUMNS}`,
        [h.name, id, JSON.stringify(h.labels), JSON.stringify(h.spec), Buffer.from(h.onnx), JSON.stringify(h.config), JSON.stringify(h.metrics), JSON.stringify(h.boxIds)],
      );
      const stored = rows[0]!;
      const done = await client.query(
        `UPDATE scouter_training_jobs SET status = 'done', progress = 1, epochs = $3, metrics = $4, head_id = $5, finished_at = now(), heartbeat_at = now()
         WHERE id = $1 AND worker = $2 AND status = 'running'`,
        [id, worker, JSON.stringify(epochs), JSON.stringify(h.metrics), stored.id],
      );
      if (done.rowCount !== 1) throw new Error(`training job ${id} is no longer this worker's; its head was not stored`);
      return head(stored);
    });
  }

  async end(id: number, worker: string, status: 'failed' | 'cancelled', error: string | null, epochs?: readonly TrainEpoch[]): Promise<void> {
    await this.pool.query(
      `UPDATE scouter_training_jobs SET status = $3, error = $4, epochs = COALESCE($5, epochs), finished_at = now() WHERE id = $1 AND worker = $2 AND status = 'running'`,
      [id, worker, status, error?.slice(0, 2000) ?? null, epochs ? JSON.stringify(epochs) : null],
    );
  }

  /** Queued jobs are cancelled at once; running ones at their next epoch. Returns the job, undefined when unknown. */
  async requestCancel(id: number): Promise<TrainJob | undefined> {
    await this.pool.query(
      `UPDATE scouter_training_jobs SET status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END,
         cancel_requested = status IN ('queued', 'running'), finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END
       WHERE id = $1`,
      [id],
    );
    return this.get(id);
  }

  async heads(name?: string): Promise<AttributeHeadVersion[]> {
    const { rows } = await this.pool.query<HeadRow>(`SELECT ${HEAD_COLUMNS} FROM scouter_attribute_heads WHERE $1::text IS NULL OR name = $1 ORDER BY name, version`, [name ?? null]);
    return rows.map(head);
  }

  /** The deployed version of each name (or of the names given), with its model and card. */
  async deployed(names?: readonly string[]): Promise<(AttributeHeadVersion & { spec: object; onnx: Buffer })[]> {
    const { rows } = await this.pool.query<HeadRow & { spec: object; onnx: Buffer }>(
      `SELECT ${HEAD_COLUMNS}, spec, onnx FROM scouter_attribute_heads WHERE deployed AND ($1::text[] IS NULL OR name = ANY($1)) ORDER BY name`,
      [names ? [...names] : null],
    );
    return rows.map((r) => ({ ...head(r), spec: r.spec, onnx: r.onnx }));
  }

  /** Which of `names` (default: all) have a deployed version. */
  async deployedNames(names?: readonly string[]): Promise<string[]> {
    const { rows } = await this.pool.query<{ name: string }>('SELECT name FROM scouter_attribute_heads WHERE deployed AND ($1::text[] IS NULL OR name = ANY($1::text[])) ORDER BY name', [names ? [...names] : null]);
    return rows.map((r) => r.name);
  }

  async model(name: string, version: number): Promise<{ spec: object; onnx: Buffer; config: TrainJobConfig; boxIds: NewHead['boxIds'] } | undefined> {
    const { rows } = await this.pool.query<{ spec: object; onnx: Buffer; config: TrainJobConfig; boxIds: NewHead['boxIds'] }>(
      'SELECT spec, onnx, config, box_ids AS "boxIds" FROM scouter_attribute_heads WHERE name = $1 AND version = $2',
      [name, version],
    );
    return rows[0];
  }

  /** Makes `version` the deployed one of `name` (undeploying the other); false when it does not exist. */
  async deploy(name: string, version: number): Promise<boolean> {
    return withTransaction(this.pool, async (client) => {
      const exists = await client.query('SELECT 1 FROM scouter_attribute_heads WHERE name = $1 AND version = $2 FOR UPDATE', [name, version]);
      if (exists.rowCount !== 1) return false;
      await client.query('UPDATE scouter_attribute_heads SET deployed = false, deployed_at = NULL WHERE name = $1 AND deployed AND version <> $2', [name, version]);
      await client.query('UPDATE scouter_attribute_heads SET deployed = true, deployed_at = now() WHERE name = $1 AND version = $2 AND NOT deployed', [name, version]);
      return true;
    });
  }

  /** The version deployed before the current one (by deployment order of versions: the highest lower version). */
  async previousVersion(name: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ version: number }>(
      `SELECT version FROM scouter_attribute_heads WHERE name = $1 AND version < (SELECT version FROM scouter_attribute_heads WHERE name = $1 AND deployed)
       ORDER BY version DESC LIMIT 1`,
      [name],
    );
    return rows[0]?.version;
  }
}
