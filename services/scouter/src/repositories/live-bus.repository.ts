import { BusChannel } from '@sightline/contracts';
import { listenToChannel, type ChannelListener } from '@sightline/db';
import type pg from 'pg';

/**
 * The `scouter_live` NOTIFY channel between Scouter processes (LiveRelay decides what travels):
 * one NOTIFY per event, and a listener that reconnects after a lost connection.
 */
export class LiveBusRepository {
  constructor(private readonly pool: pg.Pool) {}

  /** Sends one payload (under PostgreSQL's 8000-byte NOTIFY limit; the caller fits it). */
  async notify(payload: string): Promise<void> {
    await this.pool.query('SELECT pg_notify($1, $2)', [BusChannel.scouterLive, payload]);
  }

  /** Listens until closed, retrying every second while the database is away. */
  listen(onNotice: (payload: string | undefined) => void, log: { warn(message: string): void }): ChannelListener {
    return listenToChannel({ pool: this.pool, channel: BusChannel.scouterLive, onNotice, log, retryMs: 1000 });
  }
}
