import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scoreDetections, type EvalFrame } from './detection-eval.ts';

const box = (x: number, y: number, s = 10): [number, number, number, number] => [x, y, x + s, y + s];

// Hand-worked: 3 counted gt boxes and 1 ignore box over two frames. Detections by score:
// 0.9 TP (gt A), 0.8 FP, 0.7 on the ignore box (not counted), 0.6 TP (gt B), 0.5 duplicate of A (FP).
// Ranked outcomes: TP, FP, TP, FP -> precision 1, 1/2, 2/3, 2/4; recall 1/3, 1/3, 2/3, 2/3.
// Envelope: 1, 2/3, 2/3, 1/2 -> AP = 1/3 * 1 + 1/3 * 2/3 = 5/9.
const frames: EvalFrame[] = [
  {
    gt: [{ xyxy: box(0, 0), ignore: false }, { xyxy: box(100, 0), ignore: true }],
    detections: [{ xyxy: box(0, 0), score: 0.9 }, { xyxy: box(50, 50), score: 0.8 }, { xyxy: box(101, 0), score: 0.7 }, { xyxy: box(1, 1), score: 0.5 }],
  },
  {
    gt: [{ xyxy: box(0, 0), ignore: false }, { xyxy: box(200, 200), ignore: false }],
    detections: [{ xyxy: box(0, 1), score: 0.6 }],
  },
];

test('scoreDetections: hand-worked precision, recall and AP', () => {
  const all = scoreDetections(frames);
  assert.equal(all.positives, 3);
  assert.ok(Math.abs(all.averagePrecision - 5 / 9) < 1e-12, `AP ${all.averagePrecision}`);
  assert.equal(all.truePositives, 2);
  assert.equal(all.falsePositives, 2);
  const strict = scoreDetections(frames, { scoreThreshold: 0.75 });
  assert.deepEqual([strict.truePositives, strict.falsePositives, strict.precision], [1, 1, 0.5]);
  assert.ok(Math.abs(strict.recall - 1 / 3) < 1e-12);
});

test('scoreDetections: IoU threshold decides a match', () => {
  const f: EvalFrame[] = [{ gt: [{ xyxy: [0, 0, 10, 10], ignore: false }], detections: [{ xyxy: [5, 0, 15, 10], score: 1 }] }];
  // IoU = 50 / 150 = 1/3.
  assert.equal(scoreDetections(f, { iouThreshold: 0.3 }).truePositives, 1);
  assert.equal(scoreDetections(f, { iouThreshold: 0.5 }).truePositives, 0);
});
