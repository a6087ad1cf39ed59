// KANOHI_READ_DATABASE_URL: the dashboards' heavy reads (heatmap, statistics, people) go to a read
// replica, everything else to the primary. A second database stands in for the replica, reached as
// a role of its own that may only read: it holds the same floor and camera as the primary but other
// floor points (as a replica that is behind, or ahead, would). What the pages show must be the
// replica's rows; what Scouter's notices store must land on the primary only.
import { injectAs, signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { CountsResponse, HeatmapResponse, PeopleResponse } from '@sightline/contracts';
import { buildApp, type KanohiApp } from '../services/kanohi/src/app.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { insertBatch, insertCamera, insertTrack } from '../services/kanohi/src/testing/scouter-rows.ts';

const T0 = Date.parse('2025-03-04T10:00:00.000Z');
const READER = `kanohi_reader_${process.pid}`;
const READER_PASSWORD = 'reader-secret';

let primary: TestDatabase;
let replica: TestDatabase;
let app: KanohiApp;
let floorId: number;
let cameraId: number;

/** The same floor, camera, calibration (640 x 480 px onto 40 x 25 m) and placement in a database. */
async function seedConfiguration(pool: pg.Pool): Promise<{ floorId: number; cameraId: number; calibrationId: number }> {
  const { rows: [floor] } = await pool.query<{ id: number }>("INSERT INTO floors (name, width_m, height_m) VALUES ('hall', 40, 25) RETURNING id");
  const camera = await insertCamera(pool, 'door', [640, 480]);
  const { rows: [cal] } = await pool.query<{ id: number }>(
    `INSERT INTO calibrations (camera_id, version, floor_id, points, matrix, errors_m, rms_error_m, max_error_m)
     VALUES ($1, 1, $2, '[]', '{0.0625,0,0,0,0.052,0,0,0,1}', '{}', 0, 0) RETURNING id`,
    [camera, floor!.id],
  );
  await pool.query('INSERT INTO camera_placements (camera_id, floor_id) VALUES ($1, $2)', [camera, floor!.id]);
  return { floorId: floor!.id, cameraId: camera, calibrationId: cal!.id };
}

before(async () => {
  primary = await createTestDatabase();
  replica = await createTestDatabase();
  const seeded = await seedConfiguration(primary.pool);
  const copy = await seedConfiguration(replica.pool);
  assert.deepEqual(copy, seeded, 'the replica holds the same configuration rows');
  ({ floorId, cameraId } = seeded);
  // Only on the replica: 3 people, 20 samples each over 2 s, standing far apart, and their roll-ups.
  await replica.pool.query(
    `INSERT INTO floor_points (floor_id, observed_at, camera_id, track_id, calibration_id, class_name, x_m, y_m, seconds)
     SELECT $1, $2::timestamptz + k * interval '100 milliseconds', $3, 9000 + p, $4, 'person', 5 + p * 10, 5, 0.1
     FROM generate_series(0, 2) p, generate_series(0, 19) k`,
    [floorId, new Date(T0), cameraId, seeded.calibrationId],
  );
  for (const [table, bucket] of [['floor_heat_cells', "date_trunc('minute', observed_at, 'UTC')"], ['floor_heat_quarters', "date_bin('15 minutes', observed_at, timestamptz '2000-01-01 00:00:00+00')"], ['floor_heat_hours', "date_trunc('hour', observed_at, 'UTC')"]]) {
    await replica.pool.query(
      `INSERT INTO ${table} (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band, samples, seconds)
       SELECT floor_id, ${bucket}, floor(x_m / 0.25)::integer, floor(y_m / 0.25)::integer, class_name, gender, age_band, count(*), sum(seconds)
       FROM floor_points GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    );
  }
  // The replica is reached as a role that can read and nothing else (as on a hot standby).
  const replicaName = new URL(replica.url).pathname.slice(1);
  await replica.pool.query(`CREATE ROLE ${READER} LOGIN PASSWORD '${READER_PASSWORD}'`);
  await replica.pool.query(`GRANT CONNECT ON DATABASE ${replicaName} TO ${READER}`);
  await replica.pool.query(`GRANT USAGE ON SCHEMA public TO ${READER}`);
  await replica.pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${READER}`);
  await replica.pool.query(`ALTER ROLE ${READER} SET default_transaction_read_only = on`);
  const readUrl = new URL(replica.url);
  readUrl.username = READER;
  readUrl.password = READER_PASSWORD;
  app = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent', readDatabaseUrl: readUrl.toString() }), pool: primary.pool });
  injectAs(app, await signIn(primary.pool, 'admin'));
  await app.kanohi.busReady;
});

after(async () => {
  await app?.close();
  await replica?.pool.query(`DROP OWNED BY ${READER}`).catch(() => undefined);
  await replica?.pool.query(`DROP ROLE IF EXISTS ${READER}`).catch(() => undefined);
  await replica?.drop();
  await primary?.drop();
});

const window = `from=${new Date(T0 - 60_000).toISOString()}&to=${new Date(T0 + 60_000).toISOString()}`;

test('heatmap, counts and people are read from the replica, as the read role', async () => {
  const heat = await app.inject({ method: 'GET', url: `/floors/${floorId}/heatmap?${window}&cellM=1` });
  assert.equal(heat.statusCode, 200, heat.body);
  const cells = heat.json<HeatmapResponse>().cells;
  // The replica's 3 people: 20 samples each in the 1 m cells around (5, 5), (15, 5) and (25, 5).
  assert.deepEqual(cells.map(([c, r, v]) => [c, r, v]).sort((a, b) => a[0]! - b[0]!), [[5, 5, 20], [15, 5, 20], [25, 5, 20]]);
  const counts = await app.inject({ method: 'GET', url: `/floors/${floorId}/stats/counts?${window}&bucketSeconds=3600` });
  assert.equal(counts.statusCode, 200, counts.body);
  assert.deepEqual(counts.json<CountsResponse>().buckets.map((b) => b.tracks), [3]);
  const people = await app.inject({ method: 'GET', url: `/floors/${floorId}/people?${window}` });
  assert.equal(people.statusCode, 200, people.body);
  assert.equal(people.json<PeopleResponse>().uniqueVisitors, 3);
  // The primary has none of these rows: had the pages read it, they would be empty.
  assert.equal((await primary.pool.query('SELECT count(*)::int AS n FROM floor_points')).rows[0].n, 0);
  // The read connections are the reader role's, on the replica.
  const { rows } = await replica.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 AND datname = current_database()', [READER]);
  assert.ok(rows[0]!.n >= 1, 'the app holds connections to the replica as the reader role');
});

test("Scouter's notices are stored on the primary, and the floor list reads the primary", async () => {
  const at = new Date(T0 + 3_600_000);
  const track = await insertTrack(primary.pool, cameraId, 1, at);
  await insertBatch(primary.pool, cameraId, Array.from({ length: 10 }, (_, i) => ({ trackId: track, observedAt: new Date(at.getTime() + i * 100), xyxy: [300, 200, 340, 400] as [number, number, number, number] })));
  for (let i = 0; i < 250; i++) {
    await app.kanohi.ingest.idle();
    if ((await primary.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM floor_points')).rows[0]!.n >= 10) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal((await primary.pool.query('SELECT count(*)::int AS n FROM floor_points')).rows[0].n, 10, 'the ingest wrote to the primary');
  assert.equal((await replica.pool.query('SELECT count(*)::int AS n FROM floor_points')).rows[0].n, 60, 'nothing was written to the replica');
  // Until the replica has them, the heatmap of that hour (read from the replica) is empty.
  const later = `from=${at.toISOString()}&to=${new Date(at.getTime() + 60_000).toISOString()}`;
  assert.deepEqual((await app.inject({ method: 'GET', url: `/floors/${floorId}/heatmap?${later}` })).json<HeatmapResponse>().cells, []);
  // A floor created now is listed at once: floors are read where they are written.
  const created = await app.inject({ method: 'POST', url: '/floors', payload: { name: 'annex', widthM: 10, heightM: 10 } });
  assert.equal(created.statusCode, 201, created.body);
  const list = (await app.inject({ method: 'GET', url: '/floors' })).json<{ name: string }[]>();
  assert.ok(list.some((f) => f.name === 'annex'), JSON.stringify(list));
});
