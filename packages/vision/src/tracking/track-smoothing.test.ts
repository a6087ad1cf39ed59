import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MotRow } from '../formats/mot.ts';
import { smoothTracks } from './track-smoothing.ts';

const row = (frame: number, id: number, x: number, y: number, w: number, h: number): MotRow => ({ frame, id, x, y, w, h, conf: 0.9, xOrClass: -1, yOrVisibility: -1, z: -1 });
const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} vs ${b}`);

test('smoothTracks: vertical centre, width and height averaged over the radius; the horizontal centre kept; never across a gap', () => {
  // Track 1 walks right 10 px a frame with its top jittering 0 / 6 and its height 100 / 90, missed on frame 6.
  const rows = [1, 2, 3, 4, 5, 7, 8].map((f) => row(f, 1, 10 * f, f % 2 ? 0 : 6, 40 + (f % 2), f % 2 ? 100 : 90));
  const out = smoothTracks([row(3, 2, 500, 50, 30, 60), ...rows], 1);
  assert.deepEqual(out.map((r) => `${r.frame}:${r.id}`), ['1:1', '2:1', '3:1', '3:2', '4:1', '5:1', '7:1', '8:1'], 'sorted by frame then id');
  const at = (f: number) => out.find((r) => r.frame === f && r.id === 1)!;
  const source = (f: number) => rows.find((r) => r.frame === f)!;
  for (const f of [1, 2, 3, 4, 5, 7, 8]) near(at(f).x + at(f).w / 2, source(f).x + source(f).w / 2);
  // Frame 3: frames 2-4. Centres 51, 50, 51; heights 90, 100, 90; widths 40, 41, 40.
  near(at(3).h, 280 / 3);
  near(at(3).w, 121 / 3);
  near(at(3).y + at(3).h / 2, 152 / 3);
  // Frame 1 has no frame 0: frames 1-2 only. Frame 5 stops at the gap: frames 4-5; frame 7 likewise 7-8.
  near(at(1).h, 95);
  near(at(5).h, 95);
  near(at(7).h, 95);
  // The other track, alone on its frame, is unchanged.
  assert.deepEqual(out.find((r) => r.id === 2), row(3, 2, 500, 50, 30, 60));
});

test('smoothTracks: a radius under the step leaves the boxes; on a stride the stride\'s frames are the neighbours', () => {
  const rows = [row(2, 1, 0, 0, 10, 100), row(1, 1, 0, 0, 10, 80)];
  assert.deepEqual(smoothTracks(rows, 0), [rows[1], rows[0]]);
  const strided = [1, 4, 7].map((f, k) => row(f, 1, 0, 0, 10, 80 + 10 * k));
  const out = smoothTracks(strided, 3, 3);
  near(out[1]!.h, 90);
  near(out[0]!.h, 85);
  assert.deepEqual(smoothTracks(strided, 2, 3), strided, 'radius 2 < step 3: nothing to average');
});
