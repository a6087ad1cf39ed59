// Time-partitioned storage at growing size, side by side in one run:
// (1) the 24 h heatmap (the service's query) and a one-day count of people from raw floor points
//     (the stats query shape, which the daily partitions prune) with 1 day stored, then with DAYS
//     days stored at the same density: flat figures mean a query's cost follows the rows of its
//     range, not the rows stored (the argument for 100M stored rows when 100M cannot be generated
//     here in a few minutes: see docs/SCALING.md);
// (2) the bytes one stored floor point and one observation take (table + indexes) and what 30 days
//     of raw rows at 50 cameras come to;
// (3) retention: the time to drop the oldest day (a whole partition) beside deleting the same rows
//     with DELETE.
// Rows are generated in SQL (walks over a 40 x 25 m floor, as heatmap.bench.ts) and rolled up as
// the ingest does. Run: node --import tsx services/kanohi/bench/partitions.bench.ts
// (SCALE_DAYS, default 12; SCALE_ROWS_PER_DAY, default 150,000)
import { createTestDatabase } from '@sightline/db';
import { FloorPointRepository } from '../src/repositories/floor-point.repository.ts';
import { StatsRepository } from '../src/repositories/stats.repository.ts';
import { insertCamera } from '../src/testing/scouter-rows.ts';

const DAYS = Number(process.env.SCALE_DAYS ?? 12);
const PER_DAY = Number(process.env.SCALE_ROWS_PER_DAY ?? 150_000);
const RUNS = 11;
const DAY_MS = 86_400_000;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

const db = await createTestDatabase();
const pool = db.pool;
try {
  console.log(`partitions bench: ${PER_DAY.toLocaleString()} floor points a day, 1 day then ${DAYS} days stored, daily partitions`);
  const { rows: [floor] } = await pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('bench', 40, 25) RETURNING id");
  const cameraId = await insertCamera(pool, 'bench', [640, 480]);
  const { rows: [calibration] } = await pool.query<{ id: number }>(
    `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m) VALUES ($1, 1, $2, '[]', '{0.0625,0,0,0,0.052,0,0,0,1}', '{}', 0, 0) RETURNING id`,
    [cameraId, floor!.id],
  );
  // The newest day is yesterday (UTC); older days go back from there.
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const dayStart = (d: number) => today - (d + 1) * DAY_MS;

  /** One day of walks (tracks of 300 samples), its partition first, then its roll-ups. */
  const loadDay = async (d: number) => {
    await pool.query('SELECT sightline_partition_day($1, $2::date)', ['floor_points', new Date(dayStart(d)).toISOString().slice(0, 10)]);
    await pool.query(
      `INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds, gender, age_band)
       SELECT $1, to_timestamp($2 / 1000.0 + i * 86400.0 / $3), $4, $6::bigint * 1000000 + i / 300, $5, 'person',
              least(39.99, greatest(0, (abs(hashint4(((i / 300) + $6)::int)) % 4000) / 100.0 + ((i % 300) * 0.04) * cos((i / 300)::float8))),
              least(24.99, greatest(0, (abs(hashint4(((i / 300) + 7 + $6)::int)) % 2500) / 100.0 + ((i % 300) * 0.04) * sin((i / 300)::float8))),
              0.1, CASE WHEN (i / 300) % 2 = 0 THEN 'female' ELSE 'male' END, ''
       FROM generate_series(0, $3 - 1) AS i`,
      [floor!.id, dayStart(d), PER_DAY, cameraId, calibration!.id, d],
    );
    const range = [new Date(dayStart(d)), new Date(dayStart(d) + DAY_MS)];
    for (const [table, bucket] of [
      ['floor_heat_cells', "date_trunc('minute', observed_at, 'UTC')"],
      ['floor_heat_quarters', "date_bin('15 minutes', observed_at, timestamptz '2000-01-01 00:00:00+00')"],
      ['floor_heat_hours', "date_trunc('hour', observed_at, 'UTC')"],
    ] as const) {
      await pool.query(
        `INSERT INTO ${table} (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
         SELECT floor_id, ${bucket}, floor(x_m / 0.25)::integer, floor(y_m / 0.25)::integer, class_name, gender, age_band, count(*), sum(seconds)
         FROM floor_points WHERE observed_at >= $1 AND observed_at < $2 GROUP BY 1, 2, 3, 4, 5, 6, 7`,
        range,
      );
    }
  };

  const heat = new FloorPointRepository(pool);
  const stats = new StatsRepository(pool);
  const grid = { factor: 1, columns: 160, rows: 100 };
  const measure = async () => {
    await pool.query('VACUUM ANALYZE floor_points, floor_heat_cells, floor_heat_quarters, floor_heat_hours');
    const heatMs: number[] = [];
    const countMs: number[] = [];
    let samples = 0;
    for (let run = 0; run < RUNS; run++) {
      const from = new Date(dayStart(0));
      const to = new Date(from.getTime() + DAY_MS);
      let t = performance.now();
      const cells = await heat.heatmap(floor!.id, { from, to }, grid, 'occupancy', {});
      heatMs.push(performance.now() - t);
      samples = cells.reduce((s, c) => s + c[2], 0);
      // One hour of people counts in 5-minute buckets from raw floor points (a different hour each run).
      const hour = new Date(from.getTime() + ((run * 5) % 24) * 3_600_000);
      t = performance.now();
      await stats.counts(floor!.id, { from: hour, to: new Date(hour.getTime() + 3_600_000), bucketSeconds: 300 }, 'none', {});
      countMs.push(performance.now() - t);
    }
    // How the hourly level is read: an index range over the day, or a scan of every stored hour.
    const { rows: plan } = await pool.query<{ 'QUERY PLAN': string }>(
      'EXPLAIN (COSTS OFF) SELECT cell_x, cell_y, samples FROM floor_heat_hours WHERE floor_id = $1 AND bucket >= $2 AND bucket < $3',
      [floor!.id, new Date(dayStart(0)), new Date(dayStart(0) + DAY_MS)],
    );
    const hourScan = plan.map((r) => r['QUERY PLAN']).find((l) => /Scan/.test(l))?.trim().split(' on ')[0] ?? '?';
    return { heatMs, countMs, samples, hourScan };
  };
  const line = (label: string, xs: number[]) => `${label} p50 ${pct(xs, 0.5).toFixed(1).padStart(7)} ms  p95 ${pct(xs, 0.95).toFixed(1).padStart(7)} ms`;

  let t0 = performance.now();
  await loadDay(0);
  const oneDayLoadS = (performance.now() - t0) / 1000;
  const one = await measure();
  t0 = performance.now();
  for (let d = 1; d < DAYS; d++) await loadDay(d);
  const restLoadS = (performance.now() - t0) / 1000;
  const all = await measure();
  const { rows: [stored] } = await pool.query<{ n: number; hours: number }>('SELECT (SELECT count(*) FROM floor_points)::float8 AS n, (SELECT count(*) FROM floor_heat_hours)::float8 AS hours');
  console.log(`generated ${PER_DAY.toLocaleString()} rows in ${oneDayLoadS.toFixed(0)} s, then ${(DAYS - 1) * PER_DAY} more in ${restLoadS.toFixed(0)} s (${Math.round(((DAYS - 1) * PER_DAY) / restLoadS).toLocaleString()} rows/s with roll-ups)`);
  console.log(`\n(1) one day's queries, ${RUNS} runs each (24 h heatmap sums ${one.samples} samples both times)`);
  console.log(`  1 day stored (${PER_DAY.toLocaleString()} rows):`);
  console.log(`    ${line('24 h heatmap         ', one.heatMs)}  (hourly roll-up read by ${one.hourScan})`);
  console.log(`    ${line('1 h counts, raw rows ', one.countMs)}`);
  console.log(`  ${DAYS} days stored (${stored!.n.toLocaleString()} rows, ${stored!.hours.toLocaleString()} hourly roll-up rows):`);
  console.log(`    ${line('24 h heatmap         ', all.heatMs)}  ${(pct(all.heatMs, 0.95) / pct(one.heatMs, 0.95)).toFixed(2)}x the 1-day p95 (hourly roll-up read by ${all.hourScan})`);
  console.log(`    ${line('1 h counts, raw rows ', all.countMs)}  ${(pct(all.countMs, 0.95) / pct(one.countMs, 0.95)).toFixed(2)}x the 1-day p95`);
  console.log(`  goal 24 h heatmap p95 < 200 ms with ${stored!.n.toLocaleString()} rows stored: ${pct(all.heatMs, 0.95) < 200 ? 'met' : 'NOT met'} (100M rows not generated here: see docs/SCALING.md for the scaling argument)`);

  // (2) Sizing from what PostgreSQL actually stores.
  const { rows: [size] } = await pool.query<{ bytes: number }>("SELECT sum(pg_total_relation_size(c.oid))::float8 AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'floor_points'::regclass");
  const pointBytes = size!.bytes / stored!.n;
  await pool.query(
    `INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2, attributes)
     SELECT now() - i * interval '1 millisecond', $1, i / 300, 'person', 0.8, 100, 100, 140, 220, CASE WHEN i % 3 = 0 THEN '{"gender": {"value": "female", "confidence": 0.7}}'::jsonb ELSE '{}'::jsonb END
     FROM generate_series(1, 200000) i`,
    [cameraId],
  );
  const { rows: [obs] } = await pool.query<{ bytes: number }>("SELECT sum(pg_total_relation_size(c.oid))::float8 AS bytes FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'observations'::regclass");
  const obsBytes = obs!.bytes / 200_000;
  const perDay = 50 * 100 * 86_400;
  console.log(`\n(2) sizing: a floor point takes ${pointBytes.toFixed(0)} B, an observation ${obsBytes.toFixed(0)} B (table + indexes, measured)`);
  for (const people of [10, 2]) {
    const rows = (perDay * people) / 10;
    console.log(`  50 cameras x 10 fps x ${people} people in view: ${(rows / 1e6).toFixed(0)}M rows a day; 30 days of raw rows = ${((rows * 30 * (pointBytes + obsBytes)) / 1e12).toFixed(2)} TB (observations + floor points)`);
  }

  // (3) Retention: dropping a day's partition vs deleting the same rows.
  const oldest = new Date(dayStart(DAYS - 1));
  const next = new Date(dayStart(DAYS - 2));
  t0 = performance.now();
  const { rowCount: deleted } = await pool.query('DELETE FROM floor_points WHERE observed_at >= $1 AND observed_at < $2', [next, new Date(next.getTime() + DAY_MS)]);
  const deleteMs = performance.now() - t0;
  t0 = performance.now();
  await pool.query(`DROP TABLE floor_points_${oldest.toISOString().slice(0, 10).replaceAll('-', '')}`);
  const dropMs = performance.now() - t0;
  console.log(`\n(3) retention of one day (${PER_DAY.toLocaleString()} rows): DROP of its partition ${dropMs.toFixed(1)} ms vs DELETE of ${deleted} rows ${deleteMs.toFixed(0)} ms (${(deleteMs / dropMs).toFixed(0)}x, and DELETE leaves dead rows for VACUUM)`);
} finally {
  await db.drop();
}
