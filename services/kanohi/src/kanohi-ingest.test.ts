// Kanohi's ingest end to end on real PostgreSQL: the test plays Scouter (rows in cameras, tracks and
// observations, then NOTIFY observations_inserted as packages/contracts bus.ts says), and checks the
// live markers over socket.io, the merged person seen by two cameras, and every aggregate (heatmap,
// zones, lines, counts, CSV) against values the test computes itself from the true floor paths.
import { signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { BusChannel, type MarkersEvent } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import { HeatmapGrid, LineCounter, PolygonZone, type Xy } from '@sightline/vision';
import type { KanohiApp } from './app.ts';
import { syntheticCamera } from '../../../packages/vision/src/floor/synthetic-camera.test-support.ts';
import { insertBatch, insertCamera, insertTrack, type ObservationInput } from './testing/scouter-rows.ts';
import { startKanohi, type KanohiFixture } from './testing/kanohi-fixture.ts';

const FRAME: Xy = [640, 480];
const viewA = syntheticCamera('south', { positionXyz: [10, -6, 6], targetXy: [10, 5], focalPx: 450, frameWh: FRAME });
const viewB = syntheticCamera('north', { positionXyz: [10, 16, 6], targetXy: [10, 5], focalPx: 450, frameWh: FRAME });
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const FPS = 10;

let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;
let socket: Socket;
const events: MarkersEvent[] = [];

before(async () => {
  ({ db, app } = kanohi = await startKanohi({}, 'admin', { listen: true }));
  socket = connect(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, { auth: { token: (await signIn(db.pool, 'admin')).token }, transports: ['websocket'], reconnection: false });
  socket.on('kanohi:markers', (e: MarkersEvent) => events.push(e));
  await new Promise((resolve, reject) => {
    socket.once('service:status', resolve);
    socket.once('connect_error', reject);
  });
});
after(async () => {
  socket?.close();
  await kanohi?.close();
});

/** A box of a person standing at `floorXy` as the camera sees it: bottom centre on the floor point. */
function box(view: typeof viewA, floorXy: Xy): [number, number, number, number] {
  const [u, v] = view.toImage(floorXy)!;
  return [u - 12, v - 70, u + 12, v];
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('observations become floor points, live markers, heatmaps and statistics', async () => {
  const floor = (await app.inject({ method: 'POST', url: '/floors', payload: { name: 'Hall', widthM: 20, heightM: 10 } })).json();
  const camA = await insertCamera(db.pool, 'south', FRAME, FPS);
  const camB = await insertCamera(db.pool, 'north', FRAME, FPS);
  // Calibrate both cameras through the API with 6 floor marks each, as a user clicks them.
  const marks: Xy[] = [[4, 2], [16, 2], [16, 8], [4, 8], [10, 5], [7, 3]];
  for (const [id, view] of [[camA, viewA], [camB, viewB]] as const) {
    const points = marks.map((m) => ({ imageXy: view.toImage(m)!, floorXy: m }));
    const saved = await app.inject({ method: 'POST', url: `/cameras/${id}/calibrations`, payload: { floorId: floor.id, points } });
    assert.equal(saved.statusCode, 201, saved.body);
    assert.ok(saved.json().rmsErrorM < 1e-6);
  }
  const lineBody = { name: 'middle', startXy: [10, 9], endXy: [10, 1] };
  const line = (await app.inject({ method: 'POST', url: `/floors/${floor.id}/lines`, payload: lineBody })).json();
  const zonePolygon: Xy[] = [[3, 3], [8, 3], [8, 7], [3, 7]];
  await app.inject({ method: 'POST', url: `/floors/${floor.id}/zones`, payload: { name: 'west', polygonXy: zonePolygon } });

  // Ground truth: walker 1 goes east along y = 4.07, walker 2 west along y = 6.03 (off the cell edges).
  const trackA1 = await insertTrack(db.pool, camA, 1, new Date(T0), { gender: { value: 'female', confidence: 0.9 }, age: { value: 34, confidence: 0.7 } });
  const trackA2 = await insertTrack(db.pool, camA, 2, new Date(T0), { gender: { value: 'male', confidence: 0.8 } });
  const trackB1 = await insertTrack(db.pool, camB, 7, new Date(T0));
  const path1 = Array.from({ length: 40 }, (_, i): Xy => [2.13 + i * 0.4, 4.07]);
  const path2 = Array.from({ length: 40 }, (_, i): Xy => [17.88 - i * 0.37, 6.03]);
  // Camera B sees walker 1 for the first second, 5 cm away from where camera A puts them.
  const pathB = path1.slice(0, 10).map(([x, y]): Xy => [x + 0.05, y]);
  const at = (i: number) => new Date(T0 + (i * 1000) / FPS);

  for (let batch = 0; batch < 4; batch++) {
    const range = [...Array(10).keys()].map((k) => batch * 10 + k);
    const obsA: ObservationInput[] = range.flatMap((i) => [
      { trackId: trackA1, observedAt: at(i), xyxy: box(viewA, path1[i]!) },
      { trackId: trackA2, observedAt: at(i), xyxy: box(viewA, path2[i]!) },
    ]);
    await insertBatch(db.pool, camA, obsA);
    if (batch === 0) await insertBatch(db.pool, camB, range.map((i) => ({ trackId: trackB1, observedAt: at(i), xyxy: box(viewB, pathB[i]!) })));
    const last = at(range.at(-1)!).toISOString();
    await waitFor(`markers of batch ${batch}`, () => events.find((e) => e.floorId === floor.id && e.at === last));
  }

  // Live markers: positions match the true path, trails grow, the two cameras' tracks are one person.
  const lastEvent = events.at(-1)!;
  const walker1 = lastEvent.markers.find((m) => m.trackIds.includes(trackA1))!;
  const walker2 = lastEvent.markers.find((m) => m.trackIds.includes(trackA2))!;
  assert.ok(Math.hypot(walker1.xyM[0] - path1[39]![0], walker1.xyM[1] - path1[39]![1]) < 1e-3, `walker 1 at ${walker1.xyM}`);
  assert.ok(Math.hypot(walker2.xyM[0] - path2[39]![0], walker2.xyM[1] - path2[39]![1]) < 1e-3, `walker 2 at ${walker2.xyM}`);
  assert.deepEqual(walker1.trackIds, [trackA1, trackB1].sort((a, b) => a - b), 'camera B’s track merged into walker 1');
  assert.deepEqual(walker1.cameraIds, [camA, camB].sort((a, b) => a - b));
  assert.deepEqual(walker2.cameraIds, [camA]);
  assert.equal(walker1.trail.length, 20, 'trail capped at KANOHI_TRAIL_POINTS');
  assert.deepEqual(walker1.trail.at(-1), walker1.xyM);
  assert.equal((walker1.attributes as { gender: { value: string } }).gender.value, 'female');
  // Every event carries the whole floor: camera B's batch repeats walker 2 where camera A left them.
  const markerXs = events
    .filter((e) => e.floorId === floor.id)
    .map((e) => e.markers.find((m) => m.trackIds.includes(trackA2))?.xyM[0])
    .filter((x): x is number => x !== undefined)
    .filter((x, i, xs) => i === 0 || x !== xs[i - 1]);
  assert.ok(markerXs.length >= 4 && markerXs.every((x, i) => i === 0 || x < markerXs[i - 1]!), 'walker 2’s marker moves west batch after batch');

  // Camera B's track is walker 1 (merged identity, stored); camera A leads them, so none of B's
  // samples count in the statistics: each person counts once.
  const ids = await db.pool.query<{ track_id: number; person_id: number }>('SELECT track_id, person_id FROM floor_identities ORDER BY track_id');
  assert.deepEqual(ids.rows.map((r) => [r.track_id, r.person_id]), [[trackA1, trackA1], [trackA2, trackA2], [trackB1, trackA1]]);
  const countedB = await db.pool.query<{ counted: boolean; n: number }>('SELECT counted, count(*)::int AS n FROM floor_points WHERE camera_id = $1 GROUP BY 1', [camB]);
  assert.deepEqual(countedB.rows, [{ counted: false, n: 10 }]);

  // Heatmap: every counted sample lands in the cell its true position is in.
  const from = new Date(T0 - 60_000).toISOString();
  const to = new Date(T0 + 120_000).toISOString();
  const expected = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 0.5 });
  for (const p of [...path1, ...path2]) expected.accumulate(p);
  const heat = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&cellM=0.5` })).json();
  assert.equal(heat.columns, 40);
  assert.equal(heat.rows, 20);
  const got = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 0.5 });
  for (const [c, r, v] of heat.cells) got.addCell(c, r, v);
  assert.deepEqual(Array.from(got.values), Array.from(expected.values));
  const dwell = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&cellM=1&metric=dwell` })).json();
  assert.ok(Math.abs(dwell.total - 80 / FPS) < 1e-4, `dwell total ${dwell.total} s`);
  const female = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&gender=female` })).json();
  assert.equal(female.total, 40, 'only walker 1 as seen by camera A carries gender=female');
  const ageBand = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&ageBand=30-44` })).json();
  assert.equal(ageBand.total, 40);
  const before = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${new Date(T0 - 3_600_000).toISOString()}&to=${new Date(T0 - 60_000).toISOString()}` })).json();
  assert.equal(before.total, 0, 'an earlier hour is empty');
  const badCell = await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&cellM=0.3` });
  assert.equal(badCell.statusCode, 400);
  assert.match(badCell.json().message, /multiple of 0.25/);

  // Lines: the test's own LineCounter over the true paths gives the expected directional counts.
  const counter = new LineCounter(lineBody.startXy as unknown as Xy, lineBody.endXy as unknown as Xy);
  for (let i = 0; i < 40; i++) {
    counter.update(1, path1[i]!);
    counter.update(2, path2[i]!);
  }
  assert.equal(counter.inCount + counter.outCount, 2, 'the scenario crosses the line twice');
  const lines = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/lines?from=${from}&to=${to}` })).json();
  assert.deepEqual({ in: lines.lines[0].inCount, out: lines.lines[0].outCount }, { in: counter.inCount, out: counter.outCount });
  const csv = await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/lines?from=${from}&to=${to}&format=csv` });
  assert.match(String(csv.headers['content-type']), /^text\/csv/);
  const window = `${new Date(from).toISOString()},${new Date(to).toISOString()}`;
  assert.deepEqual(csv.body.trim().split('\r\n'), ['window_from,window_to,line_id,line,bucket_start,in,out', `${window},${line.id},middle,${new Date(T0).toISOString()},${counter.inCount},${counter.outCount}`]);
  const fileWindow = (t: string) => new Date(t).toISOString().replace(/\.\d+Z$/, 'Z').replaceAll('-', '').replaceAll(':', '');
  assert.equal(csv.headers['content-disposition'], `attachment; filename="floor-${floor.id}-lines_${fileWindow(from)}_${fileWindow(to)}.csv"`, 'the file name states the window');

  // Zones: people inside and their time inside, from the test's PolygonZone over the true paths.
  const zone = new PolygonZone(zonePolygon);
  const inside = [path1, path2].map((path) => path.filter((p) => zone.contains(p)).length).filter((n) => n > 0);
  const zones = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/zones?from=${from}&to=${to}` })).json();
  assert.equal(zones.zones[0].tracks, inside.length);
  assert.ok(Math.abs(zones.zones[0].totalDwellSeconds - inside.reduce((s, n) => s + n, 0) / FPS) < 1e-4);

  // Counts over time, grouped by gender: 2 people in the 10:00 minute (3 tracks).
  const counts = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/counts?from=${from}&to=${to}&groupBy=gender` })).json();
  assert.deepEqual(counts.buckets.map((b: { group: string; tracks: number }) => [b.group, b.tracks]), [['female', 1], ['male', 1]]);

  // A replayed notice and a malformed one change nothing and break nothing.
  await db.pool.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, JSON.stringify({ cameraId: camA, fromTime: at(0).toISOString(), toTime: at(39).toISOString() })]);
  await db.pool.query('SELECT pg_notify($1, $2)', [BusChannel.observationsInserted, '{"cameraId": "south"}']);
  await new Promise((r) => setTimeout(r, 200));
  await app.kanohi.ingest.idle();
  const again = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${from}&to=${to}&cellM=0.5` })).json();
  assert.equal(again.total, heat.total);
  // The same samples read from the hourly, quarter-hour and minute roll-ups: identical cells, and
  // each level holds exactly the counted samples (camera B's uncounted ones in none).
  const sortCells = (cells: [number, number, number][]) => [...cells].sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  for (const [fromMs, toMs] of [[T0 - 3_600_000, T0 + 3_600_000], [T0 - 60_000, T0 + 1_800_000], [T0 - 1_200_000, T0 + 900_000]]) {
    const wide = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?from=${new Date(fromMs!).toISOString()}&to=${new Date(toMs!).toISOString()}&cellM=0.5` })).json();
    assert.deepEqual(sortCells(wide.cells), sortCells(heat.cells), `cells over ${new Date(fromMs!).toISOString()} - ${new Date(toMs!).toISOString()}`);
  }
  const { rows: levels } = await db.pool.query<{ m: number; q: number; h: number }>(
    'SELECT (SELECT sum(samples) FROM floor_heat_cells)::int AS m, (SELECT sum(samples) FROM floor_heat_quarters)::int AS q, (SELECT sum(samples) FROM floor_heat_hours)::int AS h',
  );
  assert.deepEqual(levels[0], { m: 80, q: 80, h: 80 });
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::integer AS n FROM floor_points');
  assert.equal(rows[0]!.n, 90);
});
