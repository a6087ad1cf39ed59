// Accuracy on real data: TUD-Stadtmitte's ground truth gives, for every box, the person's position
// on the ground plane in metres. A homography fitted from 4 boxes' bottom centres should place all
// the other boxes close to their ground-truth positions.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { projectPoint, solveHomography, type PointPair, type Xy } from './homography.ts';

const dataRoot = process.env.SIGHTLINE_EVAL_DATA ?? join(fileURLToPath(new URL('../../../../..', import.meta.url)), 'shared', 'data');
const gtFile = join(dataRoot, 'mot15', 'TUD-Stadtmitte', 'gt', 'gt.txt');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

test('TUD-Stadtmitte: 4 boxes calibrate the ground plane for all the others', (t) => {
  if (!existsSync(gtFile)) {
    t.skip(`evaluation data not found at ${gtFile}; set SIGHTLINE_EVAL_DATA to the folder holding mot15/`);
    return;
  }
  const rows: PointPair[] = readFileSync(gtFile, 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number))
    .filter((c) => c[7]! !== -1 && c[8]! !== -1)
    .map((c) => ({ imageXy: [c[2]! + c[4]! / 2, c[3]! + c[5]!] as Xy, floorXy: [c[7]!, c[8]!] as Xy }));
  assert.ok(rows.length > 1000, `gt.txt has ${rows.length} boxes with ground positions`);
  // The four boxes nearest the corners of the area people walk in, as a user would click them.
  const xs = rows.map((r) => r.imageXy[0]);
  const ys = rows.map((r) => r.imageXy[1]);
  const corners: Xy[] = [[Math.min(...xs), Math.min(...ys)], [Math.max(...xs), Math.min(...ys)], [Math.max(...xs), Math.max(...ys)], [Math.min(...xs), Math.max(...ys)]];
  const chosen = corners.map((c) => rows.reduce((best, r) => (Math.hypot(r.imageXy[0] - c[0], r.imageXy[1] - c[1]) < Math.hypot(best.imageXy[0] - c[0], best.imageXy[1] - c[1]) ? r : best)));
  const solution = solveHomography(chosen, { frameWh: [640, 480] });
  const errors = rows.filter((r) => !chosen.includes(r)).map((r) => {
    const p = projectPoint(solution.matrix, r.imageXy);
    return p ? Math.hypot(p[0] - r.floorXy[0], p[1] - r.floorXy[1]) : Number.POSITIVE_INFINITY;
  });
  const all = solveHomography(rows);
  const med = median(errors);
  t.diagnostic(`4-box fit: median error ${med.toFixed(3)} m, 90th percentile ${[...errors].sort((a, b) => a - b)[Math.floor(errors.length * 0.9)]!.toFixed(3)} m over ${errors.length} boxes`);
  t.diagnostic(`least squares over all ${rows.length} boxes: rms ${all.rmsErrorMeters.toFixed(3)} m, median ${median([...all.errorsMeters]).toFixed(3)} m`);
  assert.ok(med < 0.5, `median error ${med} m`);
  assert.ok(median([...all.errorsMeters]) <= med + 1e-9, 'fitting all boxes is at least as good as 4');
});
