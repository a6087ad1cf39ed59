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

test('interpolate: a track in the later frame is on the line to its box there, one it lost moves on, one it starts is absent', () => {
  const x = new TrackExtrapolator();
  x.observe(0, tracked([[1, 0, 0, 10, 20], [2, 100, 0, 110, 20]]));
  x.observe(2, tracked([[1, 4, 0, 14, 20], [2, 102, 0, 112, 20]])); // 2 px/frame and 1 px/frame
  const later = tracked([[1, 16, 0, 26, 20], [3, 50, 50, 60, 70]]); // track 1 sped up to 6 px/frame; 2 lost; 3 new
  const at3 = x.interpolate(3, 4, later);
  assert.deepEqual([...at3.trackerId], [1, 2]);
  assert.deepEqual(at3.box(0), [10, 0, 20, 20], 'halfway between 4 and 16, where predict would say 6');
  assert.deepEqual(at3.box(1), [103, 0, 113, 20], 'moved on at its last velocity');
  assert.deepEqual(x.predict(3).box(0), [6, 0, 16, 20]);
});
