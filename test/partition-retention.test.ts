// Time-partitioned raw storage (migrations 0015 and 0017): the migrations move stored floor points,
// observations, Scouter events and stationary spans into daily partitions, maintenance creates days
// ahead and drops days older than the retention setting while the heatmap roll-ups stay, and a
// one-day query reads one partition.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestDatabase, loadMigrations, maintainPartitions, migrateUp, type TestDatabase } from '@sightline/db';

const DAY_MS = 86_400_000;
const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
const dayName = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
// Noon of the UTC day `daysAgo` days before today.
const noon = (daysAgo: number) => new Date(today - daysAgo * DAY_MS + DAY_MS / 2);
const AGES = [45, 31, 29, 3, 0];

let db: TestDatabase;
let floorId: number;
let cameraId: number;
let eventIdsBefore: number[];

async function partitions(table: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ name: string }>(
    'SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = $1::regclass ORDER BY 1',
    [table],
  );
  return rows.map((r) => r.name);
}

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(sql, params);
  return rows[0]!.n;
}

before(async () => {
  db = await createTestDatabase({ migrate: false });
  // The schema as it was before time partitioning, with rows of several days in it.
  await migrateUp(db.pool, loadMigrations().filter((m) => m.version < 13));
  floorId = (await db.pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('hall', 20, 10) RETURNING id")).rows[0]!.id;
  cameraId = (await db.pool.query<{ id: number }>("INSERT INTO cameras (name, uri) VALUES ('door', 'file:///door.mp4') RETURNING id")).rows[0]!.id;
  const { rows: [cal] } = await db.pool.query<{ id: number }>(
    `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m)
     VALUES ($1, 1, $2, '[]', '{1,0,0,0,1,0,0,0,1}', '{}', 0, 0) RETURNING id`,
    [cameraId, floorId],
  );
  for (const [i, age] of AGES.entries()) {
    // 10 samples per day, one track per day.
    await db.pool.query(
      `INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2)
       SELECT $1::timestamptz + k * interval '1 second', $2, $3, 'person', 0.9, 10, 10, 20, 40 FROM generate_series(0, 9) k`,
      [noon(age), cameraId, i + 1],
    );
    await db.pool.query(
      `INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds)
       SELECT $1, $2::timestamptz + k * interval '1 second', $3, $4, $5, 'person', 5, 5, 0.1 FROM generate_series(0, 9) k`,
      [floorId, noon(age), cameraId, i + 1, cal!.id],
    );
    await db.pool.query(
      `INSERT INTO floor_heat_hours (floor_id, bucket, cell_x, cell_y, class_name, samples, seconds) VALUES ($1, date_trunc('hour', $2::timestamptz, 'UTC'), 20, 20, 'person', 10, 1)`,
      [floorId, noon(age)],
    );
  }
  // Scouter events (0014) and stationary spans (0012) as they were before 0017, one per day.
  await migrateUp(db.pool, loadMigrations().filter((m) => m.version < 17));
  const runId = '00000000-0000-4000-8000-000000000001';
  for (const [i, age] of AGES.entries()) {
    await db.pool.query(
      `INSERT INTO scouter_events (occurred_at, camera_id, kind, run_id, tracker_id, class_name, score, x1, y1, x2, y2)
       VALUES ($1, $2, 'track-started', $3, $4, 'person', 0.9, 10, 10, 20, 40)`,
      [noon(age), cameraId, runId, i + 1],
    );
    await db.pool.query(
      'INSERT INTO floor_stationary_spans (camera_id, track_id, started_at, floor_id, ended_at, x_m, y_m) VALUES ($1, $2, $3, $4, $3::timestamptz + interval \'5 seconds\', 5, 5)',
      [cameraId, i + 1, noon(age), floorId],
    );
  }
  eventIdsBefore = (await db.pool.query<{ id: string }>('SELECT id FROM scouter_events ORDER BY id')).rows.map((r) => Number(r.id));
  await migrateUp(db.pool);
});

after(async () => {
  await db?.drop();
});

test('the migrations move stored rows into daily partitions, nothing left in the default ones', async () => {
  for (const table of ['observations', 'floor_points', 'scouter_events', 'floor_stationary_spans']) {
    const names = await partitions(table);
    for (const age of AGES) assert.ok(names.includes(`${table}_${dayName(noon(age).getTime())}`), `${table} has the partition of ${age} days ago: ${names.join(', ')}`);
    for (const ahead of [1, 2]) assert.ok(names.includes(`${table}_${dayName(today + ahead * DAY_MS)}`), `${table} has a partition ${ahead} days ahead`);
    assert.equal(await count(`SELECT count(*)::int AS n FROM ${table}_default`), 0, `${table}_default is empty`);
    const perDay = table.startsWith('scouter_events') || table.startsWith('floor_stationary') ? 1 : 10;
    assert.equal(await count(`SELECT count(*)::int AS n FROM ${table}`), AGES.length * perDay, `every ${table} row kept`);
  }
  // Events keep their ids, and new ones continue after them.
  assert.deepEqual((await db.pool.query<{ id: string }>('SELECT id FROM scouter_events ORDER BY id')).rows.map((r) => Number(r.id)), eventIdsBefore);
  const { rows: [fresh] } = await db.pool.query<{ id: string }>(
    `INSERT INTO scouter_events (occurred_at, camera_id, kind, run_id, tracker_id, class_name, score, x1, y1, x2, y2)
     VALUES (now(), $1, 'track-ended', '00000000-0000-4000-8000-000000000001', 9, 'person', 0.9, 1, 1, 2, 2) RETURNING id`,
    [cameraId],
  );
  assert.equal(Number(fresh!.id), Math.max(...eventIdsBefore) + 1);
  await db.pool.query('DELETE FROM scouter_events WHERE id = $1', [fresh!.id]);
  // floor_points kept its key: the same sample again is refused.
  await assert.rejects(
    db.pool.query('INSERT INTO floor_points SELECT * FROM floor_points LIMIT 1'),
    /duplicate key value violates unique constraint/,
  );
});

test('rows inserted before their day has a partition move into it on the next pass', async () => {
  const stray = noon(7);
  await db.pool.query(
    `INSERT INTO observations (observed_at, camera_id, track_id, class_name, score, x1, y1, x2, y2) VALUES ($1, $2, 99, 'person', 0.9, 1, 1, 2, 2)`,
    [stray, cameraId],
  );
  assert.equal(await count('SELECT count(*)::int AS n FROM observations_default'), 1);
  const passes = await maintainPartitions(db.pool, { owner: 'scouter', retentionDays: 0 });
  assert.deepEqual(passes, [{ table: 'observations', created: 1, dropped: 0 }, { table: 'scouter_events', created: 0, dropped: 0 }]);
  assert.equal(await count('SELECT count(*)::int AS n FROM observations_default'), 0);
  assert.equal(await count(`SELECT count(*)::int AS n FROM observations_${dayName(stray.getTime())}`), 1);
});

test('a one-day query reads only that day\'s partition', async () => {
  const from = new Date(today - 3 * DAY_MS);
  const { rows } = await db.pool.query<{ 'QUERY PLAN': string }>(
    'EXPLAIN (COSTS OFF) SELECT count(*) FROM floor_points fp WHERE fp.floor_id = $1 AND fp.counted AND fp.observed_at >= $2 AND fp.observed_at < $3',
    [floorId, from, new Date(from.getTime() + DAY_MS)],
  );
  const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
  const scanned = [...new Set(plan.match(/floor_points_\w+/g) ?? [])].map((n) => n.replace(/_(pkey|floor_id_observed_at_idx|track_id_observed_at_idx)$/, ''));
  assert.deepEqual([...new Set(scanned)], [`floor_points_${dayName(from.getTime())}`], plan);
});

test('retention drops whole days older than the setting, per owner, and keeps the heatmap roll-ups', async () => {
  const hoursBefore = await count('SELECT count(*)::int AS n FROM floor_heat_hours');
  const scouter = await maintainPartitions(db.pool, { owner: 'scouter', retentionDays: 30 });
  assert.deepEqual(scouter, [{ table: 'observations', created: 0, dropped: 2 }, { table: 'scouter_events', created: 0, dropped: 2 }], 'the days 45 and 31 days ago');
  assert.equal(await count('SELECT count(*)::int AS n FROM scouter_events'), 3, 'the events of the 3 kept days');
  const obs = await partitions('observations');
  assert.ok(!obs.includes(`observations_${dayName(noon(45).getTime())}`) && !obs.includes(`observations_${dayName(noon(31).getTime())}`));
  assert.ok(obs.includes(`observations_${dayName(noon(29).getTime())}`), 'the day 29 days ago is kept');
  assert.equal(await count('SELECT count(*)::int AS n FROM observations'), 3 * 10 + 1);
  // Kanohi's table is its own: untouched until Kanohi's pass, which has its own setting.
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_points'), AGES.length * 10);
  const kanohi = await maintainPartitions(db.pool, { owner: 'kanohi', retentionDays: 3 });
  assert.deepEqual(kanohi, [{ table: 'floor_points', created: 0, dropped: 3 }, { table: 'floor_stationary_spans', created: 0, dropped: 3 }]);
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_points'), 2 * 10, 'today and 3 days ago are kept');
  assert.deepEqual((await db.pool.query<{ n: string }>('SELECT track_id::text AS n FROM floor_stationary_spans ORDER BY 1')).rows.map((r) => r.n), ['4', '5'], 'the spans of today and 3 days ago are kept');
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_heat_hours'), hoursBefore, 'roll-ups outlive the raw rows');
  // A row older than the retention that waits in the default partition moves into its day on one
  // pass and goes with that day on the next (never deleted by the pass that first sees it).
  await db.pool.query(
    `INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds)
     SELECT floor_id, $1, camera_id, 77, calibration_id, 'person', 1, 1, 0.1 FROM floor_points LIMIT 1`,
    [noon(10)],
  );
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_points_default'), 1);
  assert.deepEqual(await maintainPartitions(db.pool, { owner: 'kanohi', retentionDays: 3 }), [{ table: 'floor_points', created: 1, dropped: 0 }, { table: 'floor_stationary_spans', created: 0, dropped: 0 }]);
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_points_default'), 0);
  assert.equal(await count(`SELECT count(*)::int AS n FROM floor_points_${dayName(noon(10).getTime())}`), 1);
  assert.deepEqual(await maintainPartitions(db.pool, { owner: 'kanohi', retentionDays: 3 }), [{ table: 'floor_points', created: 0, dropped: 1 }, { table: 'floor_stationary_spans', created: 0, dropped: 0 }]);
  assert.equal(await count('SELECT count(*)::int AS n FROM floor_points'), 2 * 10);
});
