import { BusChannel } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import type pg from 'pg';

/**
 * The `scouter_live` NOTIFY channel between Scouter processes (LiveRelay decides what travels):
 * NOTIFYs sent in order, and a listener that reconnects after a lost connection.
 */
export class LiveBusRepository {
  constructor(private readonly pool: pg.Pool) {}

  /**
   * Sends payloads (each under PostgreSQL's 8000-byte NOTIFY limit; the caller fits them) in one
   * statement: the target list is evaluated left to right and a transaction's notifications are
   * delivered in the order they were sent, so listeners get them in this order.
   */
  async notify(payloads: readonly string[]): Promise<void> {
    if (payloads.length === 0) return;
    const calls = payloads.map((_, i) => `pg_notify($1, $${i + 2})`).join(', ');
    await this.pool.query(`SELECT ${calls}`, [BusChannel.scouterLive, ...payloads]);
  }

  /** Listens until closed, retrying every second while the database is away. */
  listen(onNotice: (payload: string | undefined) => void, log: { warn(message: string): void }): ChannelListener {
    return listenToChannel({ pool: this.pool, channel: BusChannel.scouterLive, onNotice, log, retryMs: 1000 });
  }
}
