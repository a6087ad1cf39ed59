import type { EventKind, Webhook } from '@sightline/contracts';
import type pg from 'pg';

interface WebhookRow {
  id: number;
  url: string;
  kinds: EventKind[];
  created_at: Date;
}

const toWebhook = (r: WebhookRow): Webhook => ({ id: r.id, url: r.url, kinds: r.kinds, createdAt: r.created_at.toISOString() });

/** HTTP webhooks that receive events. The only place webhook SQL runs. */
export class WebhookRepository {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<Webhook[]> {
    const { rows } = await this.pool.query<WebhookRow>('SELECT id, url, kinds, created_at FROM scouter_webhooks ORDER BY id');
    return rows.map(toWebhook);
  }

  async get(id: number): Promise<Webhook | undefined> {
    const { rows } = await this.pool.query<WebhookRow>('SELECT id, url, kinds, created_at FROM scouter_webhooks WHERE id = $1', [id]);
    return rows[0] ? toWebhook(rows[0]) : undefined;
  }

  async create(url: string, kinds: readonly EventKind[]): Promise<Webhook> {
    const { rows } = await this.pool.query<WebhookRow>('INSERT INTO scouter_webhooks (url, kinds) VALUES ($1, $2) RETURNING id, url, kinds, created_at', [url, kinds]);
    return toWebhook(rows[0]!);
  }

  async remove(id: number): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM scouter_webhooks WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }
}
