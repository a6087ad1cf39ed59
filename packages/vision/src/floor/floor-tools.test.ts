import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HeatmapGrid } from './heatmap-grid.ts';
import { LineCounter, segmentCrossing } from './line-counter.ts';
import { PolygonZone } from './polygon-zone.ts';
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
  });
});
