// Two Scouter worker processes on loopback share cameras through leases in PostgreSQL; one is
// killed (SIGKILL, no clean-up) and its camera moves to the other within the lease TTL.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { CameraRepository } from '../services/scouter/src/repositories/camera.repository.ts';
import { defaultSpec } from '../services/scouter/src/pipeline/default-spec.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';
import { pathToFileURL } from 'node:url';
import { until } from './support/until.ts';

const server = fileURLToPath(new URL('../services/scouter/src/server.ts', import.meta.url));
const TTL_MS = 2000;
let db: TestDatabase;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', server], {
    env: { ...process.env, DATABASE_URL: db.url, SCOUTER_PORT: '0', SCOUTER_LOG_LEVEL: 'warn', SCOUTER_LEASE_TTL_MS: String(TTL_MS), SCOUTER_HEARTBEAT_MS: '250', SCOUTER_PREVIEW_FPS: '0', SCOUTER_INFERENCE_THREADS: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  workers.push(child);
  return child;
}

async function leases(): Promise<Map<number, string>> {
  const { rows } = await db.pool.query<{ camera_id: number; worker_id: string }>('SELECT camera_id, worker_id FROM camera_leases WHERE expires_at > now()');
  return new Map(rows.map((r) => [r.camera_id, r.worker_id]));
}

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  await db.drop();
});

test('a killed worker\'s camera moves to the surviving worker within the lease TTL', async (t) => {
  const clip = makePeopleClip(2, 2);
  const cameras = new CameraRepository(db.pool);
  const ids: number[] = [];
  for (const name of ['north', 'south']) {
    const camera = { name, uri: pathToFileURL(clip.path).toString(), fps: 2, loop: true, enabled: true };
    ids.push(await cameras.create(camera, defaultSpec(camera)));
  }
  const a = startWorker();
  startWorker();
  // Fair share: two live workers, two cameras, one each.
  const split = await until('each worker to hold one camera', async () => {
    const l = await leases();
    return l.size === 2 && new Set(l.values()).size === 2 ? l : undefined;
  }, 120_000);
  await until('tracks of both cameras in the database', async () => {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(DISTINCT camera_id)::int AS n FROM tracks');
    return rows[0]!.n === 2 ? true : undefined;
  }, 120_000);

  const killedAt = Date.now();
  a.kill('SIGKILL');
  const moved = await until('one worker to hold both cameras', async () => {
    const l = await leases();
    return l.size === 2 && new Set(l.values()).size === 1 ? l : undefined;
  }, TTL_MS + 15_000);
  const moveMs = Date.now() - killedAt;
  t.diagnostic(`camera moved ${moveMs} ms after the kill (lease TTL ${TTL_MS} ms)`);
  assert.ok(moveMs <= TTL_MS + 5000, `moved within the TTL plus heartbeats (took ${moveMs} ms)`);
  const survivor = [...moved.values()][0]!;
  assert.ok([...split.values()].includes(survivor));
  const movedCamera = ids.find((id) => split.get(id) !== survivor)!;
  // The moved camera runs again on the survivor: its status is reported by the survivor, frames flow.
  await until('the moved camera to run on the survivor', async () => {
    const { rows } = await db.pool.query<{ worker_id: string; state: string; frames_processed: number }>('SELECT worker_id, state, frames_processed FROM camera_status WHERE camera_id = $1', [movedCamera]);
    const r = rows[0];
    return r && r.worker_id === survivor && r.state === 'running' && r.frames_processed > 0 ? true : undefined;
  }, 60_000);
  // Tracks of the moved camera come from two pipeline runs: the killed worker's and the survivor's.
  await until('tracks of the survivor\'s run of the moved camera', async () => {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(DISTINCT run_id)::int AS n FROM tracks WHERE camera_id = $1', [movedCamera]);
    return rows[0]!.n >= 2 ? true : undefined;
  }, 30_000);

  // With the last worker stopped, its leases lapse within the TTL and nobody holds the cameras.
  const b = workers[1]!;
  const exited = new Promise((r) => b.once('exit', r));
  b.kill('SIGTERM');
  await exited;
  await until('the last leases to lapse', async () => ((await leases()).size === 0 ? true : undefined), TTL_MS + 3000);
});
