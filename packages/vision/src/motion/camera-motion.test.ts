// Camera-motion estimation on a real photo (assets/samples.jpg of @vladmandic/human, decoded by
// ffmpeg) moved by known amounts: the second frame is the first seen through a camera that panned,
// rotated or zoomed, and some "people" patches of it move on their own.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { decodeImageRgb } from '@sightline/media';
import type { Frame } from '../frame.ts';
import { applyAffine, composeAffine, type Affine } from './affine.ts';
import { CameraMotionEstimator, ransacSimilarity } from './camera-motion.ts';

// npm workspaces install dependencies at the repository root.
const samples = fileURLToPath(new URL('../../../../node_modules/@vladmandic/human/assets/samples.jpg', import.meta.url));
let photo: Frame<'rgb24'>;

before(async () => {
  photo = await decodeImageRgb(samples);
});

/** A W x H view of the photo: view pixel p shows photo point `viewToPhoto(p)` (bilinear). */
function view(viewToPhoto: Affine, width = 480, height = 360): Frame<'rgb24'> {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [u, v] = applyAffine(viewToPhoto, x + 0.5, y + 0.5);
      const x0 = Math.min(photo.width - 2, Math.max(0, Math.floor(u - 0.5)));
      const y0 = Math.min(photo.height - 2, Math.max(0, Math.floor(v - 0.5)));
      const fx = Math.min(1, Math.max(0, u - 0.5 - x0));
      const fy = Math.min(1, Math.max(0, v - 0.5 - y0));
      for (let c = 0; c < 3; c++) {
        const p = (k: number, j: number): number => photo.data[((y0 + j) * photo.width + x0 + k) * 3 + c]!;
        data[(y * width + x) * 3 + c] = Math.round((p(0, 0) * (1 - fx) + p(1, 0) * fx) * (1 - fy) + (p(0, 1) * (1 - fx) + p(1, 1) * fx) * fy);
      }
    }
  }
  return { data, width, height, format: 'rgb24' };
}

/** Copies the photo's `source` rectangle [x, y, w, h] over `frame` at (x, y): a person who moved on their own. */
function pastePatch(frame: Frame<'rgb24'>, source: readonly [number, number, number, number], x: number, y: number): void {
  const [sx, sy, w, h] = source;
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) for (let c = 0; c < 3; c++) frame.data[((y + j) * frame.width + x + i) * 3 + c] = photo.data[((sy + j) * photo.width + sx + i) * 3 + c]!;
}

/** Inverse of a similarity/affine (for building the photo -> view maps). */
function invert(m: Affine): Affine {
  const det = m[0] * m[4] - m[1] * m[3];
  const a = m[4] / det;
  const b = -m[1] / det;
  const c = -m[3] / det;
  const d = m[0] / det;
  return [a, b, -(a * m[2] + b * m[5]), c, d, -(c * m[2] + d * m[5])];
}

/** Largest distance between where `got` and `want` take points spread over a 480x360 frame. */
function worstError(got: Affine, want: Affine): number {
  let worst = 0;
  for (const [x, y] of [[20, 20], [460, 20], [240, 180], [20, 340], [460, 340]] as const) {
    const [a, b] = applyAffine(got, x, y);
    const [c, d] = applyAffine(want, x, y);
    worst = Math.max(worst, Math.hypot(a - c, b - d));
  }
  return worst;
}

const cases: Array<{ name: string; motion: Affine }> = [
  { name: 'pan 7 px right, 3 px down (the scene moves left and up)', motion: [1, 0, -7, 0, 1, -3] },
  { name: 'fast pan 18 px left', motion: [1, 0, 18, 0, 1, 0] },
  { name: 'rotation 1.5 degrees with a drift', motion: rotation(1.5, 240, 180, 4, -2) },
  { name: 'zoom in 3% with a pan', motion: [1.03, 0, -7.2 - 5, 0, 1.03, -5.4 + 2] },
];

function rotation(degrees: number, cx: number, cy: number, tx: number, ty: number): Affine {
  const r = (degrees * Math.PI) / 180;
  const cos = Math.cos(r);
  const sin = Math.sin(r);
  return [cos, -sin, cx - cos * cx + sin * cy + tx, sin, cos, cy - sin * cx - cos * cy + ty];
}

for (const { name, motion } of cases) {
  test(`camera motion recovered within 0.5 px: ${name}`, () => {
    // Frame 1 shows the photo from (400, 300); frame 2 is frame 1 moved by `motion`.
    const firstToPhoto: Affine = [1, 0, 400, 0, 1, 300];
    const secondToPhoto = composeAffine(invert(motion), firstToPhoto);
    const cmc = new CameraMotionEstimator();
    assert.equal(cmc.estimate(view(firstToPhoto)).reliable, false, 'the first frame has no motion yet');
    const got = cmc.estimate(view(secondToPhoto));
    assert.ok(got.reliable, `estimate should be reliable (${got.inliers} of ${got.points} corners agreed)`);
    assert.ok(worstError(got.affine, motion) < 0.5, `estimated ${got.affine.map((v) => v.toFixed(3)).join(', ')} for ${motion.map((v) => v.toFixed(3)).join(', ')}`);
  });
}

test('people moving on their own do not pull the estimate, excluded by their boxes or not', () => {
  const motion: Affine = [1, 0, -6, 0, 1, 2];
  const firstToPhoto: Affine = [1, 0, 400, 0, 1, 300];
  const first = view(firstToPhoto);
  const second = view(composeAffine(invert(motion), firstToPhoto));
  // Three "people" walk against the pan: 80x160 patches that move +14 px right between the frames.
  const people: Array<[number, number]> = [[60, 120], [200, 100], [330, 150]];
  for (const [x, y] of people) {
    pastePatch(first, [100 + x, 40 + y, 80, 160], x, y);
    pastePatch(second, [100 + x, 40 + y, 80, 160], x + 14, y);
  }
  const boxesFirst = people.flatMap(([x, y]) => [x, y, x + 80, y + 160]);
  const boxesSecond = people.flatMap(([x, y]) => [x + 14, y, x + 94, y + 160]);
  for (const excluded of [true, false]) {
    const cmc = new CameraMotionEstimator();
    cmc.estimate(first, excluded ? boxesFirst : []);
    const got = cmc.estimate(second, excluded ? boxesSecond : []);
    assert.ok(got.reliable);
    assert.ok(worstError(got.affine, motion) < 0.5, `${excluded ? 'with' : 'without'} the boxes: estimated ${got.affine.map((v) => v.toFixed(3)).join(', ')}`);
  }
});

test('a still camera gives the identity; a frame of another size restarts the estimate', () => {
  const firstToPhoto: Affine = [1, 0, 400, 0, 1, 300];
  const cmc = new CameraMotionEstimator();
  cmc.estimate(view(firstToPhoto));
  const same = cmc.estimate(view(firstToPhoto));
  assert.ok(same.reliable);
  assert.ok(worstError(same.affine, [1, 0, 0, 0, 1, 0]) < 0.05, same.affine.join(', '));
  assert.equal(cmc.estimate(view(firstToPhoto, 320, 240)).reliable, false);
});

test('ransacSimilarity keeps the motion most pairs agree with, against 40% outliers', () => {
  const truth: Affine = [0.98, -0.05, 12, 0.05, 0.98, -4];
  const from: number[] = [];
  const to: number[] = [];
  let seed = 7;
  const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  for (let i = 0; i < 100; i++) {
    const x = random() * 480;
    const y = random() * 360;
    const [u, v] = applyAffine(truth, x, y);
    from.push(x, y);
    to.push(i % 5 < 2 ? u + 20 + random() * 30 : u + (random() - 0.5) * 0.2, i % 5 < 2 ? v - 10 : v + (random() - 0.5) * 0.2);
  }
  const fit = ransacSimilarity(from, to, 1, 200, random);
  assert.ok(fit);
  assert.ok(fit.inliers >= 58 && fit.inliers <= 60, `inliers ${fit.inliers}`);
  assert.ok(worstError(fit.affine, truth) < 0.1);
});
