// Kanohi filters and breaks down by any attribute, a trained head's included, with one smoothed
// value per track: four walkers with known per-frame head outputs (one flickers between "dark" and
// "light"), and every heatmap, count, zone and line figure checked against what the walkers did.
import { injectAs, signIn } from '@sightline/auth/testing';
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CountsResponse, FloorAttributesResponse, HeatmapResponse, LineStatsResponse, ZoneStatsResponse } from '@sightline/contracts';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { HeatmapGrid, type Xy } from '@sightline/vision';
import { buildApp, type KanohiApp } from '../services/kanohi/src/app.ts';
import { loadKanohiConfig } from '../services/kanohi/src/config.ts';
import { insertBatch, insertCamera, insertTrack, type ObservationInput } from '../services/kanohi/src/testing/scouter-rows.ts';

const T0 = Date.parse('2025-03-04T09:00:00.000Z');
const FRAMES = 100;
let db: TestDatabase;
let app: KanohiApp;
let floorId: number;

// 1 pixel = 1 cm, looking straight down on a 20 x 10 m floor.
const box = ([x, y]: Xy): [number, number, number, number] => [x * 100 - 20, y * 100 - 150, x * 100 + 20, y * 100];

/**
 * The walkers. A goes east on y = 3.1 and says "dark" on 8 frames of 10 ("light" on the others);
 * B goes west on y = 6.1 and says "light" on 7 of 10; C wanders inside the west zone, always
 * "light", age 30/32/34 (mean 32); D crosses nothing and has no upper_colour at all.
 */
const walkers = {
  A: { path: (f: number): Xy => [2.1 + f * 0.15, 3.1], colour: (f: number) => (f % 10 < 8 ? 'dark' : 'light'), age: undefined },
  B: { path: (f: number): Xy => [17.1 - f * 0.15, 6.1], colour: (f: number) => (f % 10 < 7 ? 'light' : 'dark'), age: undefined },
  C: { path: (f: number): Xy => [3.1 + (f % 20) * 0.1, 8.1], colour: () => 'light', age: (f: number) => 30 + (f % 3) * 2 },
  D: { path: (f: number): Xy => [14.1, 1.1 + f * 0.05], colour: undefined, age: undefined },
} as const;

before(async () => {
  db = await createTestDatabase();
  app = await buildApp({ config: loadKanohiConfig({}, { logLevel: 'silent' }), pool: db.pool });
  injectAs(app, await signIn(db.pool, 'operator'));
  await app.kanohi.busReady;
  const post = (url: string, payload: object) => app.inject({ method: 'POST', url, payload });
  floorId = (await post('/floors', { name: 'Plaza', widthM: 20, heightM: 10 })).json<{ id: number }>().id;
  const camera = await insertCamera(db.pool, 'mast', [2000, 1000], 10);
  const marks: Xy[] = [[1, 1], [19, 1], [19, 9], [1, 9], [10, 5]];
  assert.equal((await post(`/cameras/${camera}/calibrations`, { floorId, points: marks.map((m) => ({ imageXy: [m[0] * 100, m[1] * 100], floorXy: m })) })).statusCode, 201);
  assert.equal((await post(`/floors/${floorId}/zones`, { name: 'west', polygonXy: [[0, 0], [7, 0], [7, 10], [0, 10]] })).statusCode, 201);
  assert.equal((await post(`/floors/${floorId}/lines`, { name: 'middle', startXy: [10, 0], endXy: [10, 10] })).statusCode, 201);

  // Scouter's track row keeps the last frame's values: A's last frame said "light". The floor
  // counts must follow what most of A's frames said, not that last word.
  const ids = new Map<string, number>();
  for (const [i, name] of Object.keys(walkers).entries()) ids.set(name, await insertTrack(db.pool, camera, i + 1, new Date(T0), name === 'A' ? { upper_colour: { value: 'light', confidence: 0.6 } } : {}));
  for (let batch = 0; batch < FRAMES; batch += 10) {
    const rows: ObservationInput[] = [];
    for (let f = batch; f < batch + 10; f++) {
      for (const [name, w] of Object.entries(walkers)) {
        const attributes: Record<string, unknown> = {};
        if (w.colour) attributes.upper_colour = { value: w.colour(f), confidence: 0.8 };
        if (w.age) attributes.age = { value: w.age(f), confidence: 0.7 };
        rows.push({ trackId: ids.get(name)!, observedAt: new Date(T0 + f * 100), xyxy: box(w.path(f)), attributes });
      }
    }
    await insertBatch(db.pool, camera, rows);
  }
  for (let i = 0; ; i++) {
    await app.kanohi.ingest.idle();
    if ((await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM floor_points')).rows[0]!.n >= FRAMES * 4) break;
    assert.ok(i < 500, 'every observation is projected');
    await new Promise((r) => setTimeout(r, 20));
  }
});
after(async () => {
  await app?.close();
  await db?.drop();
});

const window = `from=${new Date(T0 - 60_000).toISOString()}&to=${new Date(T0 + 120_000).toISOString()}`;
const get = async <T>(url: string): Promise<T> => {
  const r = await app.inject({ method: 'GET', url });
  assert.equal(r.statusCode, 200, `${url}: ${r.body}`);
  return r.json<T>();
};

test('the attributes of the window are listed with their smoothed per-track values', async () => {
  const { attributes } = await get<FloorAttributesResponse>(`/floors/${floorId}/attributes?${window}`);
  assert.deepEqual(attributes, [
    { name: 'age', values: [{ value: '32', tracks: 1 }] },
    { name: 'upper_colour', values: [{ value: 'light', tracks: 2 }, { value: 'dark', tracks: 1 }] },
  ]);
});

test('counts break down by a trained attribute, one smoothed value per track', async () => {
  const counts = await get<CountsResponse>(`/floors/${floorId}/stats/counts?${window}&bucketSeconds=3600&groupBy=attr:upper_colour`);
  assert.equal(counts.groupBy, 'attr:upper_colour');
  assert.deepEqual(counts.buckets.map((b) => [b.group, b.tracks]), [['', 1], ['dark', 1], ['light', 2]], 'A dark (8 of 10 frames), B and C light, D without a value');
  const light = await get<CountsResponse>(`/floors/${floorId}/stats/counts?${window}&bucketSeconds=3600&attribute=upper_colour=light`);
  assert.deepEqual(light.buckets.map((b) => b.tracks), [2], 'A said "light" on 2 frames of 10 and is not counted as light');
  const byAge = await get<CountsResponse>(`/floors/${floorId}/stats/counts?${window}&bucketSeconds=3600&groupBy=attr:age&attribute=upper_colour=LIGHT`);
  assert.deepEqual(byAge.buckets.map((b) => [b.group, b.tracks]), [['', 1], ['32', 1]], 'numbers smooth to their mean; values match whatever their case');
  const unseen = await get<CountsResponse>(`/floors/${floorId}/stats/counts?${window}&bucketSeconds=3600&attribute=hat=yes`);
  assert.deepEqual(unseen.buckets, [], 'an attribute no track carries matches nobody');
});

test('heatmaps, zones and lines follow the attribute filter', async () => {
  const truth = (names: (keyof typeof walkers)[]) => {
    const grid = new HeatmapGrid({ widthMeters: 20, heightMeters: 10, cellMeters: 1 });
    for (const n of names) for (let f = 0; f < FRAMES; f++) grid.accumulate(walkers[n].path(f));
    return grid;
  };
  for (const [value, names] of [['dark', ['A']], ['light', ['B', 'C']]] as const) {
    const heat = await get<HeatmapResponse>(`/floors/${floorId}/heatmap?${window}&cellM=1&attribute=upper_colour=${value}`);
    const expected = truth([...names]);
    assert.equal(heat.total, FRAMES * names.length, `${value}: every sample of ${names.join(' and ')}, the flickering frames included`);
    assert.equal(heat.max, expected.max());
    for (const [c, r, v] of heat.cells) assert.equal(v, expected.values[r * expected.columns + c], `cell ${c},${r} of ${value}`);
  }
  const all = await get<HeatmapResponse>(`/floors/${floorId}/heatmap?${window}&cellM=1`);
  assert.equal(all.total, FRAMES * 4, 'without the filter the roll-up answers for everyone');

  const zones = async (filter: string) => (await get<ZoneStatsResponse>(`/floors/${floorId}/stats/zones?${window}&bucketSeconds=3600${filter}`)).zones[0]!;
  assert.equal((await zones('')).tracks, 3, 'A, B and C enter the west zone');
  assert.equal((await zones('&attribute=upper_colour=light')).tracks, 2);
  const dark = await zones('&attribute=upper_colour=dark');
  assert.equal(dark.tracks, 1);
  // A is inside x < 7 from frame 0 to 32 (x = 2.1 + 0.15 f): 33 samples of 0.1 s.
  assert.ok(Math.abs(dark.totalDwellSeconds - 3.3) < 1e-3, `A dwelt ${dark.totalDwellSeconds} s`);

  const lines = async (filter: string) => (await get<LineStatsResponse>(`/floors/${floorId}/stats/lines?${window}&bucketSeconds=3600${filter}`)).lines[0]!;
  const both = await lines('');
  assert.equal(both.inCount + both.outCount, 2, 'A and B cross the middle line, in opposite directions');
  const a = await lines('&attribute=upper_colour=dark');
  const b = await lines('&attribute=upper_colour=light');
  assert.equal(a.inCount + a.outCount, 1);
  assert.equal(b.inCount + b.outCount, 1);
  assert.deepEqual([a.inCount + b.inCount, a.outCount + b.outCount], [both.inCount, both.outCount]);
  assert.notEqual(a.inCount, b.inCount, 'opposite directions');
});

test('bad attribute filters and break-downs are 400s naming the parameter', async () => {
  for (const q of ['attribute=Upper=light', 'attribute=upper_colour', 'attribute=a=b=c', 'groupBy=attr:', 'groupBy=colour']) {
    const r = await app.inject({ method: 'GET', url: `/floors/${floorId}/stats/counts?${window}&${q}` });
    assert.equal(r.statusCode, 400, `${q}: ${r.body}`);
    assert.match(r.json<{ message: string }>().message, /attribute|groupBy/, q);
  }
  const missing = await app.inject({ method: 'GET', url: `/floors/9999/attributes?${window}` });
  assert.equal(missing.statusCode, 404);
});
