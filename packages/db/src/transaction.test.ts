import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { withTransaction } from './transaction.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ migrate: false });
  await db.pool.query('CREATE TABLE kept (v int)');
});
after(() => db.drop());

test('work that resolves is committed and its result returned; work that throws leaves nothing and rethrows', async () => {
  assert.equal(await withTransaction(db.pool, async (c) => (await c.query('INSERT INTO kept VALUES (1) RETURNING v')).rows[0].v), 1);
  await assert.rejects(
    withTransaction(db.pool, async (c) => {
      await c.query('INSERT INTO kept VALUES (2)');
      throw new Error('half way');
    }),
    /half way/,
  );
  assert.deepEqual((await db.pool.query('SELECT v FROM kept ORDER BY v')).rows, [{ v: 1 }]);
  // Every client went back to the pool.
  assert.equal(db.pool.totalCount - db.pool.idleCount, 0);
});
