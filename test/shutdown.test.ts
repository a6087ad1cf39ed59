// Each service alone, as `node services/<name>/src/server.ts` runs it: SIGTERM and SIGINT must run
// the graceful shutdown (close sockets and HTTP, deregister, stop an embedded server) and exit 0.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, freePort, repoRoot, type TestDatabase } from '@sightline/db';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(() => db.drop());

// A failed test must not leave a service (and its database server) running behind it.
const children = new Set<ChildProcess>();
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

async function runUntilReady(script: string, env: NodeJS.ProcessEnv, port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (child.exitCode !== null) throw new Error(`${script} exited early:\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`${script} not ready in 90 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, exited, output: () => output };
}

for (const [service, signal] of [['hawk', 'SIGTERM'], ['scouter', 'SIGINT'], ['kanohi', 'SIGTERM']] as const) {
  test(`${service} shuts down gracefully on ${signal} and deregisters`, { timeout: 150_000 }, async () => {
    const port = await freePort();
    const prefix = service.toUpperCase();
    const env = { ...process.env, DATABASE_URL: db.url, [`${prefix}_PORT`]: String(port), [`${prefix}_LOG_LEVEL`]: 'info' };
    const { child, exited, output } = await runUntilReady(`services/${service}/src/server.ts`, env, port);
    // Registration follows listening by a moment: wait for it rather than race it.
    const deadline = Date.now() + 10_000;
    while ((await db.pool.query('SELECT 1 FROM service_instances WHERE service = $1', [service])).rowCount !== 1) {
      assert.ok(Date.now() < deadline, 'the running service registered itself');
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill(signal);
    assert.equal(await exited, 0, output());
    assert.match(output(), new RegExp(`${signal} received: shutting down ${service}`));
    const left = await db.pool.query('SELECT 1 FROM service_instances WHERE service = $1', [service]);
    assert.equal(left.rowCount, 0, 'the instance removed its registration');
  });
}

test('a service on the embedded database stops that server too on SIGTERM', { timeout: 150_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-alone-'));
  try {
    const [port, dbPort] = await Promise.all([freePort(), freePort()]);
    const env: NodeJS.ProcessEnv = { ...process.env, SIGHTLINE_DATA_DIR: dataDir, SIGHTLINE_DB_PORT: String(dbPort), KANOHI_PORT: String(port) };
    delete env.DATABASE_URL;
    const { child, exited, output } = await runUntilReady('services/kanohi/src/server.ts', env, port);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output());
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    assert.ok(!ps.split('\n').some((line) => line.includes(dataDir)), 'no postgres left running on the data folder');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a SIGTERM that lands while the service is still booting stops it cleanly, embedded server included', { timeout: 150_000 }, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-boot-'));
  try {
    const [port, dbPort] = await Promise.all([freePort(), freePort()]);
    const env: NodeJS.ProcessEnv = { ...process.env, SIGHTLINE_DATA_DIR: dataDir, SIGHTLINE_DB_PORT: String(dbPort), KANOHI_PORT: String(port) };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/kanohi/src/server.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // The embedded server's lock file appears mid-boot: the service is not listening yet.
    const lock = join(dataDir, 'postgres', 'postmaster.pid');
    const deadline = Date.now() + 90_000;
    while (!existsSync(lock)) {
      assert.ok(Date.now() < deadline && child.exitCode === null, `the embedded server never started:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGTERM');
    assert.equal(await exited, 0, output);
    const ps = spawnSync('ps', ['-eo', 'args'], { encoding: 'utf8' }).stdout;
    assert.ok(!ps.split('\n').some((line) => line.includes(dataDir)), `no postgres left running:\n${output}`);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
