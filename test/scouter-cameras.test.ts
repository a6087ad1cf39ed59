// Cameras over HTTP against the real PostgreSQL: what is accepted, and the 4xx answers for bad input;
// the detector a camera runs (GET /detectors, a user's detector cards, NanoDet's fetched weights).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { injectAs, signIn } from '@sightline/auth/testing';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import type { ServiceApp } from '@sightline/server-kit';
import { buildApp } from '@sightline/scouter';
import { weightsMissing } from '@sightline/models';
import { columnsTensor, fixtureDetector } from '../packages/models/src/detect/detector-models.fixture.ts';
import { loadScouterConfig } from '../services/scouter/src/config.ts';
import { makeTestVideo } from '../services/hawk/src/testing/hawk-fixture.ts';

let db: TestDatabase;
let app: ServiceApp;
const dir = mkdtempSync(join(tmpdir(), 'scouter-cams-'));
const video = join(dir, 'clip.mp4');
makeTestVideo(video, { seconds: 1, width: 64, height: 48 });
const notAVideo = join(dir, 'notes.mp4');
writeFileSync(notAVideo, 'a text file with a video name');
mkdirSync(join(dir, 'sub'));
// Two of a user's detectors: one that finds people, one that finds only forklifts and workers.
const onnx = fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 6, 1], values: columnsTensor([[32, 32, 16, 32, 0.9, 0.1]], 1, 6) }] });
const cards = ['people-yolo', 'forklift-yolo'].map((name, i) => {
  writeFileSync(join(dir, `${name}.onnx`), onnx);
  const path = join(dir, `${name}.card.json`);
  const input = { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false };
  writeFileSync(path, JSON.stringify({ name, model: `${name}.onnx`, classes: i === 0 ? ['person', 'bag'] : ['worker', 'forklift'], input, decode: { format: 'yolov8' } }));
  return path;
});

before(async () => {
  db = await createTestDatabase();
  // The clip's folder is the media root; the two named stream hosts are allowed without a DNS lookup.
  app = await buildApp({ config: loadScouterConfig({}, { logLevel: 'silent', worker: false, mediaRoots: dir, allowNetworks: 'cam.local,example.org', detectorCards: cards.join(',') }), pool: db.pool });
  injectAs(app, await signIn(db.pool, 'operator'));
});
after(async () => {
  await app.close();
  await db.drop();
});

const accepted = [
  { name: 'plain path', uri: video, expect: pathToFileURL(video).toString() },
  { name: 'file URL', uri: pathToFileURL(video).toString(), expect: pathToFileURL(video).toString() },
  { name: 'rtsp', uri: 'rtsp://cam.local:554/stream1', expect: 'rtsp://cam.local:554/stream1' },
  { name: 'https hls', uri: 'https://example.org/live/index.m3u8', expect: 'https://example.org/live/index.m3u8' },
];
for (const [i, c] of accepted.entries()) {
  test(`accepts a camera by ${c.name}`, async () => {
    const res = await app.inject({ method: 'POST', url: '/cameras', payload: { name: `cam ${i}`, uri: c.uri } });
    assert.equal(res.statusCode, 201, res.body);
    const body = res.json();
    assert.equal(body.uri, c.expect);
    assert.equal(body.fps, 10);
    assert.equal(body.state, 'idle');
    assert.equal(body.detector, 'centernet');
    const { rows } = await db.pool.query('SELECT spec FROM camera_pipelines WHERE camera_id = $1', [body.id]);
    assert.deepEqual(rows[0].spec.detect, { model: 'centernet', classes: ['person'], scoreThreshold: 0.3 });
    assert.deepEqual(rows[0].spec.sinks, ['postgres', 'live']);
  });
}

const rejected = [
  { name: 'missing file', payload: { name: 'x1', uri: join(dir, 'nope.mp4') }, status: 400, message: /no video file .* in the media folders/ },
  { name: 'folder', payload: { name: 'x2', uri: join(dir, 'sub') }, status: 400, message: /is a folder, not a video file/ },
  { name: 'file that is not a video', payload: { name: 'x7', uri: notAVideo }, status: 400, message: /notes\.mp4" is not a video Scouter can play: not a readable video .*choose a video file/ },
  { name: 'unknown scheme', payload: { name: 'x3', uri: 'ftp://host/a.mp4' }, status: 400, message: /scheme "ftp:" is not supported/ },
  { name: 'url without host', payload: { name: 'x4', uri: 'rtsp:///stream' }, status: 400, message: /has no host|not a valid URL/ },
  { name: 'loop on a stream', payload: { name: 'x5', uri: 'rtsp://cam.local/s', loop: true }, status: 400, message: /loop applies to video files only/ },
  { name: 'fps out of range', payload: { name: 'x6', uri: video, fps: 500 }, status: 400, message: /fps/ },
  { name: 'bad name', payload: { name: '', uri: video }, status: 400, message: /name/ },
  { name: 'taken name', payload: { name: 'cam 0', uri: video }, status: 409, message: /already exists/ },
];
for (const c of rejected) {
  test(`rejects ${c.name} with ${c.status} and a message`, async () => {
    const before = (await app.inject({ method: 'GET', url: '/cameras' })).json().cameras.length;
    const res = await app.inject({ method: 'POST', url: '/cameras', payload: c.payload });
    assert.equal(res.statusCode, c.status, res.body);
    assert.match(res.json().message, c.message);
    assert.equal((await app.inject({ method: 'GET', url: '/cameras' })).json().cameras.length, before, 'nothing stored');
  });
}

test('PATCH changes settings, DELETE removes, unknown ids are 404', async () => {
  const created = (await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'door', uri: video } })).json();
  const patched = await app.inject({ method: 'PATCH', url: `/cameras/${created.id}`, payload: { fps: 5, loop: true, enabled: false } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual([patched.json().fps, patched.json().loop, patched.json().enabled], [5, true, false]);
  const junk = await app.inject({ method: 'PATCH', url: `/cameras/${created.id}`, payload: { uri: notAVideo } });
  assert.equal(junk.statusCode, 400, junk.body);
  assert.match(junk.json().message, /is not a video Scouter can play/);
  assert.equal((await app.inject({ method: 'GET', url: `/cameras/${created.id}` })).json().uri, pathToFileURL(video).toString(), 'the refused source was not stored');
  assert.equal((await app.inject({ method: 'DELETE', url: `/cameras/${created.id}` })).statusCode, 204);
  const gone = await app.inject({ method: 'GET', url: `/cameras/${created.id}` });
  assert.equal(gone.statusCode, 404);
  assert.match(gone.json().message, /No camera with id/);
  assert.equal((await app.inject({ method: 'DELETE', url: `/cameras/${created.id}` })).statusCode, 404);
});

test('PATCH changes only what it names: renaming, regions; fps and loop stay as they were', async () => {
  const created = (await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'yard', uri: video, fps: 5, loop: true } })).json();
  const regions = { masks: [[[0, 0], [10, 0], [10, 10]]], zones: [{ name: 'gate', polygon: [[0, 0], [50, 0], [50, 50], [0, 50]] }], lines: [{ name: 'kerb', from: [0, 100], to: [200, 100] }] };
  const patched = await app.inject({ method: 'PATCH', url: `/cameras/${created.id}`, payload: { name: 'back yard', regions } });
  assert.equal(patched.statusCode, 200, patched.body);
  const body = patched.json();
  assert.deepEqual([body.name, body.fps, body.loop], ['back yard', 5, true]);
  assert.deepEqual(body.regions, regions);
  const taken = await app.inject({ method: 'PATCH', url: `/cameras/${created.id}`, payload: { name: 'cam 0' } });
  assert.equal(taken.statusCode, 409);
  const badRegions = [
    { regions: { ...regions, zones: [regions.zones[0], regions.zones[0]] }, message: /two zones are named "gate"/ },
    { regions: { ...regions, lines: [{ name: 'dot', from: [5, 5], to: [5, 5] }] }, message: /starts and ends at the same point/ },
    { regions: { ...regions, masks: [[[0, 0], [1, 1]]] }, message: /masks/ },
  ];
  for (const c of badRegions) {
    const res = await app.inject({ method: 'PATCH', url: `/cameras/${created.id}`, payload: { regions: c.regions } });
    assert.equal(res.statusCode, 400, res.body);
    assert.match(res.json().message, c.message);
  }
  assert.deepEqual((await app.inject({ method: 'GET', url: `/cameras/${created.id}` })).json().regions, regions, 'a refused PATCH changed nothing');
});

test('GET /detectors lists the detectors a camera may run, and says which cannot run here and why', async () => {
  const res = await app.inject({ method: 'GET', url: '/detectors' });
  assert.equal(res.statusCode, 200, res.body);
  const detectors = res.json().detectors as { name: string; classes: string[]; unavailable: string | null }[];
  assert.deepEqual(detectors.map((d) => d.name), ['centernet', 'nanodet', 'people-yolo', 'forklift-yolo']);
  assert.equal(detectors[0]!.unavailable, null);
  assert.equal(detectors[1]!.unavailable, weightsMissing('nanodet') ?? null);
  assert.deepEqual(detectors[3]!.classes, ['worker', 'forklift']);
});

test('a camera runs the detector it names; unknown, unfetched and people-less detectors are refused', async () => {
  const created = await app.inject({ method: 'POST', url: '/cameras', payload: { name: 'dock', uri: video, detector: 'people-yolo', attributes: ['age'] } });
  assert.equal(created.statusCode, 201, created.body);
  assert.equal(created.json().detector, 'people-yolo');
  const spec = async (id: number) => (await db.pool.query('SELECT spec FROM camera_pipelines WHERE camera_id = $1', [id])).rows[0].spec;
  assert.deepEqual((await spec(created.json().id)).detect, { model: 'people-yolo', classes: ['person'], scoreThreshold: 0.3 });

  const refused = [
    { detector: 'yolo-x', message: /detector "yolo-x" is not one of centernet, nanodet, people-yolo, forklift-yolo/ },
    { detector: 'forklift-yolo', message: /has no "person" class \(it detects worker, forklift\).*write a flow/ },
    { detector: '../../etc', message: /detector/ },
  ];
  for (const c of refused) {
    for (const res of [
      await app.inject({ method: 'POST', url: '/cameras', payload: { name: `dock ${c.detector}`, uri: video, detector: c.detector } }),
      await app.inject({ method: 'PATCH', url: `/cameras/${created.json().id}`, payload: { detector: c.detector } }),
    ]) {
      assert.equal(res.statusCode, 400, res.body);
      assert.match(res.json().message, c.message);
    }
  }
  assert.equal((await spec(created.json().id)).detect.model, 'people-yolo', 'a refused PATCH changed nothing');

  // NanoDet's weights are fetched by a command, not by npm install: without them the answer says which command.
  const cache = process.env.SIGHTLINE_MODEL_CACHE;
  process.env.SIGHTLINE_MODEL_CACHE = mkdtempSync(join(tmpdir(), 'no-weights-'));
  try {
    const unfetched = await app.inject({ method: 'PATCH', url: `/cameras/${created.json().id}`, payload: { detector: 'nanodet' } });
    assert.equal(unfetched.statusCode, 400, unfetched.body);
    assert.match(unfetched.json().message, /detector "nanodet" cannot run here yet: .*npx sightline models fetch nanodet/);
    // A camera keeps the detector it has when other settings change.
    const renamed = await app.inject({ method: 'PATCH', url: `/cameras/${created.json().id}`, payload: { name: 'dock 2', detector: 'people-yolo' } });
    assert.equal(renamed.statusCode, 200, renamed.body);
  } finally {
    if (cache === undefined) delete process.env.SIGHTLINE_MODEL_CACHE;
    else process.env.SIGHTLINE_MODEL_CACHE = cache;
  }

  // Changing the detector keeps the heads, the classes and the score floor.
  const patched = await app.inject({ method: 'PATCH', url: `/cameras/${created.json().id}`, payload: { detector: 'centernet' } });
  assert.equal(patched.statusCode, 200, patched.body);
  assert.deepEqual([patched.json().detector, patched.json().attributes], ['centernet', ['age']]);
  assert.deepEqual((await spec(created.json().id)).detect, { model: 'centernet', classes: ['person'], scoreThreshold: 0.3 });
});
