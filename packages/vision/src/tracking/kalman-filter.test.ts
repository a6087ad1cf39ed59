import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BoxKalman, xyahModel, xysrModel, type BoxMotionModel } from './kalman-filter.ts';

// Textbook 8-state Kalman filter with full matrices, to check the decoupled filter against.
type M = number[][];
const mul = (a: M, b: M): M => a.map((r) => b[0]!.map((_, j) => r.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: M): M => a[0]!.map((_, j) => a.map((r) => r[j]!));
const add = (a: M, b: M): M => a.map((r, i) => r.map((v, j) => v + b[i]![j]!));
const diag = (v: number[]): M => v.map((x, i) => v.map((_, j) => (i === j ? x : 0)));
function inv4(a: M): M {
  const n = 4;
  const m = a.map((r, i) => [...r, ...diag([1, 1, 1, 1])[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    const d = m[c]![c]!;
    m[c] = m[c]!.map((v) => v / d);
    for (let r = 0; r < n; r++) if (r !== c) m[r] = m[r]!.map((v, j) => v - m[r]![c]! * m[c]![j]!);
  }
  return m.map((r) => r.slice(n));
}

function denseRun(model: BoxMotionModel, boxes: number[][]): number[] {
  const z0 = new Float64Array(4);
  model.measure(boxes[0]![0]!, boxes[0]![1]!, boxes[0]![2]!, boxes[0]![3]!, z0);
  let x: M = [...z0, 0, 0, 0, 0].map((v) => [v]);
  const init = [0, 1, 2, 3].map((d) => model.initVar(z0, d));
  let P = diag([...init.map((v) => v[0]), ...init.map((v) => v[1])]);
  const F = diag([1, 1, 1, 1, 1, 1, 1, 1]);
  for (let d = 0; d < 4; d++) F[d]![d + 4] = 1;
  const H = diag([1, 1, 1, 1]).map((r) => [...r, 0, 0, 0, 0]);
  for (const box of boxes.slice(1)) {
    const mean = Float64Array.from(x.map((r) => r[0]!));
    model.beforePredict?.(mean);
    x = [...mean].map((v) => [v]);
    const q = [0, 1, 2, 3].map((d) => model.processVar(mean, d));
    x = mul(F, x);
    P = add(mul(mul(F, P), tr(F)), diag([...q.map((v) => v[0]), ...q.map((v) => v[1])]));
    const predicted = Float64Array.from(x.map((r) => r[0]!));
    const R = diag([0, 1, 2, 3].map((d) => model.measureVar(predicted, d)));
    const z = new Float64Array(4);
    model.measure(box[0]!, box[1]!, box[2]!, box[3]!, z);
    const S = add(mul(mul(H, P), tr(H)), R);
    const K = mul(mul(P, tr(H)), inv4(S));
    const y = [...z].map((v, d) => [v - x[d]![0]!]);
    x = add(x, mul(K, y));
    P = mul(add(diag([1, 1, 1, 1, 1, 1, 1, 1]), mul(K, H).map((r) => r.map((v) => -v))), P);
  }
  return x.map((r) => r[0]!);
}

const path = Array.from({ length: 12 }, (_, t) => [100 + 5 * t + (t % 3), 50 + 2 * t, 140 + 5 * t - (t % 2), 150 + 2.5 * t]);
for (const model of [xyahModel, xysrModel]) {
  test(`${model.name}: the decoupled filter equals the full-matrix Kalman filter`, () => {
    const kf = new BoxKalman(model, path[0]!);
    for (const box of path.slice(1)) {
      kf.predict();
      kf.update(box);
    }
    const expected = denseRun(model, path);
    expected.forEach((v, k) => assert.ok(Math.abs(kf.mean[k]! - v) < 1e-6 * Math.max(1, Math.abs(v)), `state ${k}: ${kf.mean[k]} vs ${v}`));
  });
}

test('a box moving at constant speed is predicted ahead after a few updates', () => {
  const kf = new BoxKalman(xyahModel, [0, 0, 20, 40]);
  for (let t = 1; t <= 10; t++) {
    kf.predict();
    kf.update([4 * t, 0, 4 * t + 20, 40]);
  }
  kf.predict();
  const [x1, y1, x2, y2] = kf.xyxy();
  assert.ok(Math.abs(x1! - 44) < 1, `x1 ${x1}`);
  assert.ok(Math.abs(x2! - 64) < 1, `x2 ${x2}`);
  assert.ok(Math.abs(y1!) < 0.5 && Math.abs(y2! - 40) < 0.5);
});
