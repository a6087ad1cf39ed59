// Heatmaps that show where people went: a false detection that sits still (flagged stationary
// after KANOHI_STATIONARY_MS, shortened here to 3 s) does not set the scale unless included; an
// exclusion mask leaves its cells out; zones and lines can be renamed, redrawn and re-kinded.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CountLine, HeatmapResponse, Zone } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import { HeatmapGrid, type Xy } from '@sightline/vision';
import type { KanohiApp } from './app.ts';
import { overheadBox as box, overheadFloor, startKanohi, waitForFloorPoints, type KanohiFixture } from './testing/kanohi-fixture.ts';
import { insertBatch, insertTrack, type ObservationInput } from './testing/scouter-rows.ts';

const T0 = Date.parse('2025-03-04T09:00:00.000Z');
let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;

before(async () => void ({ db, app } = kanohi = await startKanohi({ stationaryMs: 3000 })));
after(() => kanohi?.close());

test('a stationary false positive is flagged and left out of the heatmap scale; masks leave cells out', async () => {
  // 1 pixel = 1 cm, looking straight down on the 20 x 10 m floor.
  const { floorId, cameraId: camera } = await overheadFloor(kanohi, 'Lawn', 'mast');
  const floor = { id: floorId };

  // 10 s at 10 fps: a walker along y = 3 (x 2 -> 17), and a box that never moves at (15.1, 8.1).
  const walker = await insertTrack(db.pool, camera, 1, new Date(T0));
  const ghost = await insertTrack(db.pool, camera, 2, new Date(T0));
  const walk = (f: number): Xy => [2 + f * 0.15, 3.1];
  for (let batch = 0; batch < 100; batch += 5) {
    const rows: ObservationInput[] = [];
    for (let f = batch; f < batch + 5; f++) {
      rows.push({ trackId: walker, observedAt: new Date(T0 + f * 100), xyxy: box(walk(f)) });
      rows.push({ trackId: ghost, observedAt: new Date(T0 + f * 100), xyxy: box([15.1, 8.1]) });
    }
    await insertBatch(db.pool, camera, rows);
  }
  await waitForFloorPoints(kanohi, 200);

  const window = `from=${new Date(T0 - 60_000).toISOString()}&to=${new Date(T0 + 120_000).toISOString()}&cellM=1`;
  const truth = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 1 });
  for (let f = 0; f < 100; f++) truth.accumulate(walk(f));
  const heat = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?${window}` })).json<HeatmapResponse>();
  assert.equal(heat.stationaryExcluded, true, 'left out by default');
  assert.equal(heat.stationary.length, 1, 'the still box is flagged');
  assert.deepEqual([heat.stationary[0]!.trackId, heat.stationary[0]!.cameraId], [ghost, camera]);
  assert.ok(Math.hypot(heat.stationary[0]!.xyM[0] - 15.1, heat.stationary[0]!.xyM[1] - 8.1) < 0.01);
  assert.equal(heat.max, truth.max(), `the scale is the walker's (${truth.max()} samples per cell), not the ghost's`);
  assert.equal(heat.total, 100, 'only the walker');
  assert.match(heat.unit, /samples per cell/);

  const peopleWindow = window.replace('&cellM=1', '');
  const counted = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?${peopleWindow}` })).json<{ uniqueVisitors: number; stationaryExcluded: boolean }>();
  assert.deepEqual([counted.uniqueVisitors, counted.stationaryExcluded], [1, true], 'the people counts leave the still box out too');
  assert.equal((await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?${peopleWindow}&stationary=include` })).json<{ uniqueVisitors: number }>().uniqueVisitors, 2);
  const all = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?${window}&stationary=include` })).json<HeatmapResponse>();
  assert.equal(all.max, 100, 'included on request: the ghost owns one cell');
  assert.equal(all.total, 200);

  // A mask over the walk's first 5 m leaves those cells out.
  const mask = (await app.inject({ method: 'POST', url: `/floors/${floor.id}/zones`, payload: { name: 'fountain', kind: 'mask', polygonXy: [[0, 0], [7, 0], [7, 10], [0, 10]] } })).json<Zone>();
  assert.equal(mask.kind, 'mask');
  const masked = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/heatmap?${window}` })).json<HeatmapResponse>();
  assert.equal(masked.maskedCells, 5, 'cells x 2..6 on the walk');
  assert.ok(masked.cells.every(([c]) => c >= 7), 'no cell left inside the mask');
  assert.equal(masked.total, 100 - Math.ceil((7 - 2) / 0.15));
  const people = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?${window.replace('&cellM=1', '')}` })).json<{ zones: unknown[] }>();
  assert.deepEqual(people.zones, [], 'a mask is not a counting zone');

  // Edit: rename and turn the mask into a zone; rename and move a line; conflicts and bad input are 4xx.
  const renamed = await app.inject({ method: 'PATCH', url: `/floors/${floor.id}/zones/${mask.id}`, payload: { name: 'west lawn', kind: 'zone' } });
  assert.equal(renamed.statusCode, 200, renamed.body);
  assert.deepEqual([renamed.json<Zone>().name, renamed.json<Zone>().kind], ['west lawn', 'zone']);
  const zoneStats = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/stats/zones?${window.replace('&cellM=1', '')}` })).json<{ zones: { name: string; tracks: number }[] }>();
  assert.deepEqual(zoneStats.zones.map((z) => [z.name, z.tracks]), [['west lawn', 1]], 'the walker was in the west lawn (history follows the zone)');
  const line = (await app.inject({ method: 'POST', url: `/floors/${floor.id}/lines`, payload: { name: 'gate', startXy: [10, 0], endXy: [10, 10] } })).json<CountLine>();
  await app.inject({ method: 'POST', url: `/floors/${floor.id}/lines`, payload: { name: 'other', startXy: [12, 0], endXy: [12, 10] } });
  const moved = await app.inject({ method: 'PATCH', url: `/floors/${floor.id}/lines/${line.id}`, payload: { name: 'north gate', endXy: [10, 5] } });
  assert.equal(moved.statusCode, 200, moved.body);
  assert.deepEqual([moved.json<CountLine>().name, moved.json<CountLine>().endXy], ['north gate', [10, 5]]);
  for (const [url, payload, status, message] of [
    [`/floors/${floor.id}/lines/${line.id}`, { name: 'other' }, 409, /already/],
    [`/floors/${floor.id}/lines/${line.id}`, { endXy: [10, 0] }, 400, /same point/],
    [`/floors/${floor.id}/lines/99999`, { name: 'x' }, 404, /does not exist/],
    [`/floors/${floor.id}/zones/${mask.id}`, {}, 400, /./],
    [`/floors/${floor.id}/zones/${mask.id}`, { polygonXy: [[0, 0], [1, 1], [2, 2]] }, 400, /no area/],
  ] as const) {
    const r = await app.inject({ method: 'PATCH', url, payload });
    assert.equal(r.statusCode, status, `${url} ${JSON.stringify(payload)}: ${r.body}`);
    assert.match(r.json<{ message: string }>().message, message);
  }
});
