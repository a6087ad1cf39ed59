import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadMigrations, migrateUp, migrationStatus, MigrationError } from './migrate.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

function migrationDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-migrations-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

async function tableNames(db: TestDatabase): Promise<string[]> {
  const { rows } = await db.pool.query<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
  return rows.map((r) => r.tablename);
}

describe('migration runner', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  after(() => db.drop());

  test('the project migrations apply once, then report nothing pending', async () => {
    const first = await migrateUp(db.pool);
    assert.deepEqual(first, loadMigrations().map((m) => m.version));
    assert.deepEqual(await migrateUp(db.pool), []);
    const status = await migrationStatus(db.pool);
    assert.ok(status.every((s) => s.appliedAt instanceof Date));
    assert.ok((await tableNames(db)).includes('service_instances'));
  });

  test('a failing migration leaves the database exactly as it was', async () => {
    const dir = migrationDir({
      '0001_a.sql': 'CREATE TABLE alpha (id int);',
      '0002_b.sql': 'CREATE TABLE beta (id int);\nSELECT * FROM no_such_table;',
    });
    const fresh = await createTestDatabase({ migrate: false });
    try {
      await assert.rejects(migrateUp(fresh.pool, loadMigrations(dir)), (err: Error) => {
        assert.ok(err instanceof MigrationError);
        assert.match(err.message, /0002_b\.sql failed \(line 2\).*no_such_table/);
        return true;
      });
      assert.deepEqual(await tableNames(fresh), ['schema_migrations']);
      const { rowCount } = await fresh.pool.query('SELECT 1 FROM schema_migrations');
      assert.equal(rowCount, 0);
    } finally {
      await fresh.drop();
    }
  });

  test('an applied migration that was edited is refused', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    try {
      await migrateUp(fresh.pool, loadMigrations(migrationDir({ '0001_a.sql': 'CREATE TABLE alpha (id int);' })));
      const edited = loadMigrations(migrationDir({ '0001_a.sql': 'CREATE TABLE alpha (id bigint);' }));
      await assert.rejects(migrateUp(fresh.pool, edited), /0001_a\.sql was edited after it was applied/);
    } finally {
      await fresh.drop();
    }
  });

  test('badly named or out-of-sequence files are rejected', () => {
    assert.throws(() => loadMigrations(migrationDir({ '1_a.sql': '' })), /must be named NNNN_lower_snake_name\.sql/);
    assert.throws(() => loadMigrations(migrationDir({ '0001_a.sql': '', '0003_c.sql': '' })), /0003_c\.sql is out of sequence/);
  });
});
