// Honest people counts through the real ingest: one walker whose track the tracker breaks twice
// (three tracker ids), a second walker, and a flicker (a 0.4 s false detection). The people
// endpoint must count two people, the walker's zone entry once, people present per second as the
// truth has it; the identities endpoint maps each floor person to Scouter's camera and tracker ids;
// the CSV names its window; bad windows are 4xx.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { IdentitiesResponse, PeopleResponse } from '@sightline/contracts';
import type { TestDatabase } from '@sightline/db';
import type { Xy } from '@sightline/vision';
import type { KanohiApp } from './app.ts';
import { overheadBox as box, overheadFloor, startKanohi, waitForFloorPoints, type KanohiFixture } from './testing/kanohi-fixture.ts';
import { insertBatch, insertTrack, type ObservationInput } from './testing/scouter-rows.ts';

const T0 = Date.parse('2025-03-03T09:00:00.000Z');
let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;

before(async () => void ({ db, app } = kanohi = await startKanohi()));
after(() => kanohi?.close());

test('a walker broken into three tracks is one person; a flicker is no one; identities map to tracker ids', async () => {
  // The camera looks straight down on the 20 x 10 m floor: 1 pixel = 1 cm.
  const { floorId, cameraId: camera } = await overheadFloor(kanohi, 'Shop', 'ceiling');
  const floor = { id: floorId };
  await app.inject({ method: 'POST', url: `/floors/${floor.id}/zones`, payload: { name: 'till', polygonXy: [[8, 0], [12, 0], [12, 10], [8, 10]] } });

  // Walker A: x = 1 + 0.5 m/s along y = 3 for 20 s; the tracker loses them at 6-6.4 s and 12-12.8 s.
  // Walker B: stands near x = 15, y = 8 for 5-15 s. The flicker: 4 frames at (4, 8) at 10 s.
  const tracks = [
    { trackerId: 11, at: (t: number) => (t < 6000 ? ([1 + t / 2000, 3] as Xy) : undefined) },
    { trackerId: 12, at: (t: number) => (t >= 6400 && t < 12000 ? ([1 + t / 2000, 3] as Xy) : undefined) },
    { trackerId: 13, at: (t: number) => (t >= 12800 && t < 20000 ? ([1 + t / 2000, 3] as Xy) : undefined) },
    { trackerId: 21, at: (t: number) => (t >= 5000 && t < 15000 ? ([15 + ((t / 1000) % 2) * 0.1, 8] as Xy) : undefined) },
    { trackerId: 31, at: (t: number) => (t >= 10000 && t < 10400 ? ([4, 8] as Xy) : undefined) },
  ];
  const ids = new Map<number, number>();
  for (const k of tracks) ids.set(k.trackerId, await insertTrack(db.pool, camera, k.trackerId, new Date(T0)));
  let total = 0;
  for (let batch = 0; batch < 200; batch += 5) {
    const rows: ObservationInput[] = [];
    for (let f = batch; f < batch + 5; f++) for (const k of tracks) {
      const p = k.at(f * 100);
      if (p) rows.push({ trackId: ids.get(k.trackerId)!, observedAt: new Date(T0 + f * 100), xyxy: box(p) });
    }
    total += rows.length;
    await insertBatch(db.pool, camera, rows);
  }
  await waitForFloorPoints(kanohi, total);

  const from = new Date(T0).toISOString();
  const to = new Date(T0 + 20_000).toISOString();
  const people = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?from=${from}&to=${to}&bucketSeconds=1` })).json<PeopleResponse>();
  assert.equal(people.uniqueVisitors, 2, 'two people, not five tracks');
  assert.match(people.definitions.uniqueVisitors, /estimated/);
  assert.deepEqual(people.fragments, { total: 5, ignored: 1, links: 2, minDwellSeconds: 0.7 });
  // The truth per second: walker A all 20 s (lost for under a second twice), B from 5 s to 15 s.
  const truth = Array.from({ length: 20 }, (_, s) => 1 + (s >= 5 && s < 15 ? 1 : 0));
  const present = truth.map((_, s) => people.buckets.find((b) => Date.parse(b.start) === T0 + s * 1000)?.maxPresent ?? 0);
  assert.deepEqual(present, truth, 'people present per second');
  // Walker A enters the till zone (x 8..12) once, at t = 14 s; B never does.
  assert.deepEqual(people.zones.map((z) => [z.name, z.entries, z.uniqueVisitors]), [['till', 1, 1]]);

  const identities = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/identities?from=${from}&to=${to}` })).json<IdentitiesResponse>();
  assert.deepEqual(
    identities.people.map((p) => p.tracks.map((t) => [t.cameraId, t.trackerId])),
    [[[camera, 11], [camera, 12], [camera, 13]], [[camera, 21]]],
    "each floor person with Scouter's camera and tracker ids",
  );
  assert.deepEqual(identities.ignored.map((t) => t.trackerId), [31], 'the flicker is listed as not counted');

  const csv = await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?from=${from}&to=${to}&bucketSeconds=10&format=csv` });
  assert.equal(csv.headers['content-disposition'], `attachment; filename="floor-${floor.id}-people_20250303T090000Z_20250303T090020Z.csv"`);
  const [header, first] = csv.body.split('\r\n');
  assert.equal(header, 'window_from,window_to,bucket_start,bucket_seconds,people_present_mean,people_present_max,zone_entries');
  assert.ok(first!.startsWith(`${from},${to},${from},10,`), first);

  for (const [query, status, message] of [
    [`from=${to}&to=${from}`, 400, /must be after/],
    [`from=${from}&to=${new Date(T0 + 2 * 86_400_000).toISOString()}`, 400, /longer than a day/],
    ['from=yesterday&to=today', 400, /./],
  ] as const) {
    const r = await app.inject({ method: 'GET', url: `/floors/${floor.id}/people?${query}` });
    assert.equal(r.statusCode, status, r.body);
    assert.match(r.json<{ message: string }>().message, message);
  }
  assert.equal((await app.inject({ method: 'GET', url: `/floors/999/identities?from=${from}&to=${to}` })).statusCode, 404);

  // History plays only hours with data: the one hour of this test, out of a day.
  const hours = (await app.inject({ method: 'GET', url: `/floors/${floor.id}/hours?from=${new Date(T0 - 12 * 3600_000).toISOString()}&to=${new Date(T0 + 12 * 3600_000).toISOString()}` })).json<{ hours: { start: string; samples: number }[] }>();
  assert.deepEqual(hours.hours.map((h) => h.start), [new Date(T0).toISOString()]);
  assert.ok(hours.hours[0]!.samples > 0);
});
