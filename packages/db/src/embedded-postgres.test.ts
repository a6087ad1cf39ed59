import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { startEmbeddedPostgres, EmbeddedPostgresError } from './embedded-postgres.ts';
import { freePort } from './free-port.ts';

test('embedded PostgreSQL keeps its data across restarts and refuses a second server on the same data', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sightline-embedded-')), 'cluster');
  const port = await freePort();
  const first = await startEmbeddedPostgres({ dataDir, port });
  try {
    const client = new pg.Client({ connectionString: first.url });
    await client.connect();
    await client.query('CREATE TABLE kept (v text); INSERT INTO kept VALUES ($$still here$$)');
    const { rows } = await client.query<{ listening: string }>("SELECT current_setting('listen_addresses') AS listening");
    assert.equal(rows[0]?.listening, '127.0.0.1');
    await client.end();

    // A second process asking for the same cluster and port shares the running server.
    const shared = await startEmbeddedPostgres({ dataDir, port });
    const sharedClient = new pg.Client({ connectionString: shared.url });
    await sharedClient.connect();
    assert.equal((await sharedClient.query('SELECT count(*)::int AS n FROM kept')).rows[0]?.n, 1);
    await sharedClient.end();
    await shared.stop(); // must not stop the owner's server

    await assert.rejects(startEmbeddedPostgres({ dataDir, port: await freePort() }), (err: Error) => {
      assert.ok(err instanceof EmbeddedPostgresError);
      assert.match(err.message, /already used by a running PostgreSQL server \(PID \d+, port \d+\)/);
      return true;
    });
    const client2 = new pg.Client({ connectionString: first.url });
    await client2.connect();
    await client2.end();
  } finally {
    await first.stop();
  }

  const second = await startEmbeddedPostgres({ dataDir, port });
  try {
    const client = new pg.Client({ connectionString: second.url });
    await client.connect();
    const { rows } = await client.query<{ v: string }>('SELECT v FROM kept');
    assert.deepEqual(rows, [{ v: 'still here' }]);
    await client.end();
  } finally {
    await second.stop();
  }
});

test('a port in use gives a message naming the port and the fix', async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sightline-embedded-')), 'cluster');
    await assert.rejects(startEmbeddedPostgres({ dataDir, port }), new RegExp(`Port ${port} is already in use.*SIGHTLINE_DB_PORT.*DATABASE_URL`));
  } finally {
    blocker.close();
  }
});

test('a server killed hard (stale lock file) is restarted on the same data', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sightline-stale-')), 'cluster');
  const port = await freePort();
  // Unsupervised: this test plays the next start of a machine whose server died.
  const first = await startEmbeddedPostgres({ dataDir, port, supervise: false });
  const client = new pg.Client({ connectionString: first.url });
  await client.connect();
  await client.query('CREATE TABLE survived (v int); INSERT INTO survived VALUES (42)');
  await client.end();
  const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  process.kill(pid, 'SIGKILL');
  await waitUntil(() => !isAlive(pid));
  assert.ok(existsSync(join(dataDir, 'postmaster.pid')), 'the crash leaves its lock file behind');

  const second = await startEmbeddedPostgres({ dataDir, port });
  try {
    const again = new pg.Client({ connectionString: second.url });
    await again.connect();
    assert.deepEqual((await again.query('SELECT v FROM survived')).rows, [{ v: 42 }]);
    await again.end();
  } finally {
    await second.stop();
  }
});

test('a supervised server killed with SIGKILL comes back by itself with its data', async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'sightline-supervised-')), 'cluster');
  const port = await freePort();
  const lines: string[] = [];
  const server = await startEmbeddedPostgres({ dataDir, port, notice: (line) => lines.push(line) });
  try {
    const pool = new pg.Pool({ connectionString: server.url, max: 2 });
    pool.on('error', () => undefined);
    await pool.query('CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)');
    const before = server.pid()!;
    process.kill(before, 'SIGKILL');
    await waitUntil(() => server.restarts() === 1 && server.pid() !== undefined && server.pid() !== before, 30_000);
    // The pool reconnects on next use; the committed row is there.
    const deadline = Date.now() + 15_000;
    let rows: unknown[] | undefined;
    while (!rows) {
      rows = await pool.query('SELECT v FROM kept').then((r) => r.rows, () => undefined);
      if (!rows && Date.now() > deadline) throw new Error('the restarted server never answered');
      if (!rows) await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(rows, [{ v: 7 }]);
    assert.ok(lines.some((l) => /exited unexpectedly \(SIGKILL\); restarting/.test(l)), 'the crash is logged');
    await pool.end();
  } finally {
    await server.stop();
  }
  assert.equal(server.pid(), undefined, 'stopped for good: no restart after an asked-for stop');
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
