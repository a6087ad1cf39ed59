import pg from 'pg';

// bigint columns (ids, counts) come back as JS numbers: every id this project issues stays far
// below 2^53, and string ids would leak into every API as a surprise.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export interface PoolOptions {
  /** Connections at most (default 10). */
  max?: number;
  /**
   * Longest a statement may run before PostgreSQL cancels it (error 57014), so one heavy request
   * cannot hold a connection for ever; 0 or absent = no limit (migrations, command-line tools).
   */
  statementTimeoutMs?: number;
  log?: (message: string) => void;
}

/**
 * A connection pool that survives a database restart: idle-client errors are logged, not thrown,
 * and the next query reconnects.
 * @example const pool = createPool(process.env.DATABASE_URL!, { max: 20, statementTimeoutMs: 30_000 });
 */
export function createPool(url: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
  });
  pool.on('error', (err) => (options.log ?? console.error)(`PostgreSQL connection lost: ${err.message}; reconnecting on next use.`));
  return pool;
}

/** True when the database answers a trivial query within the timeout. */
export async function isDatabaseReachable(pool: pg.Pool, timeoutMs = 2000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      pool.query('SELECT 1').then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      }),
    ]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
