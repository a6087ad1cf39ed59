import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { ByteTracker } from './byte-tracker.ts';
import { BoxKalman, xyahModel, xysrModel } from './kalman-filter.ts';
import { centreDirection, directionConsistency, ObservationHistory, reupdate } from './observation-centric.ts';

const box = (x: number, y: number): Float64Array => Float64Array.of(x, y, x + 30, y + 80);

test('direction consistency: (pi/2 - angle) / pi between the track direction and last observation -> detection', () => {
  const cases: Array<[string, [number, number], [number, number], number]> = [
    ['same direction', [10, 0], [20, 0], 0.5],
    ['opposite', [10, 0], [-10, 0], -0.5],
    ['perpendicular', [10, 0], [0, 10], 0],
    ['45 degrees', [10, 0], [10, 10], 0.25],
    ['detection on the last box', [10, 0], [0, 0], 0],
  ];
  for (const [name, move, det, want] of cases) {
    const h = new ObservationHistory(3);
    const kf = new BoxKalman(xysrModel, box(0, 0));
    h.observe(1, box(-move[0], -move[1]), 0, kf.mean, kf.cov);
    h.observe(2, box(0, 0), 0, kf.mean, kf.cov);
    assert.ok(Math.abs(directionConsistency(h, box(det[0], det[1]), 0) - want) < 1e-9, name);
  }
  const fresh = new ObservationHistory(3);
  assert.equal(directionConsistency(fresh, box(5, 5), 0), 0, 'no direction before a second observation');
});

test('observation history: the direction spans deltaT frames of observations, or the oldest kept', () => {
  const kf = new BoxKalman(xysrModel, box(0, 0));
  const h = new ObservationHistory(3);
  // Moves right for 3 frames, then one step down: over 3 frames the motion is still mostly right.
  for (const [f, x, y] of [[1, 0, 0], [2, 10, 0], [3, 20, 0], [4, 30, 0], [5, 30, 10]] as const) h.observe(f, box(x, y), 0, kf.mean, kf.cov);
  const [dx, dy] = centreDirection(box(10, 0), 0, box(30, 10), 0);
  assert.ok(Math.abs(h.direction[0]! - dx) < 1e-9 && Math.abs(h.direction[1]! - dy) < 1e-9, `${[...h.direction]}`);
  assert.deepEqual([...h.last], [...box(30, 10)]);
  assert.equal(h.lastFrame, 5);
});

test('re-update: a track found again after a gap leaves with the velocity of the straight line through the gap', () => {
  for (const model of [xysrModel, xyahModel]) {
    for (const gap of [2, 5, 10]) {
      const make = () => {
        const kf = new BoxKalman(model, box(0, 0));
        const h = new ObservationHistory(3);
        h.observe(1, box(0, 0), 0, kf.mean, kf.cov);
        // Walks right 4 px a frame for 10 frames, then is missed for `gap - 1` frames and turns down.
        for (let f = 2; f <= 10; f++) {
          kf.predict();
          kf.update(box(4 * (f - 1), 0));
          h.observe(f, box(4 * (f - 1), 0), 0, kf.mean, kf.cov);
        }
        for (let k = 0; k < gap; k++) kf.predict();
        return { kf, h };
      };
      const found = box(36, 6 * gap);
      const plain = make();
      plain.kf.update(found);
      const oru = make();
      reupdate(oru.kf, oru.h, 10 + gap, found, 0);
      // The true motion through the gap is 6 px a frame downwards and none to the right.
      const errPlain = Math.hypot(plain.kf.mean[4]! - 0, plain.kf.mean[5]! - 6);
      const errOru = Math.hypot(oru.kf.mean[4]! - 0, oru.kf.mean[5]! - 6);
      assert.ok(errOru < errPlain, `${model.name} gap ${gap}: re-update velocity error ${errOru.toFixed(2)} vs plain ${errPlain.toFixed(2)}`);
    }
  }
});

test('re-update with no gap is the plain Kalman update', () => {
  const a = new BoxKalman(xysrModel, box(0, 0));
  const b = new BoxKalman(xysrModel, box(0, 0));
  const h = new ObservationHistory(3);
  h.observe(1, box(0, 0), 0, b.mean, b.cov);
  a.predict();
  b.predict();
  a.update(box(3, 1));
  reupdate(b, h, 2, box(3, 1), 0);
  assert.deepEqual([...a.mean], [...b.mean]);
  assert.deepEqual([...a.cov], [...b.cov]);
});

const frame = (xs: Array<[number, number]>): Detections => Detections.fromRows(xs.map(([x, y]) => ({ xyxy: [x, y, x + 30, y + 80] as const, confidence: 0.9, classId: 0 })));

test('recovery: a person who stops while missed is found again at the last observed box, not the prediction', () => {
  // Walks right 12 px a frame, is missed 3 frames, and is seen again where they were last seen.
  const run = (recoveryIou: number) => {
    const tracker = new ByteTracker({ recoveryIou, minHits: 1 });
    const ids = new Set<number>();
    for (let t = 0; t < 10; t++) tracker.update(frame([[12 * t, 40]])).trackerId.forEach((id) => ids.add(id));
    for (let t = 0; t < 3; t++) tracker.update(frame([]));
    for (let t = 0; t < 4; t++) tracker.update(frame([[12 * 9, 40]])).trackerId.forEach((id) => ids.add(id));
    return ids.size;
  };
  assert.equal(run(0), 2, 'without recovery the prediction has walked away: a new id');
  assert.equal(run(0.3), 1, 'with recovery the same id');
});
