// 50 cameras over 5 Scouter worker processes on one database, with synthetic frames and detections
// (no decoder, no model; the worker, tracker, leases, batching and writes are Scouter's own): the
// leases balance 10 per worker, every camera stores observations, and when one worker is killed
// (SIGKILL, no clean-up) its 10 cameras move to the 4 survivors and store rows again. Throughput and
// lag are reported as diagnostics (services/scouter/bench/workers.bench.ts measures them at full
// rate). Light on purpose: 2 fps x 3 people per camera.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { addSyntheticCameras, leasesByWorker, sampleIngest, startSyntheticWorker, type FleetWorker } from '../services/scouter/test-support/worker-fleet.ts';
import { until } from './support/until.ts';

const CAMERAS = 50;
const WORKERS = 5;
const TTL_MS = 3000;
let db: TestDatabase;
const fleet: FleetWorker[] = [];

before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  for (const w of fleet) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await db?.drop();
});

test('50 cameras balance over 5 workers, and a killed worker\'s cameras move to the others', async (t) => {
  const ids = await addSyntheticCameras(db.pool, CAMERAS, 2);
  const env = { SIM_PEOPLE: '3', SCOUTER_MAX_CAMERAS: '20', SCOUTER_LEASE_TTL_MS: String(TTL_MS), SCOUTER_HEARTBEAT_MS: '500', SCOUTER_BATCH_MS: '500' };
  for (let i = 0; i < WORKERS; i++) fleet.push(startSyntheticWorker(db.url, env));
  const workerIds = await Promise.all(fleet.map((w) => w.workerId));

  // Fair share: ceil(50 / 5) = 10 each, every camera held once.
  const balanced = await until('the 50 cameras to spread 10 per worker', async () => {
    const held = await leasesByWorker(db.pool);
    const counts = workerIds.map((id) => held.get(id)?.length ?? 0);
    return counts.every((n) => n === CAMERAS / WORKERS) ? held : undefined;
  }, 180_000);
  assert.deepEqual(new Set([...balanced.values()].flat()), new Set(ids), 'every camera is held');

  await until('observations of every camera', async () => {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(DISTINCT camera_id)::int AS n FROM observations');
    return rows[0]!.n === CAMERAS ? true : undefined;
  }, 120_000);
  await new Promise((r) => setTimeout(r, 5000));
  const before = await sampleIngest(db.pool, 3000);
  t.diagnostic(`5 workers: ${before.rowsPerS.toFixed(0)} observations/s from ${before.cameras} cameras (offered 50 x 2 fps x 3 people = 300/s); newest row per camera ${before.lagMs.p50.toFixed(0)} ms old (p50), ${before.lagMs.p95.toFixed(0)} ms (p95)`);

  // Kill one worker outright: its leases expire and the survivors take its cameras.
  const victim = 2;
  const orphaned = balanced.get(workerIds[victim]!)!;
  const killedAt = Date.now();
  fleet[victim]!.child.kill('SIGKILL');
  const survivors = workerIds.filter((_, i) => i !== victim);
  const moved = await until('the killed worker\'s cameras to be held by the survivors', async () => {
    const held = await leasesByWorker(db.pool);
    const all = survivors.flatMap((id) => held.get(id) ?? []);
    return all.length === CAMERAS && !held.has(workerIds[victim]!) ? held : undefined;
  }, TTL_MS + 60_000);
  const movedMs = Date.now() - killedAt;
  const counts = survivors.map((id) => moved.get(id)?.length ?? 0);
  t.diagnostic(`cameras held after the kill: ${counts.join(', ')} (all ${CAMERAS} ${movedMs} ms after the kill; lease TTL ${TTL_MS} ms)`);
  assert.ok(counts.every((n) => n <= Math.ceil(CAMERAS / survivors.length)), `no survivor holds more than its share: ${counts.join(', ')}`);

  // The moved cameras store rows again, from new pipeline runs on the survivors.
  const since = new Date();
  await until('new observations of every moved camera', async () => {
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(DISTINCT camera_id)::int AS n FROM observations WHERE camera_id = ANY($1) AND observed_at > $2', [orphaned, since]);
    return rows[0]!.n === orphaned.length ? true : undefined;
  }, 120_000);
  const { rows: runs } = await db.pool.query<{ n: number }>('SELECT min(n)::int AS n FROM (SELECT count(DISTINCT run_id) AS n FROM tracks WHERE camera_id = ANY($1) GROUP BY camera_id) r', [orphaned]);
  assert.ok(runs[0]!.n >= 2, 'each moved camera has tracks from the killed worker\'s run and the survivor\'s');
  await new Promise((r) => setTimeout(r, 5000));
  const afterKill = await sampleIngest(db.pool, 3000);
  t.diagnostic(`4 workers: ${afterKill.rowsPerS.toFixed(0)} observations/s from ${afterKill.cameras} cameras; newest row per camera ${afterKill.lagMs.p50.toFixed(0)} ms old (p50), ${afterKill.lagMs.p95.toFixed(0)} ms (p95)`);
  assert.equal(afterKill.cameras, CAMERAS, 'all 50 cameras store rows in the window after the move');
});
