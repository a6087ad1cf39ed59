// listenToChannel on a real server: notices arrive, a killed connection is replaced, and every
// connection goes back to the pool exactly once whatever the order of close, errors and LISTEN
// (a kept one makes pool.end() hang, a double release makes pg-pool throw).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listenToChannel } from './listen.ts';
import { freePort } from './free-port.ts';
import { createPool } from './pool.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase({ migrate: false });
});
after(() => db.drop());

const quiet = { warn: () => undefined };

/** Resolves with pool.end(), or fails when a connection was never given back. */
async function endWithin(pool: ReturnType<typeof createPool>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    pool.end(),
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`pool.end() still waiting after ${ms} ms: a connection was kept`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const listenerPids = async (channel: string) =>
  (await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = $1", [`LISTEN ${channel}`])).rows.map((r) => r.pid);

test('notices on the channel arrive, others do not, and close() lets the pool end', async () => {
  const pool = createPool(db.url, { log: () => undefined });
  const got: (string | undefined)[] = [];
  const listener = listenToChannel({ pool, channel: 'sightline_a', onNotice: (p) => got.push(p), log: quiet });
  await listener.ready;
  assert.equal(listener.listening, true);
  await db.pool.query("SELECT pg_notify('sightline_b', 'other'), pg_notify('sightline_a', 'one')");
  await until(() => got.length === 1, 'the notice');
  assert.deepEqual(got, ['one']);
  await listener.close();
  assert.equal(listener.listening, false);
  await endWithin(pool, 3000);
});

test('close() before the connection is up, or while LISTEN is in flight, keeps no connection', async () => {
  for (const delayMs of [0, 1, 3, 10]) {
    const pool = createPool(db.url, { log: () => undefined });
    const listener = listenToChannel({ pool, channel: 'sightline_c', onNotice: () => undefined, log: quiet });
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    await listener.close();
    await endWithin(pool, 3000);
  }
});

test('a connection killed by the server is replaced, and one killed after close() is not given back twice', async () => {
  const pool = createPool(db.url, { log: () => undefined });
  const warnings: string[] = [];
  const got: (string | undefined)[] = [];
  const listener = listenToChannel({ pool, channel: 'sightline_d', onNotice: (p) => got.push(p), log: { warn: (m) => warnings.push(m) }, retryMs: 50 });
  await listener.ready;
  const [first] = await listenerPids('sightline_d');
  assert.ok(first, 'the listening backend is visible');
  await db.pool.query('SELECT pg_terminate_backend($1)', [first]);
  await until(async () => (await listenerPids('sightline_d')).some((pid) => pid !== first), 'a new LISTEN connection');
  assert.ok(warnings.some((w) => w.includes('connection lost')), warnings.join('\n'));
  await db.pool.query("SELECT pg_notify('sightline_d', 'after')");
  await until(() => got.includes('after'), 'a notice on the new connection');

  // The server drops the connection after close() gave it back (idle in the pool): the error must
  // reach the pool's handler, not the listener (a second release would throw here).
  await listener.close();
  const idle = (await db.pool.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'UNLISTEN sightline_d'")).rows;
  assert.equal(idle.length, 1, 'the given-back connection is idle in the pool');
  await db.pool.query('SELECT pg_terminate_backend($1)', [idle[0]!.pid]);
  await new Promise((r) => setTimeout(r, 200));
  await endWithin(pool, 3000);
});

test('with no server to reach, the first attempt settles without listening and close() still ends the pool', async () => {
  const pool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/none`, { log: () => undefined });
  const warnings: string[] = [];
  const listener = listenToChannel({ pool, channel: 'sightline_e', onNotice: () => undefined, log: { warn: (m) => warnings.push(m) }, retryMs: 50 });
  await listener.firstAttempt;
  assert.equal(listener.listening, false);
  assert.match(warnings[0] ?? '', /cannot LISTEN on sightline_e yet .*retrying in 50 ms/);
  let ready = false;
  void listener.ready.then(() => (ready = true));
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(ready, false, 'ready waits for a real LISTEN');
  await listener.close();
  await endWithin(pool, 3000);
});
