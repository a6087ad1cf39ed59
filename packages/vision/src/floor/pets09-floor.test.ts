// Accuracy on real data: the PETS09-S2L1 dev ground truth (frames 1-400) gives every box's position
// on the ground plane in metres. A homography fitted from 4 boxes' bottom centres in the 480x360
// video (the user's 4 clicks) should place every other box's feet within 0.25 m (median).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { projectPoint, solveHomography, type PointPair, type Xy } from './homography.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? join(fileURLToPath(new URL('../../../../..', import.meta.url)), 'shared', 'data');
const gtFile = join(dataRoot, 'pets09-dev', 'gt-frames-1-400.txt');
/** The ground truth is in the original 768x576 frame; the video is 480x360. */
const scale = 0.625;

const median = (values: readonly number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;

test('PETS09-S2L1: 4 clicked floor points calibrate the ground plane to a median error under 0.25 m', (t) => {
  if (!existsSync(gtFile)) return t.skip(`evaluation data not found at ${gtFile}; set SIGHTLINE_EVAL_DATA to the folder holding pets09-dev/`);
  const rows: PointPair[] = readFileSync(gtFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number))
    .filter((c) => c[6] !== 0)
    .map((c) => ({ imageXy: [(c[2]! + c[4]! / 2) * scale, (c[3]! + c[5]!) * scale] as Xy, floorXy: [c[7]!, c[8]!] as Xy }));
  assert.ok(rows.length > 2000, `${rows.length} boxes with ground positions`);
  // The four feet nearest the corners of the area people walk in, as a user would click them.
  const xs = rows.map((r) => r.imageXy[0]);
  const ys = rows.map((r) => r.imageXy[1]);
  const corners: Xy[] = [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)], [Math.min(...xs), Math.max(...ys)]];
  const distance = (r: PointPair, c: Xy): number => Math.hypot(r.imageXy[0] - c[0], r.imageXy[1] - c[1]);
  const chosen = corners.map((c) => rows.reduce((best, r) => (distance(r, c) < distance(best, c) ? r : best)));
  const solution = solveHomography(chosen, { frameWh: [480, 360] });
  const errors = rows.filter((r) => !chosen.includes(r)).map((r) => {
    const p = projectPoint(solution.matrix, r.imageXy);
    return p ? Math.hypot(p[0] - r.floorXy[0], p[1] - r.floorXy[1]) : Number.POSITIVE_INFINITY;
  });
  const med = median(errors);
  t.diagnostic(`4-point fit: median error ${med.toFixed(3)} m, 90th percentile ${[...errors].sort((a, b) => a - b)[Math.floor(errors.length * 0.9)]!.toFixed(3)} m over ${errors.length} boxes`);
  assert.ok(med <= 0.25, `median error ${med} m`);
});
