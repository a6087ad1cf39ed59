// Many Scouter workers on one database, a bounded soak: 50 cameras at 10 fps x 10 people (5,000
// observations/s offered) over 5 worker processes running synthetic frames and detections (no
// decoder, no model: the worker, ByteTrack, leases, batching, NOTIFY relay and writes are
// Scouter's own). Every 5 s: observations stored per second, cameras writing, and per camera how
// old its newest stored row is (the lag, 500 ms batching included). Half-way one worker is killed
// (SIGKILL); the table shows its cameras' rows stop and resume on the survivors.
// Run: node --import tsx services/scouter/bench/workers.bench.ts   (SCALE_SOAK_SECONDS, default 40 per half)
import { loadavg } from 'node:os';
import { createTestDatabase } from '@sightline/db';
import { addSyntheticCameras, leasesByWorker, sampleIngest, startSyntheticWorker, type FleetWorker } from '../test-support/worker-fleet.ts';

const CAMERAS = 50;
const WORKERS = 5;
const FPS = 10;
const PEOPLE = 10;
const HALF_S = Number(process.env.SCALE_SOAK_SECONDS ?? 40);
const TTL_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const db = await createTestDatabase();
const fleet: FleetWorker[] = [];
try {
  console.log(`workers soak: ${CAMERAS} cameras x ${FPS} fps x ${PEOPLE} people = ${CAMERAS * FPS * PEOPLE} observations/s offered, ${WORKERS} worker processes, one PostgreSQL, lease TTL ${TTL_MS} ms`);
  await addSyntheticCameras(db.pool, CAMERAS, FPS);
  const env = { SIM_PEOPLE: String(PEOPLE), SCOUTER_MAX_CAMERAS: '15', SCOUTER_LEASE_TTL_MS: String(TTL_MS), SCOUTER_HEARTBEAT_MS: '1000', SCOUTER_BATCH_MS: '500', SCOUTER_LOG_LEVEL: process.env.SCALE_SOAK_DEBUG ? 'warn' : 'error' };
  for (let i = 0; i < WORKERS; i++) fleet.push(startSyntheticWorker(db.url, env));
  const ids = await Promise.all(fleet.map((w) => w.workerId));
  const t0 = Date.now();
  for (;;) {
    const held = await leasesByWorker(db.pool);
    if (ids.every((id) => held.get(id)?.length === CAMERAS / WORKERS)) break;
    if (Date.now() - t0 > 180_000) throw new Error(`leases did not balance within 3 minutes: ${ids.map((id) => held.get(id)?.length ?? 0).join(', ')}`);
    if (process.env.SCALE_SOAK_DEBUG) {
      const { rows } = await db.pool.query<{ age: number }>('SELECT extract(epoch FROM now() - heartbeat_at)::float8 AS age FROM scouter_workers ORDER BY started_at');
      const { rows: st } = await db.pool.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM camera_status GROUP BY 1');
      console.log(ids.map((id) => held.get(id)?.length ?? 0).join(', '), '| heartbeat ages', rows.map((r) => r.age.toFixed(1)).join(' '), '|', st.map((r) => `${r.state} ${r.n}`).join(', '), '| load', loadavg()[0]!.toFixed(1));
    }
    await sleep(500);
  }
  console.log(`leases balanced ${CAMERAS / WORKERS} per worker ${((Date.now() - t0) / 1000).toFixed(1)} s after the workers announced themselves`);
  await sleep(5000);
  console.log('   t (s)  workers  stored obs/s  of offered  cameras  lag p50   lag p95   lag max   load avg');
  const samples: { workers: number; rowsPerS: number; lagP95: number }[] = [];
  const row = async (start: number, workers: number) => {
    const s = await sampleIngest(db.pool, 5000);
    samples.push({ workers, rowsPerS: s.rowsPerS, lagP95: s.lagMs.p95 });
    console.log(`  ${((Date.now() - start) / 1000).toFixed(0).padStart(6)}  ${String(workers).padStart(7)}  ${s.rowsPerS.toFixed(0).padStart(12)}  ${((s.rowsPerS / (CAMERAS * FPS * PEOPLE)) * 100).toFixed(0).padStart(9)}%  ${String(s.cameras).padStart(7)}  ${s.lagMs.p50.toFixed(0).padStart(5)} ms  ${s.lagMs.p95.toFixed(0).padStart(5)} ms  ${s.lagMs.max.toFixed(0).padStart(5)} ms   ${loadavg()[0]!.toFixed(1)}`);
  };
  const start = Date.now();
  while (Date.now() - start < HALF_S * 1000) {
    await sleep(5000);
    await row(start, WORKERS);
  }
  const killedAt = Date.now();
  fleet[0]!.child.kill('SIGKILL');
  console.log(`  -- worker 1 killed (SIGKILL), holding ${CAMERAS / WORKERS} cameras`);
  let movedMs = NaN;
  while (Date.now() - killedAt < HALF_S * 1000) {
    await sleep(5000);
    if (Number.isNaN(movedMs)) {
      const held = await leasesByWorker(db.pool);
      const survivors = ids.slice(1).reduce((n, id) => n + (held.get(id)?.length ?? 0), 0);
      if (survivors === CAMERAS) movedMs = Date.now() - killedAt;
    }
    await row(start, WORKERS - 1);
  }
  const steady = (w: number) => samples.filter((s) => s.workers === w).slice(1);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(`\n5 workers: ${mean(steady(WORKERS).map((s) => s.rowsPerS)).toFixed(0)} observations/s stored on average (offered ${CAMERAS * FPS * PEOPLE}), lag p95 ${mean(steady(WORKERS).map((s) => s.lagP95)).toFixed(0)} ms on average`);
  console.log(`4 workers after the kill: ${mean(steady(WORKERS - 1).map((s) => s.rowsPerS)).toFixed(0)} observations/s, lag p95 ${mean(steady(WORKERS - 1).map((s) => s.lagP95)).toFixed(0)} ms; all cameras held again within ${Number.isNaN(movedMs) ? 'n/a' : `${(movedMs / 1000).toFixed(0)} s (checked every 5 s)`}`);
} finally {
  for (const w of fleet) if (w.child.exitCode === null && w.child.signalCode === null) w.child.kill('SIGKILL');
  await db.drop();
}
