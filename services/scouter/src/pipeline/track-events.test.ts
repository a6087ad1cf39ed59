import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TrackedBox } from '@sightline/contracts';
import { TrackEventDetector } from './track-events.ts';

/** A person box whose bottom-centre (feet) is at (x, y). */
function at(trackerId: number, x: number, y: number): TrackedBox {
  return { trackerId, className: 'person', score: 0.9, xyxy: [x - 10, y - 50, x + 10, y], attributes: {} };
}

const regions = {
  zones: [{ name: 'door', polygon: [[100, 100], [200, 100], [200, 200], [100, 200]] as [number, number][] }],
  lines: [{ name: 'gate', from: [300, 0] as [number, number], to: [300, 400] as [number, number] }],
};

test('a track walking into a zone, across a line and out of view raises started, entered, left, crossed, ended in order', () => {
  const d = new TrackEventDetector({ minFrames: 2, endAfterFrames: 2 });
  d.setRegions(regions);
  const path: [number, number][] = [[50, 150], [80, 150], [150, 150], [250, 150], [350, 150]];
  const seen = path.flatMap(([x, y]) => d.update([at(7, x, y)]).map((e) => `${e.kind}${e.region ? ` ${e.region}` : ''}${e.direction ? ` ${e.direction}` : ''}`));
  seen.push(...d.update([]).map((e) => e.kind), ...d.update([]).map((e) => e.kind));
  // Facing along (300,0)->(300,400), i.e. down the image, its right side is x < 300: x 250 -> 350 goes right to left, "in".
  assert.deepEqual(seen, ['track-started', 'zone-entered door', 'zone-left door', 'line-crossed gate in', 'track-ended']);
});

test('a track first seen inside a zone enters it when it starts; a flicker shorter than minFrames raises nothing', () => {
  const d = new TrackEventDetector({ minFrames: 3, endAfterFrames: 1 });
  d.setRegions(regions);
  assert.deepEqual(d.update([at(1, 150, 150), at(2, 10, 10)]), []);
  assert.deepEqual(d.update([at(1, 150, 150)]), []);
  const third = d.update([at(1, 150, 150)]);
  assert.deepEqual(third.map((e) => [e.kind, e.region]), [['track-started', null], ['zone-entered', 'door']]);
  assert.deepEqual(d.finish().map((e) => [e.kind, e.box.trackerId]), [['zone-left', 1], ['track-ended', 1]]);
});
