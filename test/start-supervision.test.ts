// `npm start` supervises what it starts: the embedded PostgreSQL killed with SIGKILL while a camera
// runs comes back by itself, the services answer 503 (never 500) meanwhile, and Scouter writes the
// observations it held during the outage once the database is back. Ctrl-C then leaves nothing.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { freePort, repoRoot } from '@sightline/db';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { until } from './support/until.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'sightline-supervised-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));

function processesUsing(path: string): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return ps.stdout.split('\n').filter((line) => line.includes(path) && !line.includes('ps -eo'));
}

function metric(text: string, name: string, cameraId: number): number | undefined {
  const match = new RegExp(`^${name}\\{camera_id="${cameraId}"[^}]*\\} (\\S+)$`, 'm').exec(text);
  return match ? Number(match[1]) : undefined;
}

test('a killed PostgreSQL heals under npm start with no observation lost, and Ctrl-C stops everything', { timeout: 300_000 }, async (t) => {
  const [dbPort, hawk, scouter, kanohi, web] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SIGHTLINE_DATA_DIR: dataDir,
    SIGHTLINE_DB_PORT: String(dbPort),
    HAWK_PORT: String(hawk),
    SCOUTER_PORT: String(scouter),
    KANOHI_PORT: String(kanohi),
    WEB_PORT: String(web),
    SCOUTER_PREVIEW_FPS: '0',
    SCOUTER_INFERENCE_THREADS: '1',
    // The clip is made under the temp folder; the admin is created at first start, so the test can log in.
    SCOUTER_MEDIA_ROOTS: tmpdir(),
    SIGHTLINE_ADMIN_PASSWORD: 'supervised-admin-pw',
  };
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const api = `http://127.0.0.1:${scouter}`;
  let client: pg.Client | undefined;
  let stopAt = 0;
  try {
    await until('npm start to be ready', () => output.includes('Sightline is ready') || (child.exitCode !== null && Promise.reject(new Error(output))), 120_000);
    const login = await fetch(`${api}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'supervised-admin-pw' }) });
    assert.equal(login.status, 200, await login.clone().text());
    const auth = { authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
    const clip = makePeopleClip(4);
    const added = await fetch(`${api}/cameras`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'door', uri: clip.path, fps: 10, loop: true }) });
    assert.equal(added.status, 201, await added.clone().text());
    const camera = (await added.json()) as { id: number };

    const url = `postgres://sightline:sightline@127.0.0.1:${dbPort}/sightline`;
    const count = async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM observations WHERE camera_id = $1', [camera.id])).rows[0]!.n;
      } finally {
        await c.end();
      }
    };
    await until('observations to be stored', async () => (await count()) > 20, 120_000);

    // SIGKILL of the postmaster, as an OOM killer or a careless `kill -9` would do it.
    const pid = Number(readFileSync(join(realpathSync(join(dataDir, 'postgres')), 'postmaster.pid'), 'utf8').split('\n')[0]);
    const killedAt = new Date();
    process.kill(pid, 'SIGKILL');

    // While it is away: 503 with Retry-After from a route that needs the database, never a 500.
    const during = await fetch(`${api}/cameras`, { headers: auth });
    assert.ok(during.status === 200 || during.status === 503, `GET /cameras during the outage answered ${during.status}`);
    if (during.status === 503) assert.ok(during.headers.get('retry-after'));

    await until('the launcher to restart PostgreSQL', () => /PostgreSQL restarted/.test(output), 60_000);
    const restartedAt = new Date();
    // Scouter's held rows reach the database, and nothing was dropped.
    const metrics = await until('the held observations to be written', async () => {
      const text = await fetch(`${api}/metrics`, { headers: auth }).then((r) => r.text(), () => '');
      return metric(text, 'scouter_observations_pending', camera.id) === 0 && (await count()) > 0 ? text : undefined;
    }, 60_000);
    assert.equal(metric(metrics, 'scouter_observations_dropped_total', camera.id), 0, 'nothing dropped within the buffer bound');

    // Frames seen during the outage are in the table, with no hole in the camera's timeline.
    client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ at: Date }>(
      `SELECT DISTINCT observed_at AS at FROM observations WHERE camera_id = $1 AND observed_at BETWEEN $2::timestamptz - interval '3 s' AND $3::timestamptz + interval '1 s' ORDER BY 1`,
      [camera.id, killedAt, restartedAt],
    );
    const outage = rows.filter((r) => r.at >= killedAt && r.at <= restartedAt);
    assert.ok(outage.length > 0, 'frames processed while the database was down were stored after it came back');
    let widestGapMs = 0;
    for (let i = 1; i < rows.length; i++) widestGapMs = Math.max(widestGapMs, rows[i]!.at.getTime() - rows[i - 1]!.at.getTime());
    t.diagnostic(`outage ${restartedAt.getTime() - killedAt.getTime()} ms; ${outage.length} frames stored from it; widest gap ${widestGapMs} ms`);
    assert.ok(widestGapMs < 2000, `a hole of ${widestGapMs} ms in the stored frames around the outage`);
    const ready = await fetch(`http://127.0.0.1:${kanohi}/readyz`);
    assert.equal(ready.status, 200, 'the other services are ready again');
  } finally {
    await client?.end();
    stopAt = output.length;
    child.kill('SIGINT');
  }
  assert.equal(await exited, 0, output);
  const shutdown = output.slice(stopAt);
  assert.match(shutdown, /Stopped\./);
  assert.doesNotMatch(shutdown, /not written yet|ECONNREFUSED/, 'PostgreSQL outlived the services at Ctrl-C');
  assert.deepEqual(processesUsing(dataDir), [], 'no process left running');
});
