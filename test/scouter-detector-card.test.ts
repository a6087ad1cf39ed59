// A user's detector in Scouter: a detector card (SCOUTER_DETECTOR_CARDS) names a generated ONNX
// model with its own classes; a flow names the card's model and class, and the pipeline stores the
// model's box, mapped back to frame pixels, under the card's class name. Also: a flow naming an
// unknown model is refused with the models this Scouter has, and a bad card stops at boot.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from '@sightline/db';
import { probeVideoStream } from '@sightline/media';
import { columnsTensor, fixtureDetector } from '../packages/models/src/detect/detector-models.fixture.ts';
import { detectorCatalogue } from '../services/scouter/src/pipeline/detector-catalogue.ts';
import { FlowRejectedError, runVideo } from '../services/scouter/src/run-video.ts';
import { makePeopleClip } from '../services/scouter/test-support/clip-fixture.ts';

let db: TestDatabase;
const dir = mkdtempSync(join(tmpdir(), 'sightline-card-'));
const card = join(dir, 'forklift.card.json');
const peopleCard = join(dir, 'people.card.json');

before(async () => {
  db = await createTestDatabase();
  // YOLOv8 layout, 64x64 stretched input: a forklift box over the middle of the frame and a weaker worker.
  const values = columnsTensor([[32, 32, 32, 16, 0.1, 0.9], [16, 16, 8, 8, 0.6, 0]], 2, 6);
  writeFileSync(join(dir, 'forklift.onnx'), fixtureDetector({ size: [64, 64], layout: 'nchw', outputs: [{ name: 'output0', dims: [1, 6, 2], values }] }));
  writeFileSync(card, JSON.stringify({
    name: 'forklift-yolo', model: 'forklift.onnx', classes: ['worker', 'forklift'],
    input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false },
    decode: { format: 'yolov8' }, trackerScores: { trackThresh: 0.5, newTrackThresh: 0.6 },
  }));
  // The same network read as a people detector: its weaker box (0.6) is a person.
  writeFileSync(peopleCard, JSON.stringify({
    name: 'people-yolo', model: 'forklift.onnx', classes: ['person', 'bag'],
    input: { size: [64, 64], layout: 'nchw', colour: 'rgb', mean: [0, 0, 0], std: [255, 255, 255], letterbox: false },
    decode: { format: 'yolov8' }, trackerScores: { trackThresh: 0.3, newTrackThresh: 0.4 },
  }));
});
after(async () => {
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

test('a flow names a card\'s detector and class; its boxes are stored under the card\'s class', async () => {
  const clip = makePeopleClip(1);
  const { width, height } = await probeVideoStream(clip.path);
  const flow = `CREATE SOURCE cam TYPE video WITH uri='file:///x.mp4', fps=10;
CREATE STREAM lifts AS SELECT track(detect(frame, model='forklift-yolo'), motion='off') FROM cam WHERE class='forklift';
INSERT INTO postgres FROM lifts;`;
  const summary = await runVideo({ pool: db.pool, video: clip.path, flow: { text: flow, fileName: 'lifts.flow' }, inferenceThreads: 1, detectorCards: card });
  assert.ok(summary.frames >= 5, `${summary.frames} frames`);
  assert.equal(summary.tracks, 1);
  const { rows } = await db.pool.query<{ class_name: string; score: number; x1: number; y1: number; x2: number; y2: number }>(
    'SELECT class_name, score, x1, y1, x2, y2 FROM observations WHERE camera_id = $1',
    [summary.cameraId],
  );
  assert.ok(rows.length >= 3, `${rows.length} observations`);
  for (const r of rows) {
    assert.equal(r.class_name, 'forklift');
    // Stretched: input x 16..48 of 64 is the frame's middle half; y 24..40 its middle quarter.
    const expected = [width / 4, (height * 24) / 64, (width * 3) / 4, (height * 40) / 64];
    [r.x1, r.y1, r.x2, r.y2].forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 2, `box ${[r.x1, r.y1, r.x2, r.y2].join(',')} vs ${expected.join(',')}`));
  }
});

test('a flow naming a model this Scouter lacks is refused with the models it has', async () => {
  const flow = `CREATE SOURCE cam TYPE video WITH uri='file:///x.mp4';
CREATE STREAM s AS SELECT track(detect(frame, model='yolo-x')) FROM cam;
INSERT INTO postgres FROM s;`;
  await assert.rejects(runVideo({ pool: db.pool, video: makePeopleClip(1).path, flow: { text: flow, fileName: 's.flow' }, detectorCards: card }), (err: Error) => {
    assert.ok(err instanceof FlowRejectedError);
    assert.match(err.message, /yolo-x/);
    assert.match(err.message, /forklift-yolo/);
    return true;
  });
});

test('cards that do not parse or clash stop the catalogue with the file named', () => {
  const bad = join(dir, 'bad.card.json');
  writeFileSync(bad, JSON.stringify({ name: 'bad', model: 'x.onnx', classes: 'coco', input: {}, decode: { format: 'yolov8' } }));
  assert.throws(() => detectorCatalogue(bad), /detector card .*bad\.card\.json: .*input\.size must be/);
  assert.throws(() => detectorCatalogue(`${card},${card}`), /"forklift-yolo" .* is already taken/);
  const catalogue = detectorCatalogue(card);
  assert.deepEqual(catalogue.models, ['centernet', 'nanodet', 'forklift-yolo']);
  assert.deepEqual(catalogue.trackerScores('forklift-yolo'), { trackThresh: 0.5, newTrackThresh: 0.6 });
});

test('sightline run --model: a card that finds people runs as the default pipeline\'s detector; others are refused saying why', async () => {
  const clip = makePeopleClip(1).path;
  const cards = `${card},${peopleCard}`;
  const summary = await runVideo({ pool: db.pool, video: clip, model: 'people-yolo', inferenceThreads: 1, detectorCards: cards });
  assert.equal(summary.detector, 'people-yolo');
  assert.equal(summary.tracks, 1, 'the card\'s one person box, tracked');
  const { rows } = await db.pool.query<{ class_name: string }>('SELECT DISTINCT class_name FROM observations WHERE camera_id = $1', [summary.cameraId]);
  assert.deepEqual(rows, [{ class_name: 'person' }]);
  for (const [model, message] of [
    ['forklift-yolo', /detector "forklift-yolo" has no "person" class \(it detects worker, forklift\); write a flow/],
    ['yolo-x', /detector "yolo-x" is not one of centernet, nanodet, forklift-yolo, people-yolo/],
  ] as const) {
    await assert.rejects(runVideo({ pool: db.pool, video: clip, model, detectorCards: cards }), (err: Error) => err instanceof FlowRejectedError && message.test(err.message));
  }
  // Two runs of files with one name, started in the same second, each get their own camera.
  const [one, two] = await Promise.all([0, 1].map(() => runVideo({ pool: db.pool, video: clip, model: 'people-yolo', inferenceThreads: 1, detectorCards: cards })));
  assert.notEqual(one!.cameraId, two!.cameraId);
  assert.notEqual(one!.cameraName, two!.cameraName);
  assert.equal(one!.tracks + two!.tracks, 2);
  const flow = { text: "CREATE SOURCE cam TYPE video WITH uri='file:///x.mp4';\nCREATE STREAM s AS SELECT track(detect(frame)) FROM cam;\nINSERT INTO postgres FROM s;", fileName: 's.flow' };
  await assert.rejects(runVideo({ pool: db.pool, video: clip, model: 'people-yolo', flow, detectorCards: cards }), /give the detector in the flow/);
});
