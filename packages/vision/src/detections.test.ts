import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from './detections.ts';

const rows = [
  { xyxy: [0, 0, 10, 20] as const, confidence: 0.9, classId: 0 },
  { xyxy: [5, 5, 15, 45] as const, confidence: 0.4, classId: 2, trackerId: 7 },
  { xyxy: [100, 50, 120, 90] as const, confidence: 0.7, classId: 0 },
];

test('fromRows round-trips through toRows, untracked boxes get tracker id -1', () => {
  const d = Detections.fromRows(rows);
  assert.equal(d.length, 3);
  assert.deepEqual(d.toRows().map((r) => r.trackerId), [-1, 7, -1]);
  assert.deepEqual(d.box(1), [5, 5, 15, 45]);
});

test('filter and select keep boxes and data aligned', () => {
  const d = Detections.fromRows(rows, { name: ['a', 'b', 'c'] });
  const people = d.filter((i) => d.classId[i] === 0);
  assert.deepEqual(Array.from(people.confidence, (c) => Math.round(c * 10)), [9, 7]);
  assert.deepEqual(people.data.name, ['a', 'c']);
  assert.deepEqual(d.select([2, 0]).box(0), [100, 50, 120, 90]);
});

test('bottomCenters are the middle of each bottom edge', () => {
  assert.deepEqual(Array.from(Detections.fromRows(rows).bottomCenters()), [5, 20, 10, 45, 110, 90]);
});

test('mismatched column lengths are rejected with the column named', () => {
  assert.throws(
    () => new Detections({ xyxy: new Float32Array(4), confidence: new Float32Array(1), classId: new Int32Array(2) }),
    /classId has 2 entries, expected 1/,
  );
});
