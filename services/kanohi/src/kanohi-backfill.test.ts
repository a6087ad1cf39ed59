// Backfill: observations Scouter stored before the camera was calibrated are projected when the
// calibration is saved (a job in bounded batches, progress readable over HTTP), and saving a new
// version re-projects them, moving their roll-up share with them in all three roll-up levels (minute,
// quarter hour, hour): every heatmap plan answers the same cells before and after.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestDatabase } from '@sightline/db';
import { HeatmapGrid, type Xy } from '@sightline/vision';
import type { KanohiApp } from './app.ts';
import { FloorPointRepository, heatPlan, type HeatLevel } from './repositories/floor-point.repository.ts';
import { syntheticCamera } from '../../../packages/vision/src/floor/synthetic-camera.test-support.ts';
import { insertBatch, insertCamera, insertTrack } from './testing/scouter-rows.ts';
import { startKanohi, type KanohiFixture } from './testing/kanohi-fixture.ts';

const FRAME: Xy = [640, 480];
const view = syntheticCamera('lobby', { positionXyz: [10, -6, 6], targetXy: [10, 5], focalPx: 450, frameWh: FRAME });
const T0 = Date.parse('2025-03-03T08:00:00.000Z');
const BATCH = 7;
const MIN = 60_000;

/**
 * The roll-up levels agree: each quarter-hour and hour row is exactly its minute rows summed, no
 * level keeps an emptied row, and over ranges cutting through quarters and hours every plan
 * (hours + quarters + minutes, hours + minutes, quarters + minutes) gives the minute level's cells.
 */
async function assertLevelsAgree(floorId: number, label: string): Promise<void> {
  for (const [table, bucket] of [['floor_heat_quarters', "date_bin('15 minutes', bucket, timestamptz '2000-01-01 00:00:00+00')"], ['floor_heat_hours', "date_trunc('hour', bucket, 'UTC')"]]) {
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (
         SELECT floor_id, ${bucket} AS bucket, cell_x, cell_y, class_name, gender, age_band, sum(samples)::int AS samples, sum(seconds) AS seconds
         FROM floor_heat_cells GROUP BY 1, 2, 3, 4, 5, 6, 7) m
       FULL JOIN ${table} c USING (floor_id, bucket, cell_x, cell_y, class_name, gender, age_band)
       WHERE m.samples IS DISTINCT FROM c.samples OR abs(m.seconds - c.seconds) > 1e-6 OR m.seconds IS NULL OR c.seconds IS NULL`,
    );
    assert.equal(rows[0]!.n, 0, `${label}: ${table} rows that are not their minute rows summed`);
  }
  const { rows: empty } = await db.pool.query<{ n: number }>(
    'SELECT (SELECT count(*) FROM floor_heat_cells WHERE samples <= 0) + (SELECT count(*) FROM floor_heat_quarters WHERE samples <= 0) + (SELECT count(*) FROM floor_heat_hours WHERE samples <= 0) AS n',
  );
  assert.equal(Number(empty[0]!.n), 0, `${label}: emptied roll-up rows left behind`);
  const repo = new FloorPointRepository(db.pool);
  const grid = { factor: 1, columns: 80, rows: 40 };
  const sorted = (cells: [number, number, number][]) => cells.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // The walks cover 07:40-07:55 and 07:57-08:09: these ranges put them in every level.
  const ranges: [number, number][] = [[-60 * MIN, 60 * MIN], [-53 * MIN + 20_000, 7 * MIN], [-29 * MIN, 61 * MIN], [-19 * MIN + 40_000, 4 * MIN + 10_000], [MIN, 9 * MIN]];
  const plans: HeatLevel[][] = [['hour', 'quarter', 'minute'], ['hour', 'minute'], ['quarter', 'minute']];
  let quarterSteps = 0;
  for (const [a, b] of ranges) {
    const range = { from: new Date(T0 + a), to: new Date(T0 + b) };
    const minutes = sorted(await repo.heatmap(floorId, range, grid, 'occupancy', {}, ['minute']));
    assert.ok(minutes.length > 0, `${label}: ${range.from.toISOString()} - ${range.to.toISOString()} holds samples`);
    for (const plan of plans) {
      assert.deepEqual(sorted(await repo.heatmap(floorId, range, grid, 'occupancy', {}, plan)), minutes, `${label}: ${plan.join(' + ')} vs minutes, ${range.from.toISOString()} - ${range.to.toISOString()}`);
    }
    quarterSteps += heatPlan(range.from, range.to).filter((s) => s.level === 'quarter').length;
  }
  assert.ok(quarterSteps >= 3, 'the ranges read the quarter-hour level');
}

let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;

before(async () => void ({ db, app } = kanohi = await startKanohi({ backfillBatch: BATCH }, 'admin', { listen: true })));
after(() => kanohi?.close());

test('a heatmap plan reads each span once and leaves out steps a coarser level covers whole', () => {
  const day = Date.parse('2025-03-03T00:00:00.000Z');
  const levels = (from: number, to: number) => heatPlan(new Date(from), new Date(to)).map((s) => s.level);
  assert.deepEqual(levels(day, day + 24 * 60 * MIN), ['hour'], '24 h on whole hours: the hourly rows alone');
  assert.deepEqual(levels(day + 15 * MIN, day + 45 * MIN), ['quarter'], 'whole quarter hours: the quarter-hour rows alone');
  assert.deepEqual(levels(day, day + 60 * MIN + 30 * MIN + 5 * MIN), ['hour', 'quarter', 'minute']);
  assert.deepEqual(levels(day + MIN, day + 9 * MIN), ['minute']);
});

test('observations from before a calibration are projected by a batched job, and again under a new version', async () => {
  const floor = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Lobby', widthM: 20, heightM: 10 } })).json();
  const cameraId = await insertCamera(db.pool, 'lobby', FRAME, 10);
  // Two people walk while the camera is not calibrated yet: Scouter stores and notifies, Kanohi
  // has nothing to project them with.
  const walks: Xy[][] = [Array.from({ length: 30 }, (_, i): Xy => [3.13 + i * 0.45, 4.1]), Array.from({ length: 25 }, (_, i): Xy => [16.27 - i * 0.4, 6.6])];
  for (const [k, walk] of walks.entries()) {
    const trackId = await insertTrack(db.pool, cameraId, k + 1, new Date(T0));
    await insertBatch(db.pool, cameraId, walk.map((p, i) => {
      const [u, v] = view.toImage(p)!;
      // Every 30 s, across quarter-hour and hour boundaries: walk 1 07:40-07:54:30, walk 2 07:57-08:09.
      return { trackId, observedAt: new Date(T0 - 20 * MIN + k * 17 * MIN + i * 30_000), xyxy: [u - 10, v - 60, u + 10, v] as [number, number, number, number] };
    }));
  }
  await new Promise((r) => setTimeout(r, 200));
  await app.kanohi.ingest.idle();
  const count = async () => (await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM floor_points')).rows[0]!.n;
  assert.equal(await count(), 0, 'nothing projected without a calibration');
  const total = walks.reduce((s, w) => s + w.length, 0);

  const marks: Xy[] = [[4, 2], [16, 2], [16, 8], [4, 8], [10, 5]];
  const heatmap = async () => {
    const h = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${new Date(T0 - 60 * MIN).toISOString()}&to=${new Date(T0 + 60 * MIN).toISOString()}&cellM=1` })).json();
    const grid = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 1 });
    for (const [c, r, v] of h.cells) grid.addCell(c, r, v);
    return grid;
  };
  const truth = (shiftX: number) => {
    const grid = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 1 });
    for (const p of walks.flat()) grid.accumulate([p[0] + shiftX, p[1]]);
    return grid;
  };

  for (const [version, shiftX] of [[1, 0], [2, 1.5]] as const) {
    // Version 2 says every mark is 1.5 m further east: the same pixels land 1.5 m east.
    const points = marks.map((m) => ({ imageXy: view.toImage(m)!, floorXy: [m[0] + shiftX, m[1]] }));
    const saved = await app.inject({ method: 'POST', url: `/cameras/${cameraId}/calibrations`, payload: { floorId: floor.id, points } });
    assert.equal(saved.statusCode, 201, saved.body);
    assert.equal(saved.json().version, version);
    await app.kanohi.backfill.idle();
    const job = (await app.inject({ method: 'GET', url: `/cameras/${cameraId}/backfill` })).json();
    assert.deepEqual([job.status, job.calibrationId, job.total, job.done], ['done', saved.json().id, total, total], `job after version ${version}`);
    assert.equal(await count(), total, 'every observation has exactly one floor point');
    const { rows } = await db.pool.query<{ calibration_id: number }>('SELECT DISTINCT calibration_id FROM floor_points');
    assert.deepEqual(rows.map((r) => r.calibration_id), [saved.json().id], 'all under the new version');
    assert.deepEqual(Array.from((await heatmap()).values), Array.from(truth(shiftX).values), `heatmap cells after version ${version}`);
    await assertLevelsAgree(floor.id, `after version ${version}`);
  }
  // Every roll-up level agrees after the re-projection (no samples left behind in old cells).
  const { rows: levels } = await db.pool.query<{ m: number; q: number; h: number }>(
    'SELECT (SELECT sum(samples) FROM floor_heat_cells)::int AS m, (SELECT sum(samples) FROM floor_heat_quarters)::int AS q, (SELECT sum(samples) FROM floor_heat_hours)::int AS h',
  );
  assert.deepEqual(levels[0], { m: total, q: total, h: total });
  const missing = await app.inject({ method: 'GET', url: '/cameras/999/backfill' });
  assert.equal(missing.statusCode, 404);
});
