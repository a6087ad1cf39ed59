import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Detections } from '../detections.ts';
import { AppearanceTracker } from './appearance-tracker.ts';
import { ByteTracker } from './byte-tracker.ts';
import type { Tracker } from './tracker.ts';

// Two people side by side (IoU 0.43) swap places at frame 11. Their embeddings share a large common
// part, as the detector's map gives: only the per-camera centering lets the cue tell them apart.
const look = { a: [40, 40, 40, 40, 1, 0], b: [40, 40, 40, 40, 0, 1] };
function frame(t: number): Detections {
  const people = t <= 10 ? [[300, look.a], [316, look.b]] as const : [[300, look.b], [316, look.a]] as const;
  return Detections.fromRows(people.map(([x]) => ({ xyxy: [x, 200, x + 40, 300] as const, confidence: 0.95, classId: 0 })), { embedding: people.map(([, e]) => Float32Array.from(e)) });
}
function idAt(d: Detections, x: number): number | undefined {
  for (let i = 0; i < d.length; i++) if (Math.abs(d.xyxy[i * 4]! - x) < 3) return d.trackerId[i];
  return undefined;
}
function swap(tracker: Tracker): { aBefore?: number; aAfter?: number; out: Detections } {
  let before = frame(1);
  for (let t = 1; t <= 10; t++) before = tracker.update(frame(t));
  let after = before;
  for (let t = 11; t <= 15; t++) after = tracker.update(frame(t));
  return { aBefore: idAt(before, 300), aAfter: idAt(after, 316), out: after };
}

test('the appearance tracker centres the embeddings and keeps identities through a swap; the column stays inside', () => {
  const options = { frameRate: 10, minHits: 3, trackThresh: 0.5, newTrackThresh: 0.6 };
  const cued = new AppearanceTracker(options);
  const withCue = swap(cued);
  assert.ok(withCue.aBefore !== undefined && withCue.aBefore > 0);
  assert.equal(withCue.aAfter, withCue.aBefore, 'person A keeps their id at their new place');
  assert.equal(withCue.out.data.embedding, undefined, 'the embeddings do not leave the tracker');
  assert.equal(cued.embeddingsSeen, 30);
  const plain = swap(new ByteTracker(options));
  assert.notEqual(plain.aAfter, plain.aBefore, 'without the cue the ids stay with the places');
});

test('the appearance tracker keeps each track\'s mean centred appearance: person A\'s track looks like A, not B', () => {
  const options = { frameRate: 10, minHits: 3, trackThresh: 0.5, newTrackThresh: 0.6 };
  const live = new AppearanceTracker(options);
  swap(live);
  assert.equal(live.trackAppearance().size, 0, 'a live camera keeps nothing per track unless asked');
  const tracker = new AppearanceTracker(options, { keepTrackAppearance: true });
  const { aBefore } = swap(tracker);
  const appearance = tracker.trackAppearance();
  const a = appearance.get(aBefore!)!;
  assert.ok(a, 'person A\'s track has an appearance');
  assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-9, 'unit length');
  // Centred, A's own channel is positive and B's negative (the common part is gone).
  assert.ok(a[4]! > 0.5 && a[5]! < -0.5, `A's appearance ${[...a].map((v) => v.toFixed(2))}`);
  const others = [...appearance.keys()].filter((id) => id !== aBefore);
  assert.ok(others.some((id) => appearance.get(id)![5]! > 0.5), 'B\'s track looks like B');
  tracker.reset();
  assert.equal(tracker.trackAppearance().size, 0, 'reset forgets them');
});
