import type pg from 'pg';

/**
 * Holds one pooled connection LISTENing on a channel, and reconnects (every `retryMs`) when the
 * database goes away or is not there yet, so the service starts and keeps working across restarts.
 */
export function listenToChannel(options: {
  pool: pg.Pool;
  channel: string;
  onNotice: (payload: string | undefined) => void;
  log: { info(message: string): void; warn(message: string): void };
  retryMs?: number;
}): { ready: Promise<void>; close(): Promise<void> } {
  let client: pg.PoolClient | undefined;
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  let markReady!: () => void;
  const ready = new Promise<void>((resolve) => (markReady = resolve));

  const connect = async () => {
    if (closed) return;
    try {
      const c = await options.pool.connect();
      if (closed) {
        c.release();
        return;
      }
      c.on('notification', (msg) => {
        if (msg.channel === options.channel) options.onNotice(msg.payload);
      });
      c.on('error', (err) => {
        options.log.warn(`LISTEN ${options.channel} connection lost (${err.message}); reconnecting`);
        c.release(err);
        if (client === c) client = undefined;
        schedule();
      });
      await c.query(`LISTEN ${options.channel}`);
      // close() may have run while LISTEN was in flight: it saw no client, so this one is ours to give back.
      if (closed) {
        c.release();
        return;
      }
      client = c;
      markReady();
    } catch (err) {
      options.log.warn(`cannot LISTEN on ${options.channel} yet (${(err as Error).message}); retrying in ${options.retryMs ?? 2000} ms`);
      schedule();
    }
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, options.retryMs ?? 2000);
    timer.unref();
  };
  void connect();
  return {
    ready,
    async close() {
      closed = true;
      clearTimeout(timer);
      const c = client;
      client = undefined;
      if (c) {
        await c.query(`UNLISTEN ${options.channel}`).catch(() => undefined);
        c.release();
      }
    },
  };
}
