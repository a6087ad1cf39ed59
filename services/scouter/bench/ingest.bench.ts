// The single-database ceiling of observation ingest, side by side in one run:
// (1) write throughput, closed loop: 4 writers sending batches back to back for a few seconds, with
//     the previous shape (BEGIN; tracks upsert + observations from unnest'ed arrays; NOTIFY; COMMIT),
//     COPY (BEGIN; tracks upsert; COPY of the rows; NOTIFY; COMMIT) and the repository's current
//     shape (the same upsert, insert and NOTIFY as one prepared statement: one round trip), for one camera's
//     500 ms batch (10 people x 10 fps x 0.5 s = 50 rows) and a 2 s batch (200 rows); rows/s and the
//     cameras-equivalent at 10 fps x 10 people (100 rows/s per camera);
// (2) where lag starts to grow, open loop: N cameras each producing 10 people x 10 fps in real time
//     through Scouter's ObservationBatcher (500 ms) and repository, N doubling; per step the write
//     latency and the lag (row observed -> row committed) p50/p95, rows/s written vs offered;
// (3) Kanohi behind it: the projection + identity + roll-up rate of its ingest over stored batches
//     of calibrated cameras, one notice at a time beside batches of 10 and 32 waiting notices.
// The client (this process) and PostgreSQL share the machine's cores: the figures are for one box.
// Run: node --import tsx services/scouter/bench/ingest.bench.ts   (SCALE_BENCH_SECONDS, default 6)
import { cpus, loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { BusChannel } from '@sightline/contracts';
import { createTestDatabase } from '@sightline/db';
import { FloorIdentityService } from '../../kanohi/src/services/floor-identity.service.ts';
import { FloorPointRepository } from '../../kanohi/src/repositories/floor-point.repository.ts';
import { IngestService } from '../../kanohi/src/services/ingest.service.ts';
import { LiveMapService } from '../../kanohi/src/services/live-map.service.ts';
import { ObservationBatcher } from '../src/pipeline/observation-batcher.ts';
import { ObservationRepository, summarizeBatch, UPSERT_TRACKS } from '../src/repositories/observation.repository.ts';
import type { ObservationRow } from '../src/types/observation.ts';

const SECONDS = Number(process.env.SCALE_BENCH_SECONDS ?? 6);
const PEOPLE = 10;
const FPS = 10;
const ROWS_PER_CAMERA_S = PEOPLE * FPS;
const pct = (xs: number[], p: number) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `frames` frames of `PEOPLE` walking people starting at `t0`, as the tracker emits them. */
function frames(t0: number, frameCount: number, firstFrame = 0): ObservationRow[] {
  const rows: ObservationRow[] = [];
  for (let f = 0; f < frameCount; f++) {
    const at = new Date(t0 + f * (1000 / FPS));
    for (let p = 0; p < PEOPLE; p++) {
      const x = 40 + p * 55 + ((firstFrame + f) % 50);
      rows.push({ observedAt: at, trackerId: p + 1, className: 'person', score: 0.8, xyxy: [x, 120, x + 40, 360], attributes: p % 3 === 0 ? { gender: { value: p % 2 ? 'male' : 'female', confidence: 0.7 } } : {} });
    }
  }
  return rows;
}

// COPY text format: backslash, tab and line breaks escaped (JSON already escapes control characters).
const copyText = (value: string) => value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!);

/** The COPY shape: BEGIN, tracks upsert (ids come back), COPY of the observation rows, NOTIFY, COMMIT. */
async function insertWithCopy(pool: pg.Pool, cameraId: number, runId: string, rows: readonly ObservationRow[]): Promise<void> {
  const { tracks, notice } = summarizeBatch(cameraId, rows);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows: ids } = await client.query<{ id: string; tracker_id: number }>(UPSERT_TRACKS, [cameraId, runId, JSON.stringify(tracks)]);
    const trackIds = new Map(ids.map((r) => [r.tracker_id, r.id]));
    let text = '';
    for (const r of rows) {
      text += `${r.observedAt.toISOString()}\t${cameraId}\t${trackIds.get(r.trackerId)}\t${copyText(r.className)}\t${r.score}\t${r.xyxy.join('\t')}\t${copyText(JSON.stringify(r.attributes))}\n`;
    }
    await pipeline(Readable.from([text]), client.query(copyFrom('COPY observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2, attributes) FROM STDIN')));
    await client.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, JSON.stringify(notice)]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

type Shape = 'transaction' | 'copy' | 'statement';
const SHAPES: Shape[] = ['transaction', 'copy', 'statement'];

const db = await createTestDatabase();
const pool = db.pool;
try {
  console.log(`ingest bench: ${cpus().length} cores shared by PostgreSQL and this client, ${SECONDS} s per row; one camera = ${PEOPLE} people x ${FPS} fps = ${ROWS_PER_CAMERA_S} observations/s`);
  const MAX_CAMERAS = 1600;
  await pool.query(`INSERT INTO cameras (name, uri, frame_width, frame_height) SELECT 'cam' || i, 'file:///cam' || i || '.mp4', 640, 480 FROM generate_series(1, $1) i`, [MAX_CAMERAS]);
  const { rows: cams } = await pool.query<{ id: number }>('SELECT id FROM cameras ORDER BY id');
  const cameraIds = cams.map((c) => c.id);

  // (1) Closed loop: how many rows/s one database takes with each shape.
  console.log('\n(1) write throughput, 4 writers back to back (tracks upsert + observations + NOTIFY per transaction)');
  console.log('  batch                      shape        rows/s    cameras-equiv.  batch p50   batch p95   vs transaction');
  const runId = '00000000-0000-4000-8000-000000000001';
  const closedLoop = async (shape: Shape, batchFrames: number) => {
    const repo = new ObservationRepository(pool, shape === 'copy' ? 'transaction' : shape);
    const write = shape === 'copy' ? (id: number, rows: ObservationRow[]) => insertWithCopy(pool, id, runId, rows) : (id: number, rows: ObservationRow[]) => repo.insertBatch(id, runId, rows);
    const deadline = performance.now() + SECONDS * 1000;
    const latencies: number[] = [];
    let rows = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: 4 }, async (_, w) => {
      let frame = 0;
      for (let b = 0; performance.now() < deadline; b++) {
        const camera = cameraIds[(w * 97 + b) % 400]!;
        const batch = frames(Date.now() - 1000, batchFrames, frame);
        frame += batchFrames;
        const s = performance.now();
        await write(camera, batch);
        latencies.push(performance.now() - s);
        rows += batch.length;
      }
    }));
    return { rowsPerS: rows / ((performance.now() - t0) / 1000), latencies };
  };
  const best: Record<Shape, number> = { transaction: 0, copy: 0, statement: 0 };
  for (const batchFrames of [5, 20]) {
    const results: Partial<Record<Shape, Awaited<ReturnType<typeof closedLoop>>>> = {};
    for (const shape of SHAPES) {
      results[shape] = await closedLoop(shape, batchFrames);
      best[shape] = Math.max(best[shape], results[shape]!.rowsPerS);
    }
    for (const shape of SHAPES) {
      const r = results[shape]!;
      const label = `${batchFrames * PEOPLE} rows (${(batchFrames * 100) / 1000} s of a camera)`;
      console.log(`  ${label.padEnd(26)} ${shape.padEnd(11)} ${Math.round(r.rowsPerS).toString().padStart(7)}  ${Math.floor(r.rowsPerS / ROWS_PER_CAMERA_S).toString().padStart(14)}  ${pct(r.latencies, 0.5).toFixed(1).padStart(7)} ms  ${pct(r.latencies, 0.95).toFixed(1).padStart(7)} ms   ${(r.rowsPerS / results.transaction!.rowsPerS).toFixed(2)}x`);
    }
  }
  await pool.query('TRUNCATE observations, tracks');

  // (2) Open loop: cameras in real time through the batcher, doubling until lag grows.
  console.log('\n(2) cameras in real time (ObservationBatcher every 500 ms, one statement per batch), doubling until the lag grows');
  console.log('  cameras  offered rows/s  produced rows/s  written rows/s  write p50   write p95   lag p50     lag p95     load avg');
  const repo = new ObservationRepository(pool);
  let sustained = 0;
  for (let n = 25; n <= MAX_CAMERAS; n *= 2) {
    const writes: number[] = [];
    const lags: number[] = [];
    let written = 0;
    let produced = 0;
    let measuring = false;
    const batchers = cameraIds.slice(0, n).map((id) => new ObservationBatcher(async (rows) => {
      const s = performance.now();
      await repo.insertBatch(id, runId, rows);
      const now = Date.now();
      if (!measuring) return;
      writes.push(performance.now() - s);
      lags.push(now - rows[0]!.observedAt.getTime());
      written += rows.length;
    }, 500, 1_000_000));
    // Each camera produces a frame every 100 ms (spread over the interval so they do not all fire at once).
    let frame = 0;
    const timers = batchers.map((b, i) => {
      let t: NodeJS.Timeout | undefined;
      const start = setTimeout(() => {
        t = setInterval(() => {
          const rows = frames(Date.now(), 1, frame++);
          if (measuring) produced += rows.length;
          b.add(rows);
        }, 1000 / FPS);
      }, (i * 100) / n);
      return () => {
        clearTimeout(start);
        clearInterval(t);
      };
    });
    await sleep(1500);
    measuring = true;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const elapsedS = (performance.now() - t0) / 1000;
    measuring = false;
    for (const stop of timers) stop();
    const rowsPerS = written / elapsedS;
    const offered = n * ROWS_PER_CAMERA_S;
    const lagP95 = pct(lags, 0.95);
    console.log(`  ${String(n).padStart(7)}  ${String(offered).padStart(14)}  ${Math.round(produced / elapsedS).toString().padStart(15)}  ${Math.round(rowsPerS).toString().padStart(14)}  ${pct(writes, 0.5).toFixed(0).padStart(6)} ms  ${pct(writes, 0.95).toFixed(0).padStart(6)} ms  ${pct(lags, 0.5).toFixed(0).padStart(6)} ms  ${lagP95.toFixed(0).padStart(6)} ms   ${loadavg()[0]!.toFixed(1)}`);
    await Promise.all(batchers.map((b) => b.close()));
    // Lag grows once writes stop keeping up: rows wait longer than the batch interval plus a second
    // (the producers here run on the same cores, so what they managed to produce is the reference).
    const keptUp = lagP95 < 1500 && rowsPerS >= (produced / elapsedS) * 0.95;
    if (!keptUp) break;
    sustained = n;
  }
  console.log(`  sustained without growing lag: ${sustained} cameras (${sustained * ROWS_PER_CAMERA_S} observations/s); the next step's lag grew`);

  // (3) Kanohi's ingest behind it: project + decide identities + store floor points and roll-ups.
  const { rows: [floor] } = await pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('bench', 40, 25) RETURNING id");
  const KANOHI_CAMERAS = 10;
  const notices: { cameraId: number; fromTime: string; toTime: string }[] = [];
  await pool.query('TRUNCATE observations, tracks');
  for (const id of cameraIds.slice(0, KANOHI_CAMERAS)) {
    await pool.query('INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2)', [id, floor!.id]);
    await pool.query(
      `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m) VALUES ($1, 1, $2, '[]', '{0.0625,0,0,0,0.052,0,0,0,1}', '{}', 0, 0)`,
      [id, floor!.id],
    );
  }
  const start = Date.now() - 3_600_000;
  const BATCHES = 40;
  for (let b = 0; b < BATCHES; b++) {
    for (const id of cameraIds.slice(0, KANOHI_CAMERAS)) {
      const batch = frames(start + b * 500, 5, b * 5);
      await repo.insertBatch(id, `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`, batch);
      notices.push({ cameraId: id, fromTime: batch[0]!.observedAt.toISOString(), toTime: batch.at(-1)!.observedAt.toISOString() });
    }
  }
  // One notice at a time (the previous service, and KANOHI_INGEST_BATCH=1) beside batches of the
  // notices waiting in the queue: 10 (one per camera, Kanohi just behind) and 32 (the default
  // limit, Kanohi further behind). Each shape starts from no floor points, and the shapes take
  // turns twice so a change of the machine's load hits them alike.
  const shapes = [1, 10, 32];
  const results = new Map(shapes.map((b) => [b, { points: 0, seconds: 0, perBatch: [] as number[] }]));
  for (let round = 0; round < 2; round++) {
    for (const size of shapes) {
      await pool.query('TRUNCATE floor_points, floor_heat_cells, floor_heat_quarters, floor_heat_hours, floor_identities');
      const identity = new FloorIdentityService({ mergeDistanceM: 1, mergeGapMs: 1000, handoverMs: 300 });
      const ingest = new IngestService(new FloorPointRepository(pool), identity, new LiveMapService(identity, { trailPoints: 20, graceMs: 1500 }), () => undefined, { warn: () => undefined, error: (m) => console.error(m) });
      const result = results.get(size)!;
      const k0 = performance.now();
      for (let i = 0; i < notices.length; i += size) {
        const s = performance.now();
        result.points += size === 1 ? await ingest.ingest(notices[i]!) : await ingest.ingestBatch(notices.slice(i, i + size));
        result.perBatch.push(performance.now() - s);
      }
      result.seconds += (performance.now() - k0) / 1000;
    }
  }
  const one = results.get(1)!;
  const oneRate = one.points / one.seconds;
  console.log(`\n(3) Kanohi ingest (project + identity + floor points + 3 roll-up levels), ${notices.length} notices of 50 observations, ${KANOHI_CAMERAS} cameras on one floor, 2 rounds`);
  let kanohiRate = oneRate;
  for (const size of shapes) {
    const r = results.get(size)!;
    const rate = r.points / r.seconds;
    kanohiRate = Math.max(kanohiRate, rate);
    const name = size === 1 ? 'one notice at a time' : `${size} notices a batch`;
    console.log(`  ${name.padEnd(22)} ${String(Math.round(rate)).padStart(7)} observations/s = ${String(Math.floor(rate / ROWS_PER_CAMERA_S)).padStart(4)} cameras-equivalent; per batch p50 ${pct(r.perBatch, 0.5).toFixed(1)} ms, p95 ${pct(r.perBatch, 0.95).toFixed(1)} ms; ${(rate / oneRate).toFixed(2)}x one at a time`);
  }
  console.log(`  Scouter's write ceiling ${Math.floor(best.statement / ROWS_PER_CAMERA_S)} cameras (one statement, 2 s batches; ${(best.statement / best.transaction).toFixed(2)}x the transaction shape) vs Kanohi's ingest ${Math.floor(kanohiRate / ROWS_PER_CAMERA_S)} cameras (batched): ${kanohiRate < best.statement ? 'Kanohi is the first to fall behind (its lag grows first)' : 'Scouter writes are the limit'}`);
} finally {
  await db.drop();
}
