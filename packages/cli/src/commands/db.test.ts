import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, loadMigrations, type TestDatabase } from '@sightline/db';

const bin = fileURLToPath(new URL('../../../../bin/sightline.mjs', import.meta.url));
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ migrate: false });
});
after(() => db.drop());

function sightline(...args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: db.url }, encoding: 'utf8' });
}

test('db status lists pending migrations, db migrate applies them, status then shows when', () => {
  const count = loadMigrations().length;
  const before = sightline('db', 'status');
  assert.equal(before.status, 0, before.stderr);
  assert.equal(before.stdout.match(/pending/g)?.length, count);

  const migrate = sightline('db', 'migrate');
  assert.equal(migrate.status, 0, migrate.stderr);
  assert.match(migrate.stdout, /Applied migrations 1, 2/);
  assert.match(sightline('db', 'migrate').stdout, /up to date/);

  const afterwards = sightline('db', 'status');
  assert.equal(afterwards.stdout.match(/pending/g), null);
  assert.equal(afterwards.stdout.match(/\d{4}-\d\d-\d\dT/g)?.length, count);
});

test('an unknown action exits 2 and shows the usage', () => {
  const result = sightline('db', 'frob');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown action "frob"[\s\S]*Usage: sightline db/);
});

test('an unknown flag is a usage error (exit 2), not a crash', () => {
  const result = sightline('db', 'status', '--frob');
  assert.equal(result.status, 2);
  assert.match(result.stderr, /Unknown option '--frob'[\s\S]*Usage: sightline db/);
});
