// While the database is away (restarting after a crash, a network cut), a service says so with
// 503 + Retry-After instead of a 500, and serves again as soon as the database is back.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPool, freePort, isDatabaseUnavailable, startEmbeddedPostgres, type EmbeddedServer } from '@sightline/db';
import { createService } from './create-service.ts';

let server: EmbeddedServer | undefined;
after(async () => server?.stop());

test('database errors that mean "not there right now" are told apart from wrong queries', () => {
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('connect ECONNRESET'), { code: 'ECONNRESET' })), true);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('relation "x" does not exist'), { code: '42P01' })), false);
  assert.equal(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' })), false);
  assert.equal(isDatabaseUnavailable(undefined), false);
});

test('a route answers 503 with Retry-After while PostgreSQL restarts, then 200 again', async () => {
  const port = await freePort();
  server = await startEmbeddedPostgres({ dataDir: join(mkdtempSync(join(tmpdir(), 'sightline-outage-')), 'cluster'), port, ephemeral: true });
  const pool = createPool(server.url, { log: () => undefined });
  const { app } = createService({ service: 'kanohi', version: '0.0.0', pool, logLevel: false, socketReaders: ['admin'] });
  app.get('/count', { config: { access: 'public' } }, async () => (await pool.query<{ n: number }>('SELECT 1 AS n')).rows[0]);
  await app.ready();
  try {
    assert.equal((await app.inject({ url: '/count' })).statusCode, 200);
    const pid = server.pid()!;
    process.kill(pid, 'SIGKILL');
    // Until the supervisor has it back, every answer is the same clear 503 (no 500 in between).
    let sawOutage = false;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const res = await app.inject({ url: '/count' });
      if (res.statusCode === 200 && sawOutage) break;
      if (res.statusCode === 200 && server.restarts() > 0) break; // restarted before we looked
      if (res.statusCode !== 200) {
        assert.equal(res.statusCode, 503, res.body);
        assert.equal(res.headers['retry-after'], '5');
        assert.match((res.json() as { message: string }).message, /database is not reachable right now/);
        const ready = await app.inject({ url: '/readyz' });
        if (ready.statusCode === 503) assert.equal(ready.headers['retry-after'], '5');
        sawOutage = true;
      }
      if (Date.now() > deadline) throw new Error('the service never came back');
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(sawOutage || server.restarts() > 0);
    assert.equal(server.restarts(), 1);
  } finally {
    await app.close();
    await pool.end();
  }
});
