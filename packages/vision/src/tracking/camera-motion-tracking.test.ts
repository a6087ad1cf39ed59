// Camera-motion compensation in the tracker: a jerky pan moves every box by tens of pixels between
// frames, which breaks identities unless the tracks are moved with the camera first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { applyAffine, warpBox, type Affine } from '../motion/affine.ts';
import { ByteTracker } from './byte-tracker.ts';
import { BoxKalman, xyahModel, xysrModel } from './kalman-filter.ts';
import { SortTracker } from './sort-tracker.ts';

/** Camera x offset per frame: still, a fast pan right (35 px a frame), a pause, back left, shaking. */
const cameraX: number[] = [];
for (let t = 0, x = 0; t < 60; t++) {
  const step = t < 8 ? 0 : t < 20 ? 35 : t < 26 ? 0 : t < 38 ? -35 : t % 2 === 0 ? 25 : -25;
  x += step;
  cameraX.push(x);
}

/** Three people walking slowly in the world, seen through the panning camera (world x - camera x). */
function frameAt(t: number): Detections {
  const people = [200, 320, 440].map((x0, k) => x0 + (k - 1) * 1.5 * t);
  return Detections.fromRows(people.map((wx) => ({ xyxy: [wx - cameraX[t]!, 100, wx - cameraX[t]! + 40, 200] as const, confidence: 0.95, classId: 0 })));
}

function idsPerPerson(compensate: boolean): number[] {
  const tracker = new ByteTracker({ frameRate: 10 });
  const ids = [new Set<number>(), new Set<number>(), new Set<number>()];
  for (let t = 0; t < cameraX.length; t++) {
    if (compensate && t > 0) tracker.compensate([1, 0, -(cameraX[t]! - cameraX[t - 1]!), 0, 1, 0]);
    const out = tracker.update(frameAt(t));
    const truth = frameAt(t);
    for (let i = 0; i < out.length; i++) {
      // The output box is the filter's: name the person by the nearest true box.
      let best = 0;
      for (let k = 1; k < 3; k++) if (Math.abs(truth.xyxy[k * 4]! - out.xyxy[i * 4]!) < Math.abs(truth.xyxy[best * 4]! - out.xyxy[i * 4]!)) best = k;
      ids[best]!.add(out.trackerId[i]!);
    }
  }
  return ids.map((s) => s.size);
}

test('a fast, jerky pan: with compensation each person keeps one id; without, identities break', () => {
  const withCmc = idsPerPerson(true);
  const without = idsPerPerson(false);
  assert.deepEqual(withCmc, [1, 1, 1], `ids per person with compensation: ${withCmc}`);
  assert.ok(without.reduce((a, b) => a + b) >= 6, `ids per person without compensation: ${without} (the pan should break them)`);
});

test('warping a filter moves its box as the camera moved it, for both box models', () => {
  const pans: Affine[] = [[1, 0, -30, 0, 1, 12], [1.05, 0, -20, 0, 1.05, -8]];
  for (const model of [xysrModel, xyahModel]) {
    for (const m of pans) {
      const kf = new BoxKalman(model, [100, 50, 140, 150]);
      kf.update([104, 52, 144, 152]);
      kf.predict();
      const before = kf.xyxy();
      const velocity = [kf.mean[4]!, kf.mean[5]!];
      const want = new Float64Array(4);
      warpBox(m, before, 0, want);
      const cov = Float64Array.from(kf.cov);
      kf.warp(m);
      const got = kf.xyxy();
      for (let c = 0; c < 4; c++) assert.ok(Math.abs(got[c]! - want[c]!) < 1e-9, `${model.name} ${m}: box ${[...got]} want ${[...want]}`);
      assert.ok(Math.abs(kf.mean[4]! - m[0] * velocity[0]!) < 1e-12 && Math.abs(kf.mean[5]! - m[4] * velocity[1]!) < 1e-12, 'velocity scales with the zoom');
      // Position variances scale with the square of the zoom; a pure pan leaves them as they were.
      assert.ok(Math.abs(kf.cov[0]! - m[0] ** 2 * cov[0]!) < 1e-9 && Math.abs(kf.cov[3]! - m[4] ** 2 * cov[3]!) < 1e-9);
    }
  }
  const [x, y] = applyAffine([1, 0, -30, 0, 1, 12], 0, 0);
  assert.deepEqual([x, y], [-30, 12]);
});

test('SORT, the reference, has no compensation', () => {
  assert.equal('compensate' in new SortTracker(), false);
});
