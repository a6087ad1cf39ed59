import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HomographyError, invertHomography, projectPoint, solveHomography, type PointPair, type Xy } from './homography.ts';
import { gaussian, seededRandom, syntheticCamera } from './synthetic-camera.test-support.ts';

const cameras = [
  syntheticCamera('ceiling, steep', { positionXyz: [5, 5, 8], targetXy: [5, 7], focalPx: 600, frameWh: [640, 480] }),
  syntheticCamera('corner, oblique', { positionXyz: [-2, -3, 4], targetXy: [8, 6], focalPx: 900, frameWh: [1280, 720] }),
  syntheticCamera('low wall camera', { positionXyz: [10, -1, 2.5], targetXy: [6, 8], focalPx: 500, frameWh: [640, 360] }),
];

/** A grid of floor points that the camera sees inside its frame. */
function visibleGrid(camera: (typeof cameras)[number], step = 1): { floorXy: Xy; imageXy: Xy }[] {
  const out: { floorXy: Xy; imageXy: Xy }[] = [];
  for (let x = -5; x <= 20; x += step)
    for (let y = -5; y <= 20; y += step) {
      const img = camera.toImage([x, y]);
      if (img && img[0] >= 0 && img[1] >= 0 && img[0] <= camera.frameWh[0] && img[1] <= camera.frameWh[1]) out.push({ floorXy: [x, y], imageXy: img });
    }
  return out;
}

function nearest(grid: { floorXy: Xy; imageXy: Xy }[], c: Xy): PointPair {
  return grid.reduce((best, p) => (Math.hypot(p.imageXy[0] - c[0], p.imageXy[1] - c[1]) < Math.hypot(best.imageXy[0] - c[0], best.imageXy[1] - c[1]) ? p : best));
}

/** Four visible points far apart: the ones closest to each frame corner. */
function cornerPairs(grid: { floorXy: Xy; imageXy: Xy }[], frameWh: Xy): PointPair[] {
  const corners: Xy[] = [[0, 0], [frameWh[0], 0], [frameWh[0], frameWh[1]], [0, frameWh[1]]];
  return corners.map((c) => nearest(grid, c));
}

/** Visible points closest to a 3 x 3 lattice over the frame. */
function latticePairs(grid: { floorXy: Xy; imageXy: Xy }[], frameWh: Xy): PointPair[] {
  return [0.1, 0.5, 0.9].flatMap((fx) => [0.15, 0.5, 0.85].map((fy) => nearest(grid, [fx * frameWh[0], fy * frameWh[1]])));
}

describe('solveHomography with synthetic cameras', () => {
  for (const camera of cameras) {
    test(`${camera.name}: 4 exact pairs reproduce every other visible floor point`, () => {
      const grid = visibleGrid(camera);
      assert.ok(grid.length > 30, `the camera sees ${grid.length} grid points`);
      const solution = solveHomography(cornerPairs(grid, camera.frameWh), { frameWh: camera.frameWh });
      assert.ok(solution.rmsErrorMeters < 1e-6, `rms ${solution.rmsErrorMeters}`);
      let worst = 0;
      for (const p of grid) {
        const projected = projectPoint(solution.matrix, p.imageXy);
        assert.ok(projected, `point ${p.floorXy} projects`);
        worst = Math.max(worst, Math.hypot(projected[0] - p.floorXy[0], projected[1] - p.floorXy[1]));
      }
      assert.ok(worst < 1e-5, `worst error ${worst} m`);
      assert.ok(solution.warnings.some((w) => w.includes('exactly 4 pairs')));
    });

    test(`${camera.name}: least squares over 20 noisy pairs beats the 4-pair fit`, () => {
      const random = seededRandom(camera.frameWh[0]);
      const grid = visibleGrid(camera, 0.5);
      const noisy = (p: { floorXy: Xy; imageXy: Xy }): PointPair => ({ floorXy: p.floorXy, imageXy: [p.imageXy[0] + gaussian(random) * 1.5, p.imageXy[1] + gaussian(random) * 1.5] });
      const chosen = Array.from({ length: 20 }, (_, i) => grid[Math.floor((i * grid.length) / 20)]!);
      const many = solveHomography(chosen.map(noisy), { frameWh: camera.frameWh });
      const four = solveHomography(cornerPairs(grid, camera.frameWh).map(noisy), { frameWh: camera.frameWh });
      assert.equal(many.errorsMeters.length, 20);
      assert.ok(many.rmsErrorMeters > 0, 'noisy pairs leave a residual');
      const medianError = (m: Float64Array) => {
        const errors = grid.map((p) => {
          const q = projectPoint(m, p.imageXy)!;
          return Math.hypot(q[0] - p.floorXy[0], q[1] - p.floorXy[1]);
        }).sort((a, b) => a - b);
        return errors[errors.length >> 1]!;
      };
      const manyErr = medianError(many.matrix);
      const fourErr = medianError(four.matrix);
      assert.ok(manyErr < fourErr, `20 pairs ${manyErr.toFixed(4)} m vs 4 pairs ${fourErr.toFixed(4)} m`);
      assert.ok(manyErr < 0.1, `median error ${manyErr} m with 1.5 px noise`);
    });
  }

  test('the inverse maps floor points back to their pixels', () => {
    const camera = cameras[1]!;
    const grid = visibleGrid(camera);
    const solution = solveHomography(cornerPairs(grid, camera.frameWh));
    const inverse = invertHomography(solution.matrix)!;
    for (const p of grid.slice(0, 10)) {
      const back = projectPoint(inverse, p.floorXy)!;
      assert.ok(Math.hypot(back[0] - p.imageXy[0], back[1] - p.imageXy[1]) < 1e-4);
    }
  });

  test('a point beyond the horizon does not project', () => {
    const camera = cameras[2]!;
    const solution = solveHomography(cornerPairs(visibleGrid(camera), camera.frameWh));
    // Far above the horizon of a camera 2.5 m high tilted down: no floor point shows there.
    const horizonProbe = projectPoint(solution.matrix, [camera.frameWh[0] / 2, -5000]);
    assert.equal(horizonProbe, undefined);
  });

  test('a single wrong pair shows up as the largest per-point error', () => {
    const camera = cameras[0]!;
    const grid = visibleGrid(camera);
    const pairs = latticePairs(grid, camera.frameWh);
    pairs[5] = { imageXy: pairs[5]!.imageXy, floorXy: [pairs[5]!.floorXy[0] + 2, pairs[5]!.floorXy[1]] };
    const solution = solveHomography(pairs, { frameWh: camera.frameWh });
    const worst = solution.errorsMeters.indexOf(solution.maxErrorMeters);
    assert.equal(worst, 5);
    assert.ok(solution.maxErrorMeters > 0.5);
  });
});

describe('degenerate layouts', () => {
  const square: PointPair[] = [
    { imageXy: [100, 100], floorXy: [0, 0] },
    { imageXy: [500, 100], floorXy: [4, 0] },
    { imageXy: [500, 400], floorXy: [4, 3] },
    { imageXy: [100, 400], floorXy: [0, 3] },
  ];
  const cases: { name: string; pairs: PointPair[]; options?: { frameWh: Xy }; error?: RegExp; warning?: RegExp }[] = [
    { name: 'three pairs', pairs: square.slice(0, 3), error: /at least 4 point pairs, got 3/ },
    { name: 'three of four image points on one line', pairs: [square[0]!, square[1]!, { imageXy: [300, 100], floorXy: [4, 3] }, square[3]!], error: /do not determine a homography/ },
    { name: 'a repeated point', pairs: [square[0]!, square[0]!, square[1]!, square[2]!], error: /do not determine a homography/ },
    { name: 'a NaN coordinate', pairs: [...square.slice(0, 3), { imageXy: [Number.NaN, 1], floorXy: [0, 3] }], error: /pair 4 .*not a finite number/ },
    {
      name: 'five points, three collinear on the floor',
      pairs: [...square, { imageXy: [300, 110], floorXy: [2, 0] }],
      warning: /points 1, 2 and 5 are almost on one line in the floor plan/,
    },
    { name: 'points bunched in a corner of the frame', pairs: square.map((p) => ({ ...p, imageXy: [p.imageXy[0] / 10, p.imageXy[1] / 10] as Xy })), options: { frameWh: [1920, 1080] }, warning: /cover 0\.\d% of the frame/ },
    {
      name: 'two pairs swapped',
      pairs: [square[0]!, square[1]!, { imageXy: square[2]!.imageXy, floorXy: square[3]!.floorXy }, { imageXy: square[3]!.imageXy, floorXy: square[2]!.floorXy }, { imageXy: [200, 200], floorXy: [1, 1] }],
      warning: /not in the same order|beyond the horizon/,
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      if (c.error) {
        assert.throws(() => solveHomography(c.pairs, c.options), (err: unknown) => err instanceof HomographyError && c.error!.test(err.message));
      } else {
        const solution = solveHomography(c.pairs, c.options);
        assert.ok(solution.warnings.some((w) => c.warning!.test(w)), `warnings: ${solution.warnings.join(' | ')}`);
      }
    });
  }

  test('a well-spread 5-point layout gets no warning', () => {
    const solution = solveHomography([...square, { imageXy: [200, 200], floorXy: [1, 1] }], { frameWh: [600, 500] });
    assert.deepEqual(solution.warnings, []);
  });
});
