import { camelRows } from '@sightline/db';
import type pg from 'pg';
import type { ServiceName } from '@sightline/contracts';

/** Rows of `service_instances`: which service processes are alive and where. */
export class ServiceInstanceRepository {
  constructor(private readonly pool: pg.Pool) {}

  async upsert(instanceId: string, service: ServiceName, baseUrl: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO service_instances (instance_id, service, base_url) VALUES ($1, $2, $3)
       ON CONFLICT (instance_id) DO UPDATE SET heartbeat_at = now(), base_url = EXCLUDED.base_url`,
      [instanceId, service, baseUrl],
    );
  }

  async remove(instanceId: string): Promise<void> {
    await this.pool.query('DELETE FROM service_instances WHERE instance_id = $1', [instanceId]);
  }

  async listAlive(maxAgeSeconds: number): Promise<{ service: ServiceName; baseUrl: string; heartbeatAt: Date }[]> {
    const { rows } = await this.pool.query<{ service: ServiceName; base_url: string; heartbeat_at: Date }>(
      `SELECT service, base_url, heartbeat_at FROM service_instances
       WHERE heartbeat_at > now() - make_interval(secs => $1) ORDER BY service, heartbeat_at DESC`,
      [maxAgeSeconds],
    );
    return camelRows(rows);
  }
}
