// Kanohi's HTTP API against the real embedded PostgreSQL: floors, images and scale, placements,
// snapshots and versioned calibrations, zones and lines, and the errors bad input gets.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase } from '@sightline/db';
import type { KanohiApp } from './app.ts';
import { drawPng, insertCamera } from './testing/scouter-rows.ts';
import { startKanohi, type KanohiFixture } from './testing/kanohi-fixture.ts';

let kanohi: KanohiFixture;
let db: TestDatabase;
let app: KanohiApp;
before(async () => void ({ db, app } = kanohi = await startKanohi({}, 'admin')));
after(() => kanohi?.close());

const json = (method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) => app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

describe('floors', () => {
  test('create, list, rename conflict, scale by two points, image upload sizes the floor', async () => {
    const created = await json('POST', '/floors', { name: 'Ground floor' });
    assert.equal(created.statusCode, 201);
    const floor = created.json();
    assert.equal(floor.widthM, 40);
    assert.equal(floor.heightM, 25);
    assert.equal(floor.image, null);
    assert.equal((await json('POST', '/floors', { name: 'Ground floor' })).statusCode, 409);
    const list = (await json('GET', '/floors')).json();
    assert.deepEqual(list.map((f: { name: string }) => f.name), ['Ground floor']);

    const png = drawPng(200, 100, (x, y) => (x % 20 === 0 || y % 20 === 0 ? [0, 0, 0] : [255, 255, 255]));
    const uploaded = await app.inject({ method: 'PUT', url: `/floors/${floor.id}/image`, payload: png, headers: { 'content-type': 'image/png' } });
    assert.equal(uploaded.statusCode, 200, uploaded.body);
    const withImage = uploaded.json();
    assert.deepEqual({ w: withImage.image.widthPx, h: withImage.image.heightPx, type: withImage.image.type }, { w: 200, h: 100, type: 'image/png' });
    // No scale yet: the floor keeps its 40 m width, so 200 px -> 0.2 m/px and 100 px -> 20 m.
    assert.equal(withImage.metersPerPixel, 0.2);
    assert.equal(withImage.heightM, 20);
    const image = await app.inject({ method: 'GET', url: withImage.image.url });
    assert.equal(image.headers['content-type'], 'image/png');
    assert.deepEqual(image.rawPayload, png);

    // Two clicks 150 px apart that are 30 m apart in reality: 0.2 m/px stays, 60 px -> 12 m does not.
    const scaled = (await json('PATCH', `/floors/${floor.id}`, { scale: { aPx: [10, 10], bPx: [70, 10], distanceM: 12 } })).json();
    assert.ok(Math.abs(scaled.metersPerPixel - 0.2) < 1e-6);
    const rescaled = (await json('PATCH', `/floors/${floor.id}`, { scale: { aPx: [0, 0], bPx: [30, 40], distanceM: 5 } })).json();
    assert.ok(Math.abs(rescaled.metersPerPixel - 0.1) < 1e-6);
    assert.ok(Math.abs(rescaled.widthM - 20) < 1e-4 && Math.abs(rescaled.heightM - 10) < 1e-4);
  });

  const bad: { name: string; method: 'POST' | 'PATCH' | 'PUT'; url: string; payload: unknown; headers?: Record<string, string>; status: number; message: RegExp }[] = [
    { name: 'an empty name', method: 'POST', url: '/floors', payload: { name: '' }, status: 400, message: /name/ },
    { name: 'a text file as floor image', method: 'PUT', url: '/floors/1/image', payload: 'hello', headers: { 'content-type': 'application/octet-stream' }, status: 415, message: /not a PNG, JPEG or WebP/ },
    { name: 'an image for a missing floor', method: 'PUT', url: '/floors/999/image', payload: drawPng(2, 2, () => [0, 0, 0]), headers: { 'content-type': 'image/png' }, status: 404, message: /Floor 999 does not exist/ },
    { name: 'scale points on top of each other', method: 'PATCH', url: '/floors/1', payload: { scale: { aPx: [5, 5], bPx: [5, 5], distanceM: 3 } }, status: 400, message: /less than a pixel apart/ },
  ];
  for (const c of bad) {
    test(`rejects ${c.name} with a message`, async () => {
      const res = await app.inject({ method: c.method, url: c.url, payload: c.payload as string, ...(c.headers ? { headers: c.headers } : {}) });
      assert.equal(res.statusCode, c.status, res.body);
      assert.match(res.json().message, c.message);
    });
  }
});

describe('cameras and calibrations', () => {
  test('placement, snapshot, preview solve, versioned saves and their errors', async () => {
    const floor = (await json('POST', '/floors', { name: 'Calibration floor', widthM: 20, heightM: 10 })).json();
    const cameraId = await insertCamera(db.pool, 'entrance', [640, 480]);
    const placed = await json('PUT', `/cameras/${cameraId}/placement`, { floorId: floor.id });
    assert.equal(placed.statusCode, 200);
    assert.equal(placed.json().floorId, floor.id);
    assert.equal(placed.json().calibration, null);

    const still = drawPng(64, 48, (x) => [x * 4, 0, 0]);
    const snap = await app.inject({ method: 'PUT', url: `/cameras/${cameraId}/snapshot`, payload: still, headers: { 'content-type': 'image/png' } });
    assert.equal(snap.statusCode, 200, snap.body);
    assert.deepEqual({ w: snap.json().snapshot.widthPx, h: snap.json().snapshot.heightPx }, { w: 64, h: 48 });
    assert.deepEqual((await app.inject({ method: 'GET', url: snap.json().snapshot.url })).rawPayload, still);

    // An affine view: pixel (u, v) shows floor ((u - 20) / 30, (v - 40) / 40); the 5th point checks it.
    const points = [[20, 40], [620, 40], [620, 440], [20, 440], [200, 300]].map(([u, v]) => ({ imageXy: [u!, v!], floorXy: [(u! - 20) / 30, (v! - 40) / 40] }));
    const preview = await json('POST', '/calibrations/solve', { points, frameWidth: 640, frameHeight: 480 });
    assert.equal(preview.statusCode, 200, preview.body);
    assert.equal(preview.json().errorsM.length, 5);
    assert.ok(preview.json().rmsErrorM < 1e-6);
    assert.equal(preview.json().warnings.length, 0, preview.json().warnings.join());

    const v1 = await json('POST', `/cameras/${cameraId}/calibrations`, { floorId: floor.id, points });
    assert.equal(v1.statusCode, 201, v1.body);
    assert.equal(v1.json().version, 1);
    assert.deepEqual([v1.json().frameWidth, v1.json().frameHeight], [640, 480], 'frame size comes from the camera');
    const moved = points.map((p, i) => (i === 4 ? { ...p, floorXy: [p.floorXy[0]! + 1, p.floorXy[1]!] } : p));
    const v2 = (await json('POST', `/cameras/${cameraId}/calibrations`, { floorId: floor.id, points: moved })).json();
    assert.equal(v2.version, 2);
    assert.equal(v2.errorsM.indexOf(v2.maxErrorM), 4, 'the moved point has the largest error');
    const history = (await json('GET', `/cameras/${cameraId}/calibrations`)).json();
    assert.deepEqual(history.map((c: { version: number }) => c.version), [2, 1]);
    assert.equal((await json('GET', `/cameras/${cameraId}`)).json().calibration.version, 2);

    const three = await json('POST', `/cameras/${cameraId}/calibrations`, { floorId: floor.id, points: points.slice(0, 3) });
    assert.equal(three.statusCode, 422);
    assert.match(three.json().message, /at least 4 point pairs, got 3/);
    const collinear = await json('POST', '/calibrations/solve', { points: [points[0], points[1], { imageXy: [320, 40], floorXy: [3, 9] }, points[3]] });
    assert.equal(collinear.statusCode, 422);
    assert.match(collinear.json().message, /no 3 in a line/);
    assert.equal((await json('POST', `/cameras/9999/calibrations`, { floorId: floor.id, points })).statusCode, 404);
    assert.equal((await json('POST', `/cameras/${cameraId}/calibrations`, { floorId: 9999, points })).statusCode, 404);
    assert.equal((await json('GET', `/cameras/${cameraId}/calibrations`)).json().length, 2, 'failed saves left no version behind');
  });
});

describe('zones and lines', () => {
  test('create, list, reject degenerate shapes and duplicate names, delete', async () => {
    const floor = (await json('POST', '/floors', { name: 'Zones floor' })).json();
    const zone = await json('POST', `/floors/${floor.id}/zones`, { name: 'till', polygonXy: [[1, 1], [4, 1], [4, 3], [1, 3]] });
    assert.equal(zone.statusCode, 201, zone.body);
    assert.equal((await json('POST', `/floors/${floor.id}/zones`, { name: 'till', polygonXy: [[0, 0], [1, 0], [1, 1]] })).statusCode, 409);
    const flat = await json('POST', `/floors/${floor.id}/zones`, { name: 'flat', polygonXy: [[0, 0], [1, 1], [2, 2]] });
    assert.equal(flat.statusCode, 400);
    assert.match(flat.json().message, /no area/);
    const line = await json('POST', `/floors/${floor.id}/lines`, { name: 'door', startXy: [0, 5], endXy: [10, 5] });
    assert.equal(line.statusCode, 201);
    const point = await json('POST', `/floors/${floor.id}/lines`, { name: 'dot', startXy: [1, 1], endXy: [1, 1] });
    assert.equal(point.statusCode, 400);
    assert.deepEqual((await json('GET', `/floors/${floor.id}/zones`)).json().map((z: { name: string }) => z.name), ['till']);
    assert.deepEqual((await json('GET', `/floors/${floor.id}/lines`)).json()[0].startXy, [0, 5]);
    assert.equal((await json('DELETE', `/floors/${floor.id}/zones/${zone.json().id}`)).statusCode, 204);
    assert.equal((await json('DELETE', `/floors/${floor.id}/zones/${zone.json().id}`)).statusCode, 404);
    assert.equal((await json('GET', `/floors/${floor.id}/zones`)).json().length, 0);
  });
});
