import type pg from 'pg';

/** A channel being listened to: `ready` resolves on the first successful LISTEN. */
export interface ChannelListener {
  ready: Promise<void>;
  /** Settles when the first connection attempt has ended, listening or not (a boot need not wait for a database that is down). */
  firstAttempt: Promise<void>;
  /** Whether a connection is LISTENing right now (false while reconnecting). */
  readonly listening: boolean;
  close(): Promise<void>;
}

/**
 * Holds one pooled connection LISTENing on a channel and reconnects (every `retryMs`) when the
 * database goes away or is not there yet, so a service starts and keeps working across restarts.
 *
 * Every connection is given back to the pool exactly once, whatever the order of events: a close()
 * while connecting or while LISTEN is in flight, an error on a connection already given back (the
 * server stopping after the pool let it go), an error during LISTEN. A connection kept by mistake
 * makes `pool.end()` wait forever; one given back twice makes pg-pool throw.
 */
export function listenToChannel(options: {
  pool: pg.Pool;
  channel: string;
  onNotice: (payload: string | undefined) => void;
  log: { warn(message: string): void };
  retryMs?: number;
}): ChannelListener {
  const retryMs = options.retryMs ?? 2000;
  let current: { client: pg.PoolClient; giveBack: (err?: Error) => void } | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, retryMs);
    timer.unref();
  };

  const connect = async () => {
    if (closed) return;
    let client: pg.PoolClient;
    try {
      client = await options.pool.connect();
    } catch (err) {
      options.log.warn(`cannot LISTEN on ${options.channel} yet (${(err as Error).message}); retrying in ${retryMs} ms`);
      return schedule();
    }
    let given = false;
    const giveBack = (err?: Error) => {
      if (given) return;
      given = true;
      if (current?.client === client) current = undefined;
      client.release(err);
    };
    client.on('notification', (msg) => {
      if (!given && msg.channel === options.channel) options.onNotice(msg.payload);
    });
    client.on('error', (err) => {
      if (given) return;
      options.log.warn(`LISTEN ${options.channel} connection lost (${err.message}); reconnecting`);
      giveBack(err);
      schedule();
    });
    if (closed) return giveBack();
    try {
      await client.query(`LISTEN ${options.channel}`);
    } catch (err) {
      if (given) return;
      options.log.warn(`cannot LISTEN on ${options.channel} yet (${(err as Error).message}); retrying in ${retryMs} ms`);
      giveBack(err as Error);
      return schedule();
    }
    // close() may have run while LISTEN was in flight: it saw no connection, so this one is ours to give back.
    if (closed || given) return giveBack();
    current = { client, giveBack };
    markReady();
  };

  const firstAttempt = connect();
  return {
    ready,
    firstAttempt,
    get listening() {
      return current !== undefined;
    },
    async close() {
      closed = true;
      clearTimeout(timer);
      const held = current;
      current = undefined;
      if (!held) return;
      await held.client.query(`UNLISTEN ${options.channel}`).catch(() => undefined);
      held.giveBack();
    },
  };
}
