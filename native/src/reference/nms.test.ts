// Independent checks of the TypeScript NMS on a hand-built set of boxes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTsEngine } from '../ts-engine.ts';
import { iouAt } from './nms.ts';

const engine = createTsEngine();
// A and D coincide; B overlaps A with IoU 81/119 = 0.68; E overlaps A/D with IoU 64/136 = 0.47
// and B with 0.68; C is apart. D is class 1, the rest class 0.
const boxes = new Float32Array([
  0, 0, 10, 10, // 0 A 0.90
  1, 1, 11, 11, // 1 B 0.80
  20, 20, 30, 30, // 2 C 0.70
  0, 0, 10, 10, // 3 D 0.95
  2, 2, 12, 12, // 4 E 0.10
]);
const scores = new Float32Array([0.9, 0.8, 0.7, 0.95, 0.1]);
const classIds = new Int32Array([0, 0, 0, 1, 0]);
const run = (options: Parameters<typeof engine.nmsSync>[2]) => Array.from(engine.nmsSync(boxes, scores, options));

describe('nms reference', () => {
  it('computes IoU by hand', () => {
    assert.equal(iouAt(boxes, 0, boxes, 4), 81 / 119);
    assert.equal(iouAt(boxes, 0, boxes, 16), 64 / 136);
    assert.equal(iouAt(boxes, 0, boxes, 8), 0);
  });

  it('keeps the highest-scored box of each overlapping group, sorted by score', () => {
    assert.deepEqual(run({ iouThreshold: 0.5 }), [3, 2, 4]);
    assert.deepEqual(run({ iouThreshold: 0.7 }), [3, 1, 2, 4]);
  });

  it('suppresses only within a class when class ids are given', () => {
    assert.deepEqual(run({ iouThreshold: 0.5, classIds }), [3, 0, 2, 4]);
  });

  it('applies the score threshold and the detection limit', () => {
    assert.deepEqual(run({ iouThreshold: 0.5, scoreThreshold: 0.5 }), [3, 2]);
    assert.deepEqual(run({ iouThreshold: 0.5, classIds, maxDetections: 2 }), [3, 0]);
    assert.deepEqual(run({ iouThreshold: 0.5, maxDetections: 0 }), []);
  });

  it('suppresses only when IoU is strictly above the threshold', () => {
    const pair = new Float32Array([0, 0, 2, 1, 1, 0, 3, 1]); // IoU exactly 1/3
    assert.deepEqual(Array.from(engine.nmsSync(pair, new Float32Array([0.9, 0.8]), { iouThreshold: 1 / 3 })), [0, 1]);
    assert.deepEqual(Array.from(engine.nmsSync(pair, new Float32Array([0.9, 0.8]), { iouThreshold: 0.33 })), [0]);
  });

  it('handles no boxes, equal scores and NaN scores', () => {
    assert.deepEqual(Array.from(engine.nmsSync(new Float32Array(0), new Float32Array(0), { iouThreshold: 0.5 })), []);
    const apart = new Float32Array([0, 0, 1, 1, 5, 5, 6, 6, 9, 9, 10, 10]);
    assert.deepEqual(Array.from(engine.nmsSync(apart, new Float32Array([0.5, 0.5, 0.5]), { iouThreshold: 0.5 })), [0, 1, 2]);
    assert.deepEqual(Array.from(engine.nmsSync(apart, new Float32Array([NaN, 0.2, 0.3]), { iouThreshold: 0.5 })), [2, 1]);
  });
});
