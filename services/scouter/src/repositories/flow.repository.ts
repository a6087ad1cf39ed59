import type { PipelineSpec } from '@sightline/flow';
import { camelRow, withTransaction } from '@sightline/db';
import type pg from 'pg';

/** A stored flow: its text and the pipelines planned from it. */
export interface FlowRow {
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly plan: { pipelines: PipelineSpec[]; warnings: string[] };
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** A camera a flow created: which source it runs and whether it is enabled. */
export interface FlowCamera {
  readonly id: number;
  readonly name: string;
  readonly enabled: boolean;
}

interface Row {
  id: number;
  name: string;
  source: string;
  plan: FlowRow['plan'];
  created_at: Date;
  updated_at: Date;
}

const toFlow = (r: Row): FlowRow => camelRow(r);

/** Stored flows and the cameras their pipelines run on. The only place flow SQL runs. */
export class FlowRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<FlowRow[]> {
    const { rows } = await this.pool.query<Row>('SELECT id, name, source, plan, created_at, updated_at FROM flows ORDER BY id');
    return rows.map(toFlow);
  }

  async get(name: string): Promise<FlowRow | undefined> {
    const { rows } = await this.pool.query<Row>('SELECT id, name, source, plan, created_at, updated_at FROM flows WHERE name = $1', [name]);
    return rows[0] ? toFlow(rows[0]) : undefined;
  }

  /** Inserts or replaces a flow's text and plan; `created` says which. */
  async save(name: string, source: string, plan: FlowRow['plan']): Promise<{ flow: FlowRow; created: boolean }> {
    const { rows } = await this.pool.query<Row & { created: boolean }>(
      `INSERT INTO flows (name, source, plan) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET source = EXCLUDED.source, plan = EXCLUDED.plan, updated_at = now()
       RETURNING id, name, source, plan, created_at, updated_at, (xmax = 0) AS created`,
      [name, source, JSON.stringify(plan)],
    );
    return { flow: toFlow(rows[0]!), created: rows[0]!.created };
  }

  async remove(id: number): Promise<void> {
    await this.pool.query('DELETE FROM flows WHERE id = $1', [id]);
  }

  /** Cameras whose pipeline came from this flow. */
  async cameras(flowId: number, client: pg.ClientBase | pg.Pool = this.pool): Promise<FlowCamera[]> {
    const { rows } = await client.query<FlowCamera>(
      'SELECT c.id, c.name, c.enabled FROM cameras c JOIN camera_pipelines p ON p.camera_id = c.id WHERE p.flow_id = $1 ORDER BY c.id',
      [flowId],
    );
    return rows;
  }

  /** Camera ids by name, with the flow each belongs to (null: added over /cameras). */
  async camerasNamed(names: readonly string[], client: pg.ClientBase | pg.Pool = this.pool): Promise<Map<string, { id: number; flowId: number | null }>> {
    const { rows } = await client.query<{ id: number; name: string; flow_id: number | null }>(
      'SELECT c.id, c.name, p.flow_id FROM cameras c LEFT JOIN camera_pipelines p ON p.camera_id = c.id WHERE c.name = ANY($1)',
      [names],
    );
    return new Map(rows.map((r) => [r.name, { id: r.id, flowId: r.flow_id }]));
  }

  async setEnabled(flowId: number, enabled: boolean): Promise<number> {
    const { rowCount } = await this.pool.query(
      'UPDATE cameras c SET enabled = $2, updated_at = now() FROM camera_pipelines p WHERE p.camera_id = c.id AND p.flow_id = $1 AND c.enabled <> $2',
      [flowId, enabled],
    );
    return rowCount ?? 0;
  }

  async removeCameras(ids: readonly number[], client: pg.ClientBase | pg.Pool = this.pool): Promise<void> {
    if (ids.length > 0) await client.query('DELETE FROM cameras WHERE id = ANY($1)', [ids]);
  }

  /** Runs `work` in one transaction. */
  async transaction<T>(work: (client: pg.ClientBase) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, async (client) => {
      const result = await work(client);
      return result;
    });
  }
}
