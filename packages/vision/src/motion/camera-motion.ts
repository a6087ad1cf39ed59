// Global (camera) motion between consecutive frames, for camera-motion compensation in the tracker,
// as BoT-SORT's GMC ("sparseOptFlow"): corners of the previous frame outside the detected people,
// followed into the current frame by pyramidal Lucas-Kanade optical flow, and a similarity
// transform (translation, rotation, uniform zoom) fitted to the moved corners by RANSAC, so that
// the people walking and the corners flow lost are outliers.
//
// Written here rather than taken from npm: OpenCV's JavaScript builds (@techstark/opencv-js,
// opencv-wasm, mirada) load the whole of OpenCV compiled to WebAssembly (megabytes, started
// asynchronously) into every process that tracks, for the four functions this needs, and jsfeat
// (0.0.8, which has the same pieces) is a pre-1.0 browser script without types. This file and
// gray-pyramid.ts are a few hundred lines of typed arrays and cost about 3 ms a 480x360 frame
// (packages/cli/bench/camera-motion.bench.ts prints it beside CenterNet's time).
import type { Frame } from '../frame.ts';
import { IDENTITY_AFFINE, type Affine } from './affine.ts';
import { buildPyramid, downscaleGray, gridCorners, type PyramidLevel } from './gray-pyramid.ts';

export interface CameraMotionOptions {
  /** The frame is averaged down by a whole factor until its longer side is at most this (default 320). */
  maxSide?: number;
  /** Pyramid levels for optical flow (default 3: follows motion up to ~30 px of the small image). */
  levels?: number;
  /** Grid cell (small-image pixels) that gives at most one corner (default 16: about 150 corners at 320x240). */
  cell?: number;
  /** RANSAC inlier distance in frame pixels (default 1.5 small-image pixels, scaled). */
  inlierPx?: number;
  /** Fewer inliers than this and the motion is reported as unknown (identity) (default 12). */
  minInliers?: number;
}

/** The motion estimated between two frames. */
export interface CameraMotion {
  /** Maps a point of the previous frame to where it is in this one (frame pixels); identity when unknown. */
  readonly affine: Affine;
  /** Corners followed from the previous frame, and how many agreed with the motion. */
  readonly points: number;
  readonly inliers: number;
  /** False on the first frame, after a change of size, and when too few corners agreed. */
  readonly reliable: boolean;
}

const UNKNOWN = (points = 0, inliers = 0): CameraMotion => ({ affine: IDENTITY_AFFINE, points, inliers, reliable: false });
const RADIUS = 4;
const ITERATIONS = 12;

/**
 * Estimates each frame's camera motion from the frame before: `estimate(frame, boxes)` per frame, in
 * order, `boxes` the people detected in it (flat xyxy) so their pixels are not used as background.
 * @example const cmc = new CameraMotionEstimator(); const { affine } = cmc.estimate(frame, dets.xyxy); tracker.compensate(affine);
 */
export class CameraMotionEstimator {
  private readonly o: Required<CameraMotionOptions>;
  private previous: { pyramid: PyramidLevel[]; corners: Float64Array; width: number; height: number } | undefined;
  private seed = 1;

  constructor(options: CameraMotionOptions = {}) {
    this.o = { maxSide: options.maxSide ?? 320, levels: options.levels ?? 3, cell: options.cell ?? 16, inlierPx: options.inlierPx ?? Number.NaN, minInliers: options.minInliers ?? 12 };
  }

  /** Forgets the previous frame (the next estimate is unknown). */
  reset(): void {
    this.previous = undefined;
  }

  /** The motion from the previous frame to `frame`; `exclude`: boxes (flat xyxy, frame pixels) whose pixels are not background. */
  estimate(frame: Frame, exclude: ArrayLike<number> = []): CameraMotion {
    const factor = Math.max(1, Math.ceil(Math.max(frame.width, frame.height) / this.o.maxSide));
    const pyramid = buildPyramid(downscaleGray(frame, factor), this.o.levels);
    // Corners are picked on the half-size level (a quarter of the work; any textured point serves
    // optical flow) and followed from their full-resolution position.
    const cornerLevel = pyramid.length > 1 ? 1 : 0;
    const cs = 1 << cornerLevel;
    const allowed = (x: number, y: number): boolean => {
      // A pixel i of the level covers frame pixels [cs*factor*i, cs*factor*(i+1)).
      const fx = cs * factor * (x + 0.5);
      const fy = cs * factor * (y + 0.5);
      for (let k = 0; k + 3 < exclude.length; k += 4) if (fx >= exclude[k]! && fx <= exclude[k + 2]! && fy >= exclude[k + 1]! && fy <= exclude[k + 3]!) return false;
      return true;
    };
    const corners = gridCorners(pyramid[cornerLevel]!, Math.max(4, Math.round(this.o.cell / cs)), Math.ceil((RADIUS + 2) / cs), 0.01, allowed);
    for (let k = 0; k < corners.length; k++) corners[k] = cs * (corners[k]! + 0.5) - 0.5;
    const prev = this.previous;
    this.previous = { pyramid, corners, width: frame.width, height: frame.height };
    if (!prev || prev.width !== frame.width || prev.height !== frame.height) return UNKNOWN();

    const from: number[] = [];
    const to: number[] = [];
    const flow = new Float64Array(2);
    for (let k = 0; k < prev.corners.length; k += 2) {
      const x = prev.corners[k]!;
      const y = prev.corners[k + 1]!;
      if (!trackPoint(prev.pyramid, pyramid, x, y, flow)) continue;
      from.push(factor * (x + 0.5), factor * (y + 0.5));
      to.push(factor * (x + flow[0]! + 0.5), factor * (y + flow[1]! + 0.5));
    }
    const points = from.length / 2;
    const threshold = Number.isNaN(this.o.inlierPx) ? 1.5 * factor : this.o.inlierPx;
    const fit = ransacSimilarity(from, to, threshold, 200, () => this.random());
    if (!fit || fit.inliers < this.o.minInliers) return UNKNOWN(points, fit?.inliers ?? 0);
    return { affine: fit.affine, points, inliers: fit.inliers, reliable: true };
  }

  /** A fixed pseudo-random sequence (Park-Miller), so that runs repeat exactly. */
  private random(): number {
    this.seed = (this.seed * 48271) % 2147483647;
    return this.seed / 2147483647;
  }
}

/**
 * Pyramidal Lucas-Kanade (Bouguet): the displacement of the small-image point (x, y) from `prev` to
 * `next`, coarse to fine over a (2*RADIUS+1)^2 window. False when the window has no texture to
 * follow or the point leaves the image.
 */
function trackPoint(prev: PyramidLevel[], next: PyramidLevel[], x: number, y: number, out: Float64Array): boolean {
  const levels = Math.min(prev.length, next.length);
  let gx = 0;
  let gy = 0;
  const { tpl, ix, iy, cur } = scratch;
  const n = tpl.length;
  for (let l = levels - 1; l >= 0; l--) {
    const p = prev[l]!;
    const q = next[l]!;
    const scale = 1 / (1 << l);
    const px = (x + 0.5) * scale - 0.5;
    const py = (y + 0.5) * scale - 0.5;
    if (px < RADIUS + 1 || py < RADIUS + 1 || px > p.width - RADIUS - 2 || py > p.height - RADIUS - 2) {
      if (l === 0) return false;
      gx *= 2;
      gy *= 2;
      continue;
    }
    sampleWindow(p.data, p.width, px, py, tpl);
    sampleWindow(p.gx, p.width, px, py, ix);
    sampleWindow(p.gy, p.width, px, py, iy);
    let a = 0;
    let b = 0;
    let c = 0;
    for (let k = 0; k < n; k++) {
      a += ix[k]! * ix[k]!;
      b += ix[k]! * iy[k]!;
      c += iy[k]! * iy[k]!;
    }
    const det = a * c - b * b;
    const minEig = (a + c) / 2 - Math.sqrt(((a - c) / 2) ** 2 + b * b);
    if (minEig / n < 1e-2 || det <= 0) return false;
    let vx = 0;
    let vy = 0;
    for (let it = 0; it < ITERATIONS; it++) {
      const qx = px + gx + vx;
      const qy = py + gy + vy;
      if (qx < RADIUS || qy < RADIUS || qx > q.width - RADIUS - 1.001 || qy > q.height - RADIUS - 1.001) return false;
      sampleWindow(q.data, q.width, qx, qy, cur);
      let bx = 0;
      let by = 0;
      for (let k = 0; k < n; k++) {
        const diff = tpl[k]! - cur[k]!;
        bx += diff * ix[k]!;
        by += diff * iy[k]!;
      }
      const ex = (c * bx - b * by) / det;
      const ey = (a * by - b * bx) / det;
      vx += ex;
      vy += ey;
      if (ex * ex + ey * ey < 1e-3) break;
    }
    gx = l > 0 ? 2 * (gx + vx) : gx + vx;
    gy = l > 0 ? 2 * (gy + vy) : gy + vy;
  }
  out[0] = gx;
  out[1] = gy;
  return true;
}

const WINDOW = (2 * RADIUS + 1) ** 2;
const scratch = { tpl: new Float32Array(WINDOW), ix: new Float32Array(WINDOW), iy: new Float32Array(WINDOW), cur: new Float32Array(WINDOW) };

/** The (2*RADIUS+1)^2 window of `data` centred on (x, y), bilinear: every pixel of it has the same fractional offset, so one set of weights. */
function sampleWindow(data: Float32Array, width: number, x: number, y: number, out: Float32Array): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const w00 = (1 - fx) * (1 - fy);
  const w01 = fx * (1 - fy);
  const w10 = (1 - fx) * fy;
  const w11 = fx * fy;
  let k = 0;
  for (let dy = -RADIUS; dy <= RADIUS; dy++) {
    let i = (y0 + dy) * width + x0 - RADIUS;
    for (let dx = -RADIUS; dx <= RADIUS; dx++, i++, k++) out[k] = w00 * data[i]! + w01 * data[i + 1]! + w10 * data[i + width]! + w11 * data[i + width + 1]!;
  }
}

/**
 * The similarity x' = a x - b y + tx, y' = b x + a y + ty that most point pairs agree with (within
 * `threshold`), from `rounds` random pairs, refitted by least squares on its inliers.
 */
export function ransacSimilarity(from: readonly number[], to: readonly number[], threshold: number, rounds: number, random: () => number): { affine: Affine; inliers: number } | undefined {
  const n = from.length / 2;
  if (n < 2) return undefined;
  const t2 = threshold * threshold;
  const count = (m: Affine, mark?: Uint8Array): number => {
    let inliers = 0;
    for (let i = 0; i < n; i++) {
      const x = from[2 * i]!;
      const y = from[2 * i + 1]!;
      const ok = (m[0] * x + m[1] * y + m[2] - to[2 * i]!) ** 2 + (m[3] * x + m[4] * y + m[5] - to[2 * i + 1]!) ** 2 <= t2;
      if (mark) mark[i] = ok ? 1 : 0;
      if (ok) inliers++;
    }
    return inliers;
  };
  let best: Affine | undefined;
  let bestCount = 0;
  for (let r = 0; r < rounds; r++) {
    const i = Math.floor(random() * n);
    const j = Math.floor(random() * n);
    if (i === j) continue;
    const m = similarityFrom2(from[2 * i]!, from[2 * i + 1]!, from[2 * j]!, from[2 * j + 1]!, to[2 * i]!, to[2 * i + 1]!, to[2 * j]!, to[2 * j + 1]!);
    if (!m) continue;
    const c = count(m);
    if (c > bestCount) {
      bestCount = c;
      best = m;
    }
  }
  if (!best) return undefined;
  // Two refits: the least-squares fit on the inliers, then again on the inliers of that fit.
  const mark = new Uint8Array(n);
  for (let pass = 0; pass < 2; pass++) {
    count(best, mark);
    best = leastSquaresSimilarity(from, to, mark) ?? best;
  }
  return { affine: best, inliers: count(best) };
}

function similarityFrom2(x1: number, y1: number, x2: number, y2: number, u1: number, v1: number, u2: number, v2: number): Affine | undefined {
  // As complex numbers: z' = alpha z + beta with alpha = (z2' - z1') / (z2 - z1).
  const dx = x2 - x1;
  const dy = y2 - y1;
  const d2 = dx * dx + dy * dy;
  if (d2 < 1) return undefined;
  const du = u2 - u1;
  const dv = v2 - v1;
  const a = (du * dx + dv * dy) / d2;
  const b = (dv * dx - du * dy) / d2;
  return [a, -b, u1 - a * x1 + b * y1, b, a, v1 - b * x1 - a * y1];
}

function leastSquaresSimilarity(from: readonly number[], to: readonly number[], mark: Uint8Array): Affine | undefined {
  let n = 0;
  let mx = 0;
  let my = 0;
  let mu = 0;
  let mv = 0;
  for (let i = 0; i < mark.length; i++) {
    if (!mark[i]) continue;
    n++;
    mx += from[2 * i]!;
    my += from[2 * i + 1]!;
    mu += to[2 * i]!;
    mv += to[2 * i + 1]!;
  }
  if (n < 2) return undefined;
  mx /= n;
  my /= n;
  mu /= n;
  mv /= n;
  let sxx = 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < mark.length; i++) {
    if (!mark[i]) continue;
    const x = from[2 * i]! - mx;
    const y = from[2 * i + 1]! - my;
    const u = to[2 * i]! - mu;
    const v = to[2 * i + 1]! - mv;
    sxx += x * x + y * y;
    sa += x * u + y * v;
    sb += x * v - y * u;
  }
  if (sxx <= 0) return undefined;
  const a = sa / sxx;
  const b = sb / sxx;
  return [a, -b, mu - a * mx + b * my, b, a, mv - b * mx - a * my];
}
