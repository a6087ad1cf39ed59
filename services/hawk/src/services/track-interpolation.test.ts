import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HawkKeyframe } from '@sightline/contracts';
import { expandFrames, trackBoxAt } from './track-interpolation.ts';
import { trackFromSightings } from './track-building.ts';

const kfs: HawkKeyframe[] = [
  { frame: 2, xyxy: [0, 0, 10, 10], outside: false },
  { frame: 6, xyxy: [40, 20, 50, 30], outside: false },
  { frame: 8, xyxy: [40, 20, 50, 30], outside: true },
  { frame: 10, xyxy: [0, 0, 5, 5], outside: false },
];

test('trackBoxAt: before, on, between keyframes, held, outside and back', () => {
  const cases: [number, number[] | null][] = [
    [1, null],
    [2, [0, 0, 10, 10]],
    [3, [10, 5, 20, 15]],
    [5, [30, 15, 40, 25]],
    [6, [40, 20, 50, 30]],
    [7, [40, 20, 50, 30]],
    [8, null],
    [9, null],
    [10, [0, 0, 5, 5]],
    [99, [0, 0, 5, 5]],
  ];
  for (const [frame, want] of cases) assert.deepEqual(trackBoxAt(kfs, frame), want, `frame ${frame}`);
});

test('trackFromSightings round-trips through expandFrames, gaps included', () => {
  const at = new Map<number, [number, number, number, number]>([[1, [0, 0, 4, 4]], [2, [1, 0, 5, 4]], [5, [9, 9, 12, 12]]]);
  const track = trackFromSightings('t', { label: 'person', attributes: {}, at }, 9);
  const frames = expandFrames({}, [track], 0, 9);
  assert.deepEqual([...frames.keys()].sort((a, b) => a - b), [1, 2, 5]);
  for (const [f, xyxy] of at) assert.deepEqual(frames.get(f)![0]!.xyxy, xyxy);
});
