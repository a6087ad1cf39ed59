// Detection matching on hand-built lists: rank swaps and class-tied peaks match, far or
// other-class boxes do not, and the parity check flags drops above the cut.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { detectionParity, matchDetections } from './detection-match.ts';

const dets = (...rows: number[][]): Float32Array => Float32Array.from(rows.flat());

it('matches swapped ranks by class and IoU, not by position', () => {
  const a = dets([0, 0, 10, 10, 0.9, 1], [20, 20, 30, 30, 0.5, 2], [20, 20, 30, 31, 0.5, 3]);
  const b = dets([0, 0, 10, 10.5, 0.9, 1], [20, 20, 30, 31, 0.5001, 3], [20, 20, 30, 30, 0.4999, 2]);
  const m = matchDetections(a, b);
  assert.deepEqual(m.pairs, [[0, 0], [2, 1], [1, 2]]);
  assert.equal(m.boxPx, 0.5);
  assert.ok(Math.abs(m.score - 1e-4) < 1e-6);
  assert.deepEqual([m.unmatchedA, m.unmatchedB], [[], []]);
});

it('leaves other-class and non-overlapping boxes unmatched', () => {
  const a = dets([0, 0, 10, 10, 0.8, 1], [50, 50, 60, 60, 0.3, 1]);
  const b = dets([0, 0, 10, 10, 0.8, 2], [56, 56, 66, 66, 0.3, 1]);
  const m = matchDetections(a, b);
  assert.deepEqual(m.pairs, []);
  assert.deepEqual([m.unmatchedA, m.unmatchedB], [[0, 1], [0, 1]]);
  assert.ok(Math.abs(m.unmatchedMaxScore - 0.8) < 1e-6);
});

it('takes the best-overlapping partner first (greedy by IoU)', () => {
  const a = dets([0, 0, 10, 10, 0.6, 0], [1, 0, 11, 10, 0.5, 0]);
  const b = dets([1, 0, 11, 10, 0.6, 0], [0, 0, 10, 10, 0.5, 0]);
  assert.deepEqual(matchDetections(a, b).pairs, [[1, 0], [0, 1]]);
});

it('degenerate boxes match only identical ones', () => {
  const a = dets([0, 0, 0, 0, 0, 0], [5, 5, 5, 5, 0, 0]);
  const b = dets([0, 0, 0, 0, 0, 0], [6, 6, 6, 6, 0, 0]);
  const m = matchDetections(a, b);
  assert.deepEqual(m.pairs, [[0, 0]]);
});

it('parity allows a near-tie to drop out at the cut, not a confident detection', () => {
  const ref = dets([0, 0, 10, 10, 0.9, 1], [20, 20, 30, 30, 0.2, 1], [40, 40, 50, 50, 0.1, 1]);
  const atCut = dets([0, 0, 10, 10, 0.9, 1], [20, 20, 30, 30, 0.2, 1], [70, 70, 80, 80, 0.1005, 4]);
  assert.deepEqual(detectionParity(atCut, ref, 'fp16').problems, []);
  assert.match(detectionParity(atCut, ref, 'fp32').problems.join('\n'), /unmatched 1\/1 > 0/, 'fp32 allows no unmatched detection');
  const lost = dets([70, 70, 80, 80, 0.9, 1], [20, 20, 30, 30, 0.2, 1], [40, 40, 50, 50, 0.1, 1]);
  assert.match(detectionParity(lost, ref, 'fp16').problems.join('\n'), /not a near-tie/);
  const moved = dets([0, 0, 12, 10, 0.9, 1], [20, 20, 30, 30, 0.2, 1], [40, 40, 50, 50, 0.1, 1]);
  assert.match(detectionParity(moved, ref, 'fp16').problems.join('\n'), /box diff 2 px/);
});
