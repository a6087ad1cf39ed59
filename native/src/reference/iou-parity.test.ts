// The NMS reference's IoU (the TypeScript twin of cpp/common.h `iou`, kept beside its kernel) must
// compute the same value as packages/vision's boxIouAt, the one IoU every TypeScript caller uses.
// Random float32 boxes: overlapping, touching, disjoint, degenerate (zero or negative extent).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boxIouAt } from '@sightline/vision';
import { prng } from '../kernel-cases.fixture.ts';
import { iouAt } from './nms.ts';

test('native reference IoU equals vision boxIouAt on random boxes', () => {
  const rand = prng(20);
  const n = 400;
  const boxes = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = rand() * 100;
    const y = rand() * 100;
    const kind = rand();
    // Mostly normal boxes; some zero-width, some inverted, some snapped to a grid so edges touch.
    const w = kind < 0.1 ? 0 : kind < 0.2 ? -rand() * 10 : rand() * 40;
    const h = kind > 0.9 ? 0 : rand() * 40;
    const snap = kind > 0.5 && kind < 0.6;
    boxes.set(snap ? [Math.round(x / 10) * 10, Math.round(y / 10) * 10, Math.round(x / 10) * 10 + 10, Math.round(y / 10) * 10 + 10] : [x, y, x + w, y + h], i * 4);
  }
  let overlapping = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const reference = iouAt(boxes, i * 4, boxes, j * 4);
      const vision = boxIouAt(boxes, i * 4, boxes, j * 4);
      assert.equal(vision, reference, `boxes ${i} [${boxes.subarray(i * 4, i * 4 + 4).join(', ')}] and ${j} [${boxes.subarray(j * 4, j * 4 + 4).join(', ')}]`);
      if (reference > 0 && i !== j) overlapping++;
    }
  }
  // The random set must exercise the overlap path, not only the zero cases.
  assert.ok(overlapping > 1000, `only ${overlapping} overlapping pairs`);
});
