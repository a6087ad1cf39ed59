import type pg from 'pg';

/**
 * Runs `work` in one transaction on a client of its own: COMMIT when it resolves, ROLLBACK when it
 * throws (the error goes on to the caller), the client given back either way.
 * @example await withTransaction(pool, async (client) => { await client.query('DELETE ...'); await client.query('INSERT ...'); });
 */
export async function withTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that broke mid-transaction cannot roll back; the original error is the one to tell.
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
