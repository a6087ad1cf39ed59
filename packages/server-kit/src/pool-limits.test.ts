// One heavy request must not hold the database for ever: a statement past the pool's statement
// timeout is cancelled and answered 503 with Retry-After, a full pool answers 503 instead of a 500,
// and a value the database cannot store (out of range) is the client's 400. Real PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPool, createTestDatabase, type TestDatabase } from '@sightline/db';
import type pg from 'pg';
import { createService, type ServiceApp } from './create-service.ts';

let db: TestDatabase;
let pool: pg.Pool;
let app: ServiceApp;
before(async () => {
  db = await createTestDatabase();
  pool = createPool(db.url, { max: 2, statementTimeoutMs: 300, log: () => undefined });
  app = createService({ service: 'kanohi', version: '0.0.0', pool, logLevel: false, socketReaders: ['admin'] }).app;
  app.get('/slow', { config: { access: 'public' } }, async () => (await pool.query('SELECT pg_sleep(5)')).rowCount);
  app.get('/quick', { config: { access: 'public' } }, async () => (await pool.query('SELECT 1 AS one')).rows[0]);
  app.get('/int4', { config: { access: 'public' } }, async () => (await pool.query('SELECT $1::int AS id', ['2147483648'])).rows[0]);
  await app.ready();
});
after(async () => {
  await app.close();
  await pool.end();
  await db.drop();
});

test('a statement past the statement timeout is cancelled and answered 503, and the pool serves the next request', async () => {
  const res = await app.inject({ method: 'GET', url: '/slow' });
  assert.equal(res.statusCode, 503, res.body);
  assert.equal(res.headers['retry-after'], '1');
  assert.match(res.json().message, /statement timeout/);
  const quick = await app.inject({ method: 'GET', url: '/quick' });
  assert.equal(quick.statusCode, 200);
  assert.deepEqual(quick.json(), { one: 1 });
});

test('slow requests filling the pool do not turn the quick ones into 500s', async () => {
  const answers = await Promise.all([...Array.from({ length: 4 }, () => app.inject({ method: 'GET', url: '/slow' })), ...Array.from({ length: 20 }, () => app.inject({ method: 'GET', url: '/quick' }))]);
  const statuses = answers.map((r) => r.statusCode);
  assert.deepEqual(statuses.slice(0, 4), [503, 503, 503, 503]);
  assert.deepEqual(statuses.slice(4), Array(20).fill(200), 'every quick request got a connection once the slow ones were cancelled');
});

test('a value outside the column range is a 400 naming the database complaint, not a 500', async () => {
  const res = await app.inject({ method: 'GET', url: '/int4' });
  assert.equal(res.statusCode, 400);
  assert.match(res.json().message, /outside the range the database stores .*out of range for type integer/);
});

test('a request that finds no free connection within the wait is a 503 saying the server is busy', async () => {
  const held = await Promise.all([pool.connect(), pool.connect()]);
  try {
    const res = await app.inject({ method: 'GET', url: '/quick' });
    assert.equal(res.statusCode, 503, res.body);
    assert.match(res.json().message, /busy \(every database connection is in use\); retry in a moment/);
  } finally {
    for (const client of held) client.release();
  }
  assert.equal((await app.inject({ method: 'GET', url: '/quick' })).statusCode, 200);
});
