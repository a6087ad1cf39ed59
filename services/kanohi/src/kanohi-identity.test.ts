// One person seen by two overlapping cameras counts once: two synthetic cameras see the same walk
// (camera A its first 3 s, camera B its last 3 s, both in the middle second), their batches
// arriving camera after camera as Scouter sends them. Heatmap, zone, line and count statistics must
// match one walker, computed by the test from the true path, not the sum of both cameras.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TestDatabase } from '@sightline/db';
import { HeatmapGrid, LineCounter, PolygonZone, type Xy } from '@sightline/vision';
import type { KanohiApp } from './app.ts';
import { syntheticCamera } from '../../../packages/vision/src/floor/synthetic-camera.test-support.ts';
import { insertBatch, insertCamera, insertTrack } from './testing/scouter-rows.ts';
import { startKanohi, type KanohiFixture } from './testing/kanohi-fixture.ts';

const FRAME: Xy = [640, 480];
const viewA = syntheticCamera('west', { positionXyz: [2, -6, 6], targetXy: [7, 5], focalPx: 400, frameWh: FRAME });
const viewB = syntheticCamera('east', { positionXyz: [18, 16, 6], targetXy: [13, 5], focalPx: 400, frameWh: FRAME });
const T0 = Date.parse('2025-03-02T09:00:00.000Z');
const FPS = 10;
const HANDOVER_MS = 300;

let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;

before(async () => void ({ db, app } = kanohi = await startKanohi({ handoverMs: HANDOVER_MS }, 'admin')));
after(() => kanohi?.close());

const box = (view: typeof viewA, p: Xy): [number, number, number, number] => {
  const [u, v] = view.toImage(p)!;
  return [u - 10, v - 60, u + 10, v];
};

async function waitForPoints(n: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    await app.kanohi.ingest.idle();
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM floor_points');
    if (rows[0]!.n >= n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`fewer than ${n} floor points were stored`);
}

test('a walk seen by two overlapping cameras counts as one person in heatmap, zone, line and counts', async () => {
  const floor = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Corridor', widthM: 20, heightM: 10 } })).json();
  const camA = await insertCamera(db.pool, 'west', FRAME, FPS);
  const camB = await insertCamera(db.pool, 'east', FRAME, FPS);
  const marks: Xy[] = [[3, 2], [17, 2], [17, 8], [3, 8], [10, 5], [6, 3]];
  for (const [id, view] of [[camA, viewA], [camB, viewB]] as const) {
    const saved = await app.inject({ method: 'POST', url: `/cameras/${id}/calibrations`, payload: { floorId: floor.id, points: marks.map((m) => ({ imageXy: view.toImage(m)!, floorXy: m })) } });
    assert.equal(saved.statusCode, 201, saved.body);
  }
  const lineXy: [Xy, Xy] = [[10, 9], [10, 1]];
  await app.inject({ method: 'POST', url: `/floors/${floor.id}/lines`, payload: { name: 'middle', startXy: lineXy[0], endXy: lineXy[1] } });
  const zoneXy: Xy[] = [[8, 3], [12, 3], [12, 7], [8, 7]];
  await app.inject({ method: 'POST', url: `/floors/${floor.id}/zones`, payload: { name: 'centre', polygonXy: zoneXy } });

  // The walk: 40 samples at 10 fps, east along y = 5.03. A sees samples 0..29, B 10..39, B's clock
  // 30 ms later and its position estimate 6 cm off (two cameras never agree exactly).
  const walk = Array.from({ length: 40 }, (_, i): Xy => [2.13 + i * 0.4, 5.03]);
  const trackA = await insertTrack(db.pool, camA, 1, new Date(T0));
  const trackB = await insertTrack(db.pool, camB, 4, new Date(T0));
  const seenA = walk.map((p, i) => ({ i, p })).filter(({ i }) => i < 30);
  const seenB = walk.map((p, i) => ({ i, p })).filter(({ i }) => i >= 10);
  for (let second = 0; second < 4; second++) {
    const inSecond = (i: number) => Math.floor(i / 10) === second;
    await insertBatch(db.pool, camA, seenA.filter(({ i }) => inSecond(i)).map(({ i, p }) => ({ trackId: trackA, observedAt: new Date(T0 + i * 100), xyxy: box(viewA, p) })));
    await insertBatch(db.pool, camB, seenB.filter(({ i }) => inSecond(i)).map(({ i, p }) => ({ trackId: trackB, observedAt: new Date(T0 + i * 100 + 30), xyxy: box(viewB, [p[0] + 0.06, p[1]]) })));
  }
  await waitForPoints(seenA.length + seenB.length);

  // Stored: both cameras' samples, one identity, and only one camera's sample per moment counted.
  const ids = await db.pool.query<{ track_id: number; person_id: number }>('SELECT track_id, person_id FROM floor_identities ORDER BY track_id');
  assert.deepEqual(ids.rows.map((r) => r.person_id), [trackA, trackA], 'both tracks are the same person');
  const { rows: counted } = await db.pool.query<{ t: Date; camera_id: number }>('SELECT observed_at AS t, camera_id FROM floor_points WHERE counted ORDER BY observed_at');
  const gaps = counted.slice(1).map((r, k) => r.t.getTime() - counted[k]!.t.getTime());
  assert.ok(gaps.every((g) => g >= 70), `counted samples never overlap in time (smallest gap ${Math.min(...gaps)} ms)`);
  assert.ok(gaps.every((g) => g <= HANDOVER_MS + 100), `at most the hand-over goes uncounted (largest gap ${Math.max(...gaps)} ms)`);
  const lost = walk.length - counted.length;
  assert.ok(lost >= 0 && lost <= HANDOVER_MS / 100, `${counted.length} counted samples for a ${walk.length}-sample walk`);

  const from = new Date(T0 - 60_000).toISOString();
  const to = new Date(T0 + 120_000).toISOString();
  // Heatmap: never more than one walker's samples in a cell (the truth grid), and the totals match.
  const truth = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 1 });
  for (const p of walk) truth.accumulate(p);
  const heat = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&cellM=1` })).json();
  assert.equal(heat.total, counted.length);
  for (const [c, r, v] of heat.cells as [number, number, number][]) assert.ok(v <= truth.values[r * truth.columns + c]!, `cell ${c},${r}: ${v} > one walker's ${truth.values[r * truth.columns + c]}`);
  const perCamera = seenA.length + seenB.length;
  assert.ok(heat.total < perCamera * 0.75, `heatmap ${heat.total} samples, not both cameras' ${perCamera}`);

  // Line: the walker crosses once, as the test's own counter says for the true path.
  const counter = new LineCounter(lineXy[0], lineXy[1]);
  for (const p of walk) counter.update(1, p);
  const lines = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/lines?from=${from}&to=${to}` })).json();
  assert.deepEqual([lines.lines[0].inCount, lines.lines[0].outCount], [counter.inCount, counter.outCount]);
  assert.equal(counter.inCount + counter.outCount, 1);

  // Zone: one person, in it for the walk's time inside (both cameras see the zone).
  const zone = new PolygonZone(zoneXy);
  const insideS = walk.filter((p) => zone.contains(p)).length / FPS;
  const zones = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/zones?from=${from}&to=${to}` })).json();
  assert.equal(zones.zones[0].tracks, 1);
  assert.ok(Math.abs(zones.zones[0].totalDwellSeconds - insideS) <= HANDOVER_MS / 1000 + 1e-6, `dwell ${zones.zones[0].totalDwellSeconds} s vs ${insideS} s`);

  // Counts: one person in the minute.
  const counts = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/counts?from=${from}&to=${to}` })).json();
  assert.deepEqual(counts.buckets.map((b: { tracks: number }) => b.tracks), [1]);
});
