import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MotRow } from '../formats/mot.ts';
import { fillTrackGaps } from './track-gaps.ts';

const row = (frame: number, id: number, x: number, conf = 0.9): MotRow => ({ frame, id, x, y: 10, w: 20, h: 60, conf, xOrClass: -1, yOrVisibility: -1, z: -1 });

test('fillTrackGaps: a gap of at most the limit gets straight-line boxes at the lower score; a longer one stays open', () => {
  // Track 1 walks 4 px a frame and is missed on frames 3-4; track 2 is missed on frames 2-7.
  const rows = [row(1, 1, 0), row(2, 1, 4), row(5, 1, 16, 0.6), row(6, 1, 20), row(1, 2, 100), row(8, 2, 100)];
  const out = fillTrackGaps(rows, 3);
  const one = out.filter((r) => r.id === 1);
  assert.deepEqual(one.map((r) => r.frame), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(one.map((r) => r.x), [0, 4, 8, 12, 16, 20], 'on the line between the two ends');
  assert.deepEqual([one[2]!.conf, one[3]!.conf], [0.6, 0.6]);
  assert.deepEqual(out.filter((r) => r.id === 2).map((r) => r.frame), [1, 8], 'a 7-frame gap is over the limit of 3');
  assert.deepEqual(out.map((r) => [r.frame, r.id]), [...out].sort((a, b) => a.frame - b.frame || a.id - b.id).map((r) => [r.frame, r.id]), 'sorted by frame then id');
  assert.equal(fillTrackGaps(rows, 0).length, rows.length, 'a limit of 0 fills nothing');
});

test('fillTrackGaps on a stride: only the frames the tracker saw are filled', () => {
  const rows = [row(1, 1, 0), row(6, 1, 20), row(16, 1, 60), row(21, 1, 80)];
  const out = fillTrackGaps(rows, 15, 5);
  assert.deepEqual(out.map((r) => r.frame), [1, 6, 11, 16, 21]);
  assert.equal(out[2]!.x, 40);
});
