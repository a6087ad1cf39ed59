import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { TrackExtrapolator } from './track-extrapolator.ts';

const tracked = (rows: [id: number, x1: number, y1: number, x2: number, y2: number][]) =>
  Detections.fromRows(rows.map(([trackerId, ...xyxy]) => ({ xyxy, confidence: 0.9, classId: 0, trackerId })));

test('a track moving steadily is placed where it will be on the skipped frames', () => {
  const x = new TrackExtrapolator();
  x.observe(0, tracked([[7, 0, 0, 10, 20]]));
  x.observe(3, tracked([[7, 6, 3, 16, 23]])); // 2 px/frame right, 1 px/frame down
  const at4 = x.predict(4);
  assert.deepEqual([...at4.trackerId], [7]);
  assert.deepEqual(at4.box(0), [8, 4, 18, 24]);
  assert.deepEqual(x.predict(5).box(0), [10, 5, 20, 25]);
});

test('a new track stays put until it has moved; ended tracks and untracked boxes are dropped', () => {
  const x = new TrackExtrapolator();
  x.observe(0, tracked([[1, 0, 0, 10, 10], [2, 50, 50, 60, 60]]));
  x.observe(2, Detections.fromRows([{ xyxy: [0, 0, 10, 10], confidence: 0.9, classId: 0, trackerId: 1 }, { xyxy: [5, 5, 9, 9], confidence: 0.4, classId: 0, trackerId: -1 }, { xyxy: [90, 90, 99, 99], confidence: 0.8, classId: 2, trackerId: 3 }]));
  const between = x.predict(3);
  assert.deepEqual([...between.trackerId].sort(), [1, 3]);
  const three = [...between.trackerId].indexOf(3);
  assert.deepEqual(between.box(three), [90, 90, 99, 99]);
  assert.equal(between.classId[three], 2);
});
