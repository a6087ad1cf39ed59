import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeatmapGrid } from './heatmap-grid.ts';
import { LineCounter, segmentCrossing } from './line-counter.ts';
import { PolygonZone } from './polygon-zone.ts';
import { LeadCameraFilter } from './lead-camera-filter.ts';
import { TrackMerger } from './track-merger.ts';
import type { Xy } from './homography.ts';

describe('PolygonZone', () => {
  const lShape = new PolygonZone([[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [0, 3]]);
  const cases: [Xy, boolean][] = [
    [[0.5, 0.5], true],
    [[3.5, 0.5], true],
    [[0.5, 2.5], true],
    [[2, 2], false],
    [[-0.1, 1], false],
    [[5, 0.5], false],
  ];
  for (const [point, inside] of cases) test(`${point} is ${inside ? 'inside' : 'outside'} the L`, () => assert.equal(lShape.contains(point), inside));
  test('trigger flags interleaved points and area is the L area', () => {
    assert.deepEqual(lShape.trigger([0.5, 0.5, 2, 2, 0.5, 2.9]), [true, false, true]);
    assert.equal(lShape.areaSquareMeters(), 4 * 1 + 1 * 2);
  });
  test('fewer than 3 corners is refused', () => assert.throws(() => new PolygonZone([[0, 0], [1, 1]]), /at least 3 corners/));
});

describe('segmentCrossing and LineCounter', () => {
  const start: Xy = [0, 5];
  const end: Xy = [10, 5];
  const cases: { name: string; from: Xy; to: Xy; expected: -1 | 0 | 1 }[] = [
    { name: 'downward across the middle', from: [5, 4], to: [5, 6], expected: -1 },
    { name: 'upward across the middle', from: [5, 6], to: [5, 4], expected: 1 },
    { name: 'beside the segment end', from: [11, 4], to: [11, 6], expected: 0 },
    { name: 'along one side', from: [1, 4], to: [9, 4], expected: 0 },
    { name: 'stopping on the line', from: [5, 4], to: [5, 5], expected: 0 },
    { name: 'diagonal through', from: [1, 7], to: [9, 3], expected: 1 },
  ];
  for (const c of cases) test(c.name, () => assert.equal(segmentCrossing(c.from, c.to, start, end), c.expected));

  test('counts each track in both directions separately', () => {
    const line = new LineCounter(start, end);
    const walk: [number, Xy][] = [
      [1, [2, 8]], [2, [8, 1]], [1, [2, 6]], [2, [8, 3]], [1, [2, 4]], [2, [8, 6]], [1, [2, 7]], [3, [20, 0]], [3, [20, 9]],
    ];
    const crossings = walk.map(([id, p]) => line.update(id, p));
    assert.deepEqual(crossings, [0, 0, 0, 0, 1, -1, -1, 0, 0]);
    assert.equal(line.inCount, 1);
    assert.equal(line.outCount, 2);
  });
});

describe('HeatmapGrid', () => {
  test('bins points into 0.5 m cells and ignores points off the floor', () => {
    const grid = new HeatmapGrid({ widthMeters: 2, heightMeters: 1, cellMeters: 0.5 });
    assert.equal(grid.columns, 4);
    assert.equal(grid.rows, 2);
    grid.accumulate([0.1, 0.1, 0.2, 0.4, 1.9, 0.9, -0.1, 0.2, 2.1, 0.5]);
    grid.accumulate([1.2, 0.7], [3]);
    assert.deepEqual(Array.from(grid.values), [2, 0, 0, 0, 0, 0, 3, 1]);
    assert.equal(grid.max(), 3);
    assert.equal(grid.total(), 6);
  });
  test('refuses non-positive sizes', () => assert.throws(() => new HeatmapGrid({ widthMeters: 1, heightMeters: 1, cellMeters: 0 }), /positive/));
});

describe('TrackMerger', () => {
  test('merges close tracks of two cameras, keeps one camera’s two tracks apart', () => {
    const merger = new TrackMerger({ maxDistanceMeters: 1, maxGapMs: 500 });
    assert.equal(merger.add({ trackId: 10, cameraId: 1, timeMs: 0, xMeters: 5, yMeters: 5 }), 10);
    assert.equal(merger.add({ trackId: 11, cameraId: 1, timeMs: 0, xMeters: 5.3, yMeters: 5 }), 11, 'same camera: two people');
    assert.equal(merger.add({ trackId: 20, cameraId: 2, timeMs: 100, xMeters: 5.1, yMeters: 5.2 }), 10, 'camera 2 sees track 10’s person');
    assert.equal(merger.add({ trackId: 30, cameraId: 3, timeMs: 2000, xMeters: 5, yMeters: 5 }), 30, 'too late to merge');
    assert.equal(merger.add({ trackId: 40, cameraId: 3, timeMs: 150, xMeters: 9, yMeters: 9 }), 40, 'too far to merge');
    assert.equal(merger.personId(20), 10);
    assert.equal(merger.personId(11), 11);
    assert.deepEqual(merger.takeMerges(), [[20, 10]], 'the one merge is reported');
    assert.deepEqual(merger.takeMerges(), [], '...once');
  });
  test('a camera whose batch arrives later merges at its first sample, against the sighting nearest in time', () => {
    const merger = new TrackMerger({ maxDistanceMeters: 1, maxGapMs: 1000 });
    // Camera 1 reports 0..0.9 s of a walk at 0.4 m per 100 ms first, then camera 2 the same second.
    for (let i = 0; i < 10; i++) merger.add({ trackId: 1, cameraId: 1, timeMs: i * 100, xMeters: i * 0.4, yMeters: 0 });
    assert.equal(merger.add({ trackId: 2, cameraId: 2, timeMs: 0, xMeters: 0.05, yMeters: 0 }), 1, 'the latest sighting is 3.6 m away, the one at 0 ms 5 cm');
  });
});

describe('LeadCameraFilter', () => {
  test('two cameras seeing one walk at 10 fps: one sample per frame time is admitted, and the lead hands over', () => {
    const filter = new LeadCameraFilter({ handoverMs: 300 });
    // Camera 1 sees the person from 0 to 2 s, camera 2 from 1 to 4 s (both at 10 fps, 50 ms apart).
    const samples: [number, number][] = [];
    for (let t = 0; t <= 2000; t += 100) samples.push([1, t]);
    for (let t = 1050; t <= 4000; t += 100) samples.push([2, t]);
    samples.sort((a, b) => a[1] - b[1]);
    const admitted = samples.filter(([camera, t]) => filter.admit(7, camera, t));
    const byCamera = (c: number) => admitted.filter(([camera]) => camera === c).map(([, t]) => t);
    assert.deepEqual(byCamera(1), samples.filter(([c]) => c === 1).map(([, t]) => t), 'the first camera leads while it sees the person');
    // Camera 2 takes over once camera 1 has been silent for more than 300 ms (after 2.3 s).
    assert.deepEqual(byCamera(2)[0], 2350);
    assert.deepEqual(byCamera(2), samples.filter(([c, t]) => c === 2 && t >= 2350).map(([, t]) => t), 'then every camera-2 sample counts');
    assert.equal(admitted.length, 21 + 17, 'one sample per 100 ms over 0..3.95 s, less the 300 ms hand-over');
  });
  test('merge keeps the latest lead; force admits and takes the lead', () => {
    const filter = new LeadCameraFilter({ handoverMs: 1000 });
    assert.ok(filter.admit(1, 1, 0));
    assert.ok(filter.admit(2, 2, 100));
    filter.merge(2, 1);
    assert.equal(filter.admit(1, 1, 200), false, 'camera 2 leads the merged person');
    assert.ok(filter.admit(1, 2, 250));
    assert.ok(filter.admit(1, 3, 260, true));
    assert.equal(filter.admit(1, 2, 270), false);
  });
});
