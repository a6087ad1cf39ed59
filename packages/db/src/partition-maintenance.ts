import type pg from 'pg';

/** What one maintenance pass did to one time-partitioned table. */
export interface PartitionPass {
  readonly table: string;
  /** Daily partitions created (ahead of time, or for days that waited in the default partition). */
  readonly created: number;
  /** Daily partitions dropped because their whole day is older than the retention. */
  readonly dropped: number;
  /** Set when another process held the table's maintenance lock or a lock was not granted in time. */
  readonly skipped?: string;
}

export interface PartitionMaintenanceOptions {
  /** Whose tables (time_partitioned_tables.owner_service): 'scouter', 'kanohi', ... */
  readonly owner: string;
  /** Whole UTC days of raw rows kept before today; 0 keeps everything. */
  readonly retentionDays: number;
  /** Daily partitions created this many days ahead of today. */
  readonly daysAhead?: number;
}

// Advisory lock namespace of partition maintenance (the second key is the table name's hash).
const LOCK_SPACE = 7_215_013;

/**
 * One maintenance pass over the time-partitioned tables an owner registered in
 * `time_partitioned_tables` (migration 0015): drops days older than the retention, creates daily
 * partitions ahead and moves rows that wait in the default partition into their day (an expired
 * day moved there goes in the next pass). Each table is one
 * short transaction under a per-table advisory lock, so several processes of one service may run
 * it at once; DDL waits at most 2 s for its locks (a long query on the table makes the pass skip
 * it rather than queue every insert behind the DROP), and the next pass retries.
 *
 * @example await maintainPartitions(pool, { owner: 'scouter', retentionDays: 30 })
 */
export async function maintainPartitions(pool: pg.Pool, options: PartitionMaintenanceOptions): Promise<PartitionPass[]> {
  const { rows: tables } = await pool.query<{ parent_table: string }>(
    'SELECT parent_table FROM time_partitioned_tables WHERE owner_service = $1 ORDER BY parent_table',
    [options.owner],
  );
  const passes: PartitionPass[] = [];
  for (const { parent_table: table } of tables) {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SET LOCAL lock_timeout = '2s'");
      const { rows: [lock] } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS ok', [LOCK_SPACE, table]);
      if (!lock!.ok) {
        await client.query('ROLLBACK');
        passes.push({ table, created: 0, dropped: 0, skipped: 'another process is maintaining it' });
        continue;
      }
      const { rows: [dropped] } = await client.query<{ n: number }>('SELECT sightline_drop_expired_partitions($1, $2) AS n', [table, options.retentionDays > 0 ? options.retentionDays : null]);
      const { rows: [created] } = await client.query<{ n: number }>('SELECT sightline_ensure_partitions($1, $2) AS n', [table, options.daysAhead ?? 2]);
      await client.query('COMMIT');
      passes.push({ table, created: created!.n, dropped: dropped!.n });
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      // 55P03 lock_not_available: a long reader held the table; the next pass retries.
      if ((err as { code?: string }).code === '55P03') passes.push({ table, created: 0, dropped: 0, skipped: 'lock not granted within 2 s' });
      else throw err;
    } finally {
      client.release();
    }
  }
  return passes;
}

/** A running maintenance schedule. */
export interface PartitionMaintenance {
  /** Resolves when the first pass has finished (or failed: the failure is logged). */
  readonly firstPass: Promise<void>;
  /** One pass now (waits for a pass in progress first). */
  runNow(): Promise<PartitionPass[]>;
  stop(): Promise<void>;
}

/**
 * Runs `maintainPartitions` at start and then every `intervalMs` (default 1 h: partitions exist
 * days ahead, so an hour's delay never leaves inserts without one). Failures are logged, never thrown.
 *
 * @example const maintenance = startPartitionMaintenance(pool, { owner: 'kanohi', retentionDays: 30 }, app.log)
 */
export function startPartitionMaintenance(
  pool: pg.Pool,
  options: PartitionMaintenanceOptions & { readonly intervalMs?: number },
  log: { warn(message: string): void; info?(message: string): void },
): PartitionMaintenance {
  let running: Promise<PartitionPass[]> | undefined;
  let stopped = false;
  const pass = async (): Promise<PartitionPass[]> => {
    while (running) await running.catch(() => undefined);
    if (stopped) return [];
    running = maintainPartitions(pool, options);
    try {
      const passes = await running;
      for (const p of passes) {
        if (p.created > 0 || p.dropped > 0) log.info?.(`partitions of ${p.table}: ${p.created} created, ${p.dropped} dropped (retention ${options.retentionDays || 'forever'} days)`);
      }
      return passes;
    } finally {
      running = undefined;
    }
  };
  const logged = () =>
    pass().then(
      () => undefined,
      (err: Error) => log.warn(`partition maintenance of ${options.owner}'s tables failed: ${err.message}; retrying in the next pass`),
    );
  const firstPass = logged();
  const timer = setInterval(() => void logged(), options.intervalMs ?? 3_600_000);
  timer.unref();
  return {
    firstPass,
    runNow: pass,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
