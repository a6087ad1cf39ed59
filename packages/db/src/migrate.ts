import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

/** The project's numbered SQL migrations, one sequence for every service. */
export const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly file: string;
  readonly sql: string;
  readonly checksum: string;
}

export interface MigrationStatus {
  readonly version: number;
  readonly name: string;
  readonly appliedAt: Date | null;
}

/** A migration failed or the migration history disagrees with the files; nothing was changed. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;
// Any fixed key: serialises runners started at the same time (several workers booting).
const LOCK_KEY = 7_215_001;

/** Reads `NNNN_name.sql` files in version order; rejects gaps, duplicates and stray names. */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const migrations: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.sql')) continue;
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`Migration file "${file}" must be named NNNN_lower_snake_name.sql`);
    const sql = readFileSync(join(dir, file), 'utf8');
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex').slice(0, 16),
    });
  }
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) throw new MigrationError(`Migration ${m.file} is out of sequence: expected version ${i + 1}`);
  });
  return migrations;
}

async function ensureHistoryTable(client: pg.ClientBase): Promise<void> {
  await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
}

async function appliedRows(client: pg.ClientBase): Promise<Map<number, { name: string; checksum: string; applied_at: Date }>> {
  const { rows } = await client.query<{ version: number; name: string; checksum: string; applied_at: Date }>(
    'SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version',
  );
  return new Map(rows.map((r) => [r.version, r]));
}

function describePgError(err: unknown, migration: Migration): string {
  const e = err as { message?: string; position?: string };
  let where = '';
  if (e.position) {
    const upTo = migration.sql.slice(0, Number(e.position));
    where = ` (line ${upTo.split('\n').length})`;
  }
  return `Migration ${migration.file} failed${where}: ${e.message ?? String(err)}. No migration of this run was applied.`;
}

/**
 * Applies every pending migration in one transaction: either all of them land or the database
 * is left exactly as it was. Returns the versions applied.
 * @example await migrateUp(pool);
 */
export async function migrateUp(pool: pg.Pool, migrations: Migration[] = loadMigrations()): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
    await ensureHistoryTable(client);
    const applied = await appliedRows(client);
    for (const [version, row] of applied) {
      const file = migrations.find((m) => m.version === version);
      if (!file) throw new MigrationError(`The database has migration ${version} (${row.name}) that this code does not know: it was migrated by a newer Sightline.`);
      if (file.checksum !== row.checksum) {
        throw new MigrationError(`Migration ${file.file} was edited after it was applied. Add a new migration instead of changing an applied one.`);
      }
    }
    const pending = migrations.filter((m) => !applied.has(m.version));
    if (pending.length === 0) return [];
    await client.query('BEGIN');
    for (const migration of pending) {
      try {
        await client.query(migration.sql);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new MigrationError(describePgError(err, migration));
      }
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        migration.checksum,
      ]);
    }
    await client.query('COMMIT');
    return pending.map((m) => m.version);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Every known migration with the time it was applied, or null while pending. */
export async function migrationStatus(pool: pg.Pool, migrations: Migration[] = loadMigrations()): Promise<MigrationStatus[]> {
  const client = await pool.connect();
  try {
    await ensureHistoryTable(client);
    const applied = await appliedRows(client);
    return migrations.map((m) => ({ version: m.version, name: m.name, appliedAt: applied.get(m.version)?.applied_at ?? null }));
  } finally {
    client.release();
  }
}
