import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StationaryDetector } from './stationary-detector.ts';

const samples = (trackId: number, fromMs: number, toMs: number, at: (t: number) => [number, number]) =>
  Array.from({ length: Math.floor((toMs - fromMs) / 1000) }, (_, i) => ({ floorId: 1, cameraId: 2, trackId, timeMs: fromMs + i * 1000, xyM: at(fromMs + i * 1000) }));

test('a detection that stays within the radius for the minimum time is a span, growing while it keeps still', () => {
  const detector = new StationaryDetector({ radiusM: 0.5, minMs: 120_000 });
  // Jitter of +-0.2 m around (3, 4): a box on the grass.
  const still = (t: number): [number, number] => [3 + 0.2 * Math.sin(t / 7000), 4 + 0.2 * Math.cos(t / 5000)];
  assert.deepEqual(detector.add(samples(7, 0, 100_000, still)), [], 'not yet: 99 s');
  const [span] = detector.add(samples(7, 100_000, 130_000, still));
  assert.equal(span!.startedAt.getTime(), 0);
  assert.equal(span!.endedAt.getTime(), 129_000);
  assert.deepEqual([span!.cameraId, span!.trackId, span!.floorId], [2, 7, 1]);
  const [grown] = detector.add(samples(7, 130_000, 200_000, still));
  assert.equal(grown!.startedAt.getTime(), 0, 'the same span');
  assert.equal(grown!.endedAt.getTime(), 199_000, 'extended');
});

test('walking, or pacing wider than the radius, is never stationary; moving away ends the span', () => {
  const detector = new StationaryDetector({ radiusM: 0.5, minMs: 120_000 });
  assert.deepEqual(detector.add(samples(1, 0, 300_000, (t) => [t / 10_000, 2])), [], 'a slow walker (0.1 m/s)');
  assert.deepEqual(detector.add(samples(2, 0, 300_000, (t) => [5 + Math.sin(t / 3000), 5])), [], 'pacing 2 m back and forth');
  const still = detector.add(samples(3, 0, 150_000, () => [9, 9]));
  assert.equal(still.length, 1);
  assert.deepEqual(detector.add(samples(3, 150_000, 200_000, (t) => [9.6 + (t - 150_000) / 1000, 9])), [], 'walked off: the span does not grow');
});

test('a track still for its whole life is confirmed after the life threshold, from its first sample; one that walked in is not', () => {
  const detector = new StationaryDetector({ radiusM: 0.5, minMs: 120_000, lifeMs: 20_000, lifeRadiusM: 0.3 });
  // A false box on the grass: +-0.1 m of jitter from its first sample on.
  const ghost = (t: number): [number, number] => [3 + 0.1 * Math.sin(t / 700), 4];
  assert.deepEqual(detector.add(samples(5, 0, 20_000, ghost)), [], 'not yet: 19 s');
  const [span] = detector.add(samples(5, 20_000, 25_000, ghost));
  assert.deepEqual([span!.startedAt.getTime(), span!.endedAt.getTime(), span!.trackId], [0, 24_000, 5], 'flagged from its first sample');
  // Someone who walked 3 m into view and then stood there for 60 s: the general (2 minute) rule applies, not this one.
  const walkThenStand = (t: number): [number, number] => [Math.min(8, 5 + t / 1000), 6];
  assert.deepEqual(detector.add(samples(6, 0, 63_000, walkThenStand)), []);
  // Pacing 0.4 m from where it appeared (beyond the 0.3 m life radius): not confirmed early either.
  assert.deepEqual(detector.add(samples(8, 0, 60_000, (t) => [1 + 0.4 * Math.abs(Math.sin(t / 4000)), 1])), []);
});
