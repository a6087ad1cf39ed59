// Kanohi benchmarks, side by side in one run:
// (1) heatmap query time over N observations (BENCH_HEATMAP_ROWS, default 2 million) on one floor, 0.25 m cells, for a
//     1-hour range on the hour, a 1-hour range across two hours and a 24-hour range: the service's
//     query (whole hours from the hourly roll-up, whole quarter hours at the ends from the
//     quarter-hour roll-up, the rest from the minute roll-up) beside the previous plan (hours, then
//     minutes for the partial hours), the minute roll-up alone and the same aggregate computed from
//     the raw floor points (the baseline), interleaved run by run, median and p95;
// (2) live fan-out: time from Scouter's NOTIFY to the markers event at every one of 100 socket.io
//     clients on loopback, beside a single client.
// Rows are generated in SQL (synthetic walks over a 40 x 25 m floor spread over 24 hours), written
// to floor_points and rolled up exactly as the ingest does. No evaluation data is needed.
// Run: BENCH_HEATMAP_ROWS=100000000 node --import tsx services/kanohi/bench/heatmap.bench.ts
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase } from '@sightline/db';
import { signIn } from '@sightline/auth/testing';
import { buildApp } from '../src/app.ts';
import { loadKanohiConfig } from '../src/config.ts';
import { FloorPointRepository } from '../src/repositories/floor-point.repository.ts';
import { insertBatch, insertCamera, insertTrack } from '../src/testing/scouter-rows.ts';

// BENCH_HEATMAP_ROWS (or the first argument) sets the size: 2 million by default so `npm run bench`
// stays within minutes; BENCH_HEATMAP_ROWS=100000000 is the 100M-row figure (about 20 GB of disk).
const ROWS = Number(process.argv[2] ?? process.env.BENCH_HEATMAP_ROWS ?? 2_000_000);
if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`BENCH_HEATMAP_ROWS must be a whole number of rows, at least 1000 (got ${process.argv[2] ?? process.env.BENCH_HEATMAP_ROWS})`);
const RUNS = 21;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const db = await createTestDatabase();
const pool = db.pool;
try {
  console.log(`kanohi bench: ${ROWS.toLocaleString()} observations on one 40 x 25 m floor over 24 h`);
  const { rows: [floor] } = await pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('bench', 40, 25) RETURNING id");
  const cameraId = await insertCamera(pool, 'bench', [640, 480]);
  // 640 x 480 pixels onto the 40 x 25 m floor, for the fan-out part's live observations.
  const { rows: [calibration] } = await pool.query<{ id: number }>(
    `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m)
     VALUES ($1, 1, $2, '[]', '{0.0625,0,0,0,0.052,0,0,0,1}', '{}', 0, 0) RETURNING id`,
    [cameraId, floor!.id],
  );
  await pool.query('INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2)', [cameraId, floor!.id]);
  const day = Date.parse('2025-03-01T00:00:00Z');

  // The day's rows go into a table of their own, attached as the day's partition once loaded: its
  // indexes are then built in one sort each and its foreign keys checked in one join each, instead
  // of per row (a bulk load, as a restore would do it; the table's shape and plans are the same).
  // Each chunk rolls its rows up in the same statement, as the ingest does, so the 100M rows are
  // never read back.
  const part = 'floor_points_20250301';
  await pool.query(`CREATE TABLE ${part} (LIKE floor_points INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)`);
  const roll = (table: string, bucket: string) => `${table}_roll AS (
    INSERT INTO ${table} (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
    SELECT floor_id, ${bucket}, floor(x_m / 0.25)::integer, floor(y_m / 0.25)::integer, class_name, gender, age_band, count(*), sum(seconds)
    FROM ins WHERE counted GROUP BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
    DO UPDATE SET samples = EXCLUDED.samples + ${table}.samples, seconds = EXCLUDED.seconds + ${table}.seconds)`;
  // Tracks of 300 samples (30 s at 10 fps) walking straight lines from hashed start points. The load
  // runs on a connection of its own with room to aggregate a chunk in memory; the queries measured
  // below keep the server's default work_mem.
  const loader = await pool.connect();
  await loader.query("SET work_mem = '512MB'");
  const t = performance.now();
  const CHUNK = 1_000_000;
  for (let offset = 0; offset < ROWS; offset += CHUNK) {
    await loader.query(
      `WITH ins AS (
         INSERT INTO ${part} (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds, gender, age_band)
         SELECT $1, to_timestamp($2 / 1000.0 + i * 86400.0 / $3), $4, i / 300, $7, 'person',
                least(39.99, greatest(0, (abs(hashint4((i / 300)::int)) % 4000) / 100.0 + ((i % 300) * 0.04) * cos((i / 300)::float8))),
                least(24.99, greatest(0, (abs(hashint4((i / 300)::int + 7)) % 2500) / 100.0 + ((i % 300) * 0.04) * sin((i / 300)::float8))),
                0.1, CASE WHEN (i / 300) % 2 = 0 THEN 'female' ELSE 'male' END, ''
         FROM generate_series($5::bigint, $6::bigint) AS i
         RETURNING floor_id, observed_at, class_name, x_m, y_m, seconds, gender, age_band, counted
       ), ${roll('floor_heat_cells', "date_trunc('minute', observed_at, 'UTC')")},
       ${roll('floor_heat_quarters', "date_bin('15 minutes', observed_at, timestamptz '2000-01-01 00:00:00+00')")},
       ${roll('floor_heat_hours', "date_trunc('hour', observed_at, 'UTC')")}
       SELECT count(*) FROM ins`,
      [floor!.id, day, ROWS, cameraId, offset, Math.min(ROWS, offset + CHUNK) - 1, calibration!.id],
    );
    const done = Math.min(ROWS, offset + CHUNK);
    if (done % (10 * CHUNK) === 0 && done < ROWS) console.log(`  ${done.toLocaleString()} rows, ${Math.round(done / ((performance.now() - t) / 1000)).toLocaleString()} rows/s so far`);
  }
  loader.release();
  const loadS = (performance.now() - t) / 1000;
  const t1 = performance.now();
  // The bound as a CHECK first, so ATTACH does not scan the rows again for it (as sightline_partition_day does).
  await pool.query(`ALTER TABLE ${part} ADD CONSTRAINT ${part}_bound CHECK (observed_at >= '2025-03-01T00:00:00Z' AND observed_at < '2025-03-02T00:00:00Z')`);
  await pool.query(`ALTER TABLE floor_points ATTACH PARTITION ${part} FOR VALUES FROM ('2025-03-01T00:00:00Z') TO ('2025-03-02T00:00:00Z')`);
  await pool.query(`ALTER TABLE ${part} DROP CONSTRAINT ${part}_bound`);
  const attachS = (performance.now() - t1) / 1000;
  const t2 = performance.now();
  await pool.query('ANALYZE floor_points');
  await pool.query('VACUUM ANALYZE floor_heat_cells');
  await pool.query('VACUUM ANALYZE floor_heat_quarters');
  await pool.query('VACUUM ANALYZE floor_heat_hours');
  const { rows: [counts] } = await pool.query<{ points: number; cells: number; quarters: number; hours: number; bytes: number }>(
    `SELECT (SELECT count(*) FROM floor_points) AS points, (SELECT count(*) FROM floor_heat_cells) AS cells, (SELECT count(*) FROM floor_heat_quarters) AS quarters,
            (SELECT count(*) FROM floor_heat_hours) AS hours, pg_total_relation_size('${part}')::float8 AS bytes`,
  );
  console.log(`generated and rolled up in ${loadS.toFixed(1)} s (${Math.round(ROWS / loadS).toLocaleString()} rows/s), indexed and attached in ${attachS.toFixed(1)} s, analysed in ${((performance.now() - t2) / 1000).toFixed(1)} s: ` +
    `${Math.round(ROWS / (loadS + attachS)).toLocaleString()} rows/s stored end to end`);
  console.log(`  ${Number(counts!.points).toLocaleString()} floor points (${(counts!.bytes / 1e9).toFixed(1)} GB, ${Math.round(counts!.bytes / ROWS)} B a row with its indexes) -> ${Number(counts!.cells).toLocaleString()} minute rows, ${Number(counts!.quarters).toLocaleString()} quarter-hour rows, ${Number(counts!.hours).toLocaleString()} hour rows`);

  const repo = new FloorPointRepository(pool);
  const grid = { factor: 1, columns: 160, rows: 100 };
  const minuteOnly = (from: Date, to: Date) =>
    pool.query(
      `SELECT cell_x AS c, cell_y AS r, sum(samples)::float8 AS v FROM floor_heat_cells
       WHERE floor_id = $1 AND bucket >= date_trunc('minute', $2::timestamptz) AND bucket < $3 AND cell_x >= 0 AND cell_y >= 0 AND cell_x < 160 AND cell_y < 100
       GROUP BY 1, 2`,
      [floor!.id, from, to],
    );
  const rawGroupBy = (from: Date, to: Date) =>
    pool.query(
      `SELECT floor(x_m / 0.25)::int AS c, floor(y_m / 0.25)::int AS r, count(*) AS v FROM floor_points
       WHERE floor_id = $1 AND observed_at >= $2 AND observed_at < $3 AND counted GROUP BY 1, 2`,
      [floor!.id, from, to],
    );
  // The baselines (previous plan, minute roll-up, raw rows) read far more rows than the service's
  // plan: over a whole day (and over any hour of a day above 20M rows) they run on the first runs
  // only, so a 100M-row day stays bounded.
  const ranges: { name: string; hours: number; offsetMin: number; runs: number; baselineRuns: number }[] = [
    { name: '1 h on the hour', hours: 1, offsetMin: 0, runs: RUNS, baselineRuns: ROWS > 20_000_000 ? 5 : RUNS },
    { name: '1 h across two hours (:17)', hours: 1, offsetMin: 17, runs: RUNS, baselineRuns: ROWS > 20_000_000 ? 5 : RUNS },
    { name: '24 h', hours: 24, offsetMin: 0, runs: RUNS, baselineRuns: 3 },
  ];
  for (const range of ranges) {
    const times = { service: [] as number[], previous: [] as number[], minute: [] as number[], raw: [] as number[] };
    const totals = { service: 0, previous: 0, minute: 0, raw: 0 };
    for (let run = 0; run < range.runs; run++) {
      // A different hour each run, so no run reads what the previous one just cached.
      const from = new Date(day + (range.hours === 24 ? 0 : ((run * 7 + 3) % 22) * 3_600_000) + range.offsetMin * 60_000);
      const to = new Date(from.getTime() + range.hours * 3_600_000);
      let t0 = performance.now();
      const a = await repo.heatmap(floor!.id, { from, to }, grid, 'occupancy', {});
      times.service.push(performance.now() - t0);
      totals.service = a.reduce((sum, c) => sum + c[2], 0);
      if (run >= range.baselineRuns) continue;
      t0 = performance.now();
      const p = await repo.heatmap(floor!.id, { from, to }, grid, 'occupancy', {}, ['hour', 'minute']);
      times.previous.push(performance.now() - t0);
      t0 = performance.now();
      const m = await minuteOnly(from, to);
      times.minute.push(performance.now() - t0);
      t0 = performance.now();
      const b = await rawGroupBy(from, to);
      times.raw.push(performance.now() - t0);
      totals.previous = p.reduce((sum, c) => sum + c[2], 0);
      totals.minute = m.rows.reduce((sum, r: { v: number }) => sum + Number(r.v), 0);
      totals.raw = b.rows.reduce((sum, r: { v: string }) => sum + Number(r.v), 0);
    }
    const base = median(times.raw);
    console.log(`\nheatmap, ${range.name}, 0.25 m cells (160 x 100), ${range.runs} runs, baselines ${range.baselineRuns} (samples: service ${totals.service}, previous ${totals.previous}, minute ${totals.minute}, raw ${totals.raw})`);
    const line = (name: string, xs: number[]) => console.log(`  ${name.padEnd(34)} median ${median(xs).toFixed(1).padStart(8)} ms  p95 ${pct(xs, 0.95).toFixed(1).padStart(8)} ms  first ${xs[0]!.toFixed(1).padStart(8)} ms  ${(base / median(xs)).toFixed(1)}x faster than raw`);
    line('service (hour + quarter + minute)', times.service);
    line('previous (hour + minute roll-ups)', times.previous);
    line('minute roll-up only', times.minute);
    line('raw floor_points GROUP BY', times.raw);
    console.log(`  goal p95 < 200 ms over ${ROWS.toLocaleString()} stored rows: ${pct(times.service, 0.95) < 200 ? 'met' : 'NOT met'}`);
  }

  // Fan-out: N clients, each batch of 20 people -> one markers event; latency to the last client.
  const app = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent', retentionDays: 0 }), pool });
  const { token } = await signIn(pool, 'viewer');
  await app.listen({ host: '127.0.0.1', port: 0 });
  await app.kanohi.busReady;
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const tracks = await Promise.all(Array.from({ length: 20 }, (_, i) => insertTrack(pool, cameraId, 1000 + i, new Date())));
  const fanout = async (clients: number, batches: number) => {
    const sockets: Socket[] = await Promise.all(
      Array.from({ length: clients }, () => new Promise<Socket>((resolve, reject) => {
        const s = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false });
        s.once('service:status', () => resolve(s));
        s.once('connect_error', reject);
      })),
    );
    const latencies: number[] = [];
    for (let b = 0; b < batches; b++) {
      const at = new Date(Date.now() - 1000);
      const received = Promise.all(sockets.map((s) => new Promise<number>((resolve) => s.once('kanohi:markers', () => resolve(performance.now())))));
      const t0 = performance.now();
      await insertBatch(pool, cameraId, tracks.map((trackId, i) => ({ trackId, observedAt: at, xyxy: [i * 30, 100 + b, i * 30 + 20, 300 + b] as [number, number, number, number] })));
      latencies.push(Math.max(...(await received)) - t0);
    }
    for (const s of sockets) s.close();
    return latencies;
  };
  const one = await fanout(1, 20);
  const hundred = await fanout(100, 20);
  console.log('\nlive fan-out: insert + NOTIFY of 20 people -> markers event at the last client, 20 batches');
  console.log(`  1 client      median ${median(one).toFixed(1).padStart(7)} ms  p95 ${pct(one, 0.95).toFixed(1)} ms  1.00x`);
  console.log(`  100 clients   median ${median(hundred).toFixed(1).padStart(7)} ms  p95 ${pct(hundred, 0.95).toFixed(1)} ms  ${(median(hundred) / median(one)).toFixed(2)}x`);
  await app.close();
} finally {
  await db.drop();
}
