import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';
import { migrateUp } from './migrate.ts';
import { createPool } from './pool.ts';

/** A throw-away embedded server for a test run (fsync off, deleted on stop). */
export async function startTestPostgres(): Promise<EmbeddedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-pg-'));
  return startEmbeddedPostgres({ dataDir: join(dir, 'cluster'), port: await freePort(), ephemeral: true });
}

export interface TestDatabase {
  readonly url: string;
  readonly pool: pg.Pool;
  /** Closes the pool and drops the database (and stops a server this call started). */
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file, on the server in DATABASE_URL
 * (set by `npm test`) or on an embedded server started for it.
 * @example const db = await createTestDatabase(); after(() => db.drop());
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const server = process.env.DATABASE_URL ? undefined : await startTestPostgres();
  const baseUrl = new URL(process.env.DATABASE_URL ?? server!.url);
  const name = `test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), { log: () => undefined });
  if (options.migrate !== false) await migrateUp(pool);
  return {
    url: url.toString(),
    pool,
    async drop() {
      await pool.end();
      const cleanup = new pg.Client({ connectionString: baseUrl.toString() });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
      await server?.stop();
    },
  };
}
