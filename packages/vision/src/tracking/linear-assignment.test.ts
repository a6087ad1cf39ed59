import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assignBelowLimit, assignMaxCardinality, solveDense } from './linear-assignment.ts';

/** Small deterministic generator so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

/** Every partial matching of an n x m matrix by brute force: calls visit(rowToCol). */
function eachMatching(n: number, m: number, full: boolean, visit: (rowToCol: number[]) => void): void {
  const cols = new Array<boolean>(m).fill(false);
  const pick: number[] = [];
  const go = (i: number): void => {
    if (i === n) return visit(pick);
    for (let j = 0; j < m; j++) {
      if (cols[j]) continue;
      cols[j] = true;
      pick[i] = j;
      go(i + 1);
      cols[j] = false;
    }
    if (!full || n > m) {
      pick[i] = -1;
      go(i + 1);
    }
  };
  go(0);
}

test('solveDense finds the brute-force minimum on random square and rectangular matrices', () => {
  const rand = rng(7);
  for (const [n, m] of [[1, 1], [3, 3], [5, 5], [2, 5], [5, 2], [6, 6], [4, 6]] as const) {
    for (let trial = 0; trial < 20; trial++) {
      const cost = Float64Array.from({ length: n * m }, () => Math.round(rand() * 20) - 5);
      const got = solveDense(cost, n, m);
      const total = [...got].reduce((s, j, i) => s + (j >= 0 ? cost[i * m + j]! : 0), 0);
      assert.equal(new Set([...got].filter((j) => j >= 0)).size, Math.min(n, m), 'one-to-one, as many pairs as the smaller side');
      let best = Infinity;
      eachMatching(n, m, true, (p) => {
        if (p.filter((j) => j >= 0).length !== Math.min(n, m)) return;
        best = Math.min(best, p.reduce((s, j, i) => s + (j >= 0 ? cost[i * m + j]! : 0), 0));
      });
      assert.equal(total, best, `n=${n} m=${m} trial ${trial}`);
    }
  }
});

test('assignBelowLimit equals the brute-force optimum of sum(cost - limit) over usable pairs', () => {
  const rand = rng(11);
  for (const [n, m] of [[3, 3], [4, 5], [5, 3], [6, 6]] as const) {
    for (let trial = 0; trial < 20; trial++) {
      const cost = Float64Array.from({ length: n * m }, () => (rand() < 0.5 ? 1 : rand()));
      const got = assignBelowLimit(cost, n, m, 0.8);
      const value = (p: ArrayLike<number>) => Array.from(p).reduce((s: number, j, i) => s + (j >= 0 ? cost[i * m + j]! - 0.8 : 0), 0);
      let best = 0;
      eachMatching(n, m, false, (p) => {
        if (p.some((j, i) => j >= 0 && cost[i * m + j]! >= 0.8)) return;
        best = Math.min(best, value(p));
      });
      assert.ok(Math.abs(value(got) - best) < 1e-12, `n=${n} m=${m} trial ${trial}: ${value(got)} vs ${best}`);
      got.forEach((j, i) => assert.ok(j < 0 || cost[i * m + j]! < 0.8));
    }
  }
});

test('assignMaxCardinality prefers more pairs over a cheaper total, never uses forbidden pairs', () => {
  // Row 0 could take col 0 cheaply, but then row 1 (only col 0 allowed) is left out.
  const cost = Float64Array.of(0.1, 0.4, 0.3, Number.NaN);
  assert.deepEqual([...assignMaxCardinality(cost, 2, 2)], [1, 0]);
  assert.deepEqual([...assignMaxCardinality(Float64Array.of(Number.NaN, Number.NaN), 1, 2)], [-1]);
  assert.deepEqual([...assignMaxCardinality(Float64Array.of(Number.NaN, 0.2, Number.NaN), 3, 1)], [-1, 0, -1]);
});

test('1000 scattered pairs solve one-to-one through the sparse path', () => {
  const n = 1000;
  const cost = new Float64Array(n * n).fill(1);
  for (let i = 0; i < n; i++) cost[i * n + ((i * 7) % n)] = 0.1;
  const got = assignBelowLimit(cost, n, n, 0.8);
  for (let i = 0; i < n; i++) assert.equal(got[i], (i * 7) % n);
});
