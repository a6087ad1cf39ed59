import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FloorPoint } from '../repositories/floor-point.repository.ts';
import { FloorIdentityService } from './floor-identity.service.ts';
import { LiveMapService } from './live-map.service.ts';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const point = (trackId: number, ms: number, x: number, y: number, cameraId = 1): FloorPoint => ({
  floorId: 1, observedAt: new Date(T0 + ms), cameraId, trackId, className: 'person', xM: x, yM: y, attributes: {}, counted: true,
});
/** One Scouter batch: every track's samples at 10 fps over [fromMs, toMs), walking along x. */
const batch = (fromMs: number, toMs: number, tracks: { id: number; x0: number; y: number; fromMs?: number; toMs?: number }[]) => {
  const out: FloorPoint[] = [];
  for (let t = fromMs; t < toMs; t += 100) for (const k of tracks) if (t >= (k.fromMs ?? -Infinity) && t < (k.toMs ?? Infinity)) out.push(point(k.id, t, k.x0 + t / 1000, k.y));
  return out.sort((a, b) => a.observedAt.getTime() - b.observedAt.getTime());
};

test('a marker lives while its person is seen plus the grace, and the live count is who is tracked now', () => {
  const map = new LiveMapService(new FloorIdentityService({ mergeDistanceM: 1, mergeGapMs: 1000, handoverMs: 300 }), { trailPoints: 5, graceMs: 1500 });
  const trackerIds = new Map([[101, 7], [102, 8]]);
  // Two people walk; the second is last seen at 0.5 s.
  const [first] = map.update(batch(0, 300, [{ id: 101, x0: 0, y: 2 }, { id: 102, x0: 10, y: 8 }]), trackerIds);
  assert.equal(first!.liveCount, 2);
  assert.deepEqual(first!.markers.map((m) => m.trackers), [[{ cameraId: 1, trackId: 101, trackerId: 7 }], [{ cameraId: 1, trackId: 102, trackerId: 8 }]], "Scouter's tracker ids beside Kanohi's track ids");
  const [during] = map.update(batch(300, 1300, [{ id: 101, x0: 0, y: 2 }, { id: 102, x0: 10, y: 8, toMs: 600 }]));
  assert.equal(during!.markers.length, 2, 'within the grace the one who left is still drawn (fading)');
  assert.equal(during!.liveCount, 1, 'but not counted as tracked now');
  const [after] = map.update(batch(1300, 2600, [{ id: 101, x0: 0, y: 2 }]));
  assert.deepEqual(after!.markers.map((m) => m.personId), [101], '1.5 s after last seen (2.5 s, the latest sample) the marker is gone');
  assert.equal(after!.liveCount, 1);
  assert.equal(after!.graceMs, 1500);
  assert.equal(after!.markers[0]!.trail.length, 5, 'trails keep their last positions');
});

test('a tracker break near the same place continues the marker; a newcomer elsewhere is a second marker', () => {
  const map = new LiveMapService(new FloorIdentityService({ mergeDistanceM: 1, mergeGapMs: 1000, handoverMs: 300 }), { trailPoints: 50, graceMs: 1500 });
  map.update(batch(0, 1000, [{ id: 201, x0: 0, y: 2 }]));
  // Track 201 is lost at 0.9 s (x = 0.9); track 202 picks the walker up at 1.2 s (x = 1.2), track 203 appears 10 m away.
  const [event] = map.update(batch(1000, 2000, [{ id: 202, x0: 0, y: 2, fromMs: 1200 }, { id: 203, x0: 10, y: 9, fromMs: 1200 }]));
  assert.deepEqual(event!.markers.map((m) => m.personId).sort(), [202, 203]);
  const walker = event!.markers.find((m) => m.personId === 202)!;
  assert.equal(walker.trail.length, 18, 'the new marker carries the broken track\'s trail (10 + 8 positions)');
  assert.equal(walker.floorPersonId, 201, 'and the floor person of the first track, as the people counts name them');
  assert.equal(event!.markers.find((m) => m.personId === 203)!.floorPersonId, 203);
  assert.equal(event!.liveCount, 2);
});
