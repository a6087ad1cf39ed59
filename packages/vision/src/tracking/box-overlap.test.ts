import assert from 'node:assert/strict';
import { test } from 'node:test';
import { iouMatrix } from './box-iou.ts';
import { BoxPairs, overlapPairs } from './box-overlap.ts';
import { assignBelowLimit, assignPairsBelowLimit } from './linear-assignment.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** n person-sized boxes on a canvas sized for the density (about one neighbour each), some huge or empty. */
function crowd(rand: () => number, n: number, density: number): Float64Array {
  const side = Math.sqrt(n / density) * 60;
  const out = new Float64Array(n * 4);
  for (let i = 0; i < n; i++) {
    const x = rand() * side;
    const y = rand() * side;
    const odd = rand();
    const w = odd < 0.02 ? side / 2 : odd < 0.04 ? 0 : 20 + rand() * 30;
    const h = odd < 0.02 ? side / 3 : 50 + rand() * 60;
    out.set([x, y, x + w, y + h], i * 4);
  }
  return out;
}

test('overlapPairs lists exactly the non-zero entries of iouMatrix, with the same values, by row then column', () => {
  const rand = rng(3);
  const pairs = new BoxPairs();
  for (const [n, m, density] of [[0, 5, 1], [5, 0, 1], [1, 1, 1], [30, 40, 0.5], [200, 180, 1], [300, 300, 4]] as const) {
    const a = crowd(rand, n, density);
    const b = crowd(rand, m, density);
    const dense = iouMatrix(a, b);
    overlapPairs(a, b, pairs);
    const want: string[] = [];
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) if (dense[i * m + j]! > 0) want.push(`${i},${j},${dense[i * m + j]}`);
    const got = Array.from({ length: pairs.count }, (_, e) => `${pairs.rows[e]},${pairs.cols[e]},${pairs.values[e]}`);
    assert.deepEqual(got, want, `n=${n} m=${m}`);
  }
});

test('assignPairsBelowLimit gives the same assignment as assignBelowLimit on the dense matrix (random crowds)', () => {
  const rand = rng(17);
  const pairs = new BoxPairs();
  for (let trial = 0; trial < 60; trial++) {
    const n = 1 + Math.floor(rand() * 250);
    const m = 1 + Math.floor(rand() * 250);
    const density = 0.5 + rand() * 6;
    const tracks = crowd(rand, n, density);
    const dets = crowd(rand, m, density);
    const score = Float64Array.from({ length: m }, () => 0.1 + rand() * 0.9);
    const fuse = trial % 2 === 0;
    const limit = [0.5, 0.7, 0.8, 1][trial % 4]!;
    const cost = (j: number, iou: number): number => (fuse ? 1 - iou * score[j]! : 1 - iou);
    const iou = iouMatrix(tracks, dets);
    const dense = iou.map((v, k) => cost(k % m, v));
    overlapPairs(tracks, dets, pairs);
    for (let e = 0; e < pairs.count; e++) pairs.values[e] = cost(pairs.cols[e]!, pairs.values[e]!);
    assert.deepEqual([...assignPairsBelowLimit(pairs, n, m, limit)], [...assignBelowLimit(dense, n, m, limit)], `trial ${trial}: n=${n} m=${m} limit ${limit}`);
  }
});
