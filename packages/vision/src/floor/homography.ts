import { invert3, multiply3, solveLinear, symmetricEigen } from './linear-algebra.ts';

/** A 2-D point `[x, y]`. */
export type Xy = readonly [number, number];

/** One calibration correspondence: a pixel of the camera frame and the floor point (metres) it shows. */
export interface PointPair {
  readonly imageXy: Xy;
  readonly floorXy: Xy;
}

/** A solved image -> floor homography with how well it fits its own points. */
export interface HomographySolution {
  /** Row-major 3x3, image pixels -> floor metres, scaled so |h[8]| = 1 and w > 0 on the calibration points. */
  readonly matrix: Float64Array;
  /** Per pair: distance in floor units between the projected image point and its floor point. */
  readonly errorsMeters: readonly number[];
  readonly rmsErrorMeters: number;
  readonly maxErrorMeters: number;
  /** Layout problems worth fixing (collinear points, small spread, inconsistent pairing...). */
  readonly warnings: readonly string[];
}

/** The point pairs cannot give a homography; the message says why and what to change. */
export class HomographyError extends Error {
  override readonly name = 'HomographyError';
}

/** Hartley normalisation: centroid to the origin, mean distance sqrt(2). Returns the 3x3 transform. */
function normaliser(points: readonly Xy[]): Float64Array {
  const n = points.length;
  const cx = points.reduce((s, p) => s + p[0], 0) / n;
  const cy = points.reduce((s, p) => s + p[1], 0) / n;
  const meanDist = points.reduce((s, p) => s + Math.hypot(p[0] - cx, p[1] - cy), 0) / n;
  const k = meanDist > 0 ? Math.SQRT2 / meanDist : 1;
  return Float64Array.from([k, 0, -k * cx, 0, k, -k * cy, 0, 0, 1]);
}

function apply(m: ArrayLike<number>, p: Xy): [number, number, number] {
  const w = m[6]! * p[0] + m[7]! * p[1] + m[8]!;
  return [(m[0]! * p[0] + m[1]! * p[1] + m[2]!) / w, (m[3]! * p[0] + m[4]! * p[1] + m[5]!) / w, w];
}

/**
 * Projects one image point through a homography. Undefined for a point on or beyond the horizon
 * (w <= 0 with the solver's sign convention), which has no place on the floor.
 * @example projectPoint(solution.matrix, [320, 470]) // -> [4.2, 7.9] metres
 */
export function projectPoint(matrix: ArrayLike<number>, xy: Xy): [number, number] | undefined {
  const [x, y, w] = apply(matrix, xy);
  return w > 1e-12 && Number.isFinite(x) && Number.isFinite(y) ? [x, y] : undefined;
}

/** The inverse homography (floor -> image), scaled so h[8] = 1; undefined when singular. */
export function invertHomography(matrix: ArrayLike<number>): Float64Array | undefined {
  const inv = invert3(matrix);
  if (!inv || Math.abs(inv[8]!) < 1e-15) return inv;
  const s = inv[8]!;
  return inv.map((v) => v / s);
}

/** Normalised DLT: the algebraic least-squares homography (exact for 4 pairs). */
function directLinearTransform(pairs: readonly PointPair[]): { matrix: Float64Array; conditioning: number; determinant: number } {
  const tImg = normaliser(pairs.map((p) => p.imageXy));
  const tFloor = normaliser(pairs.map((p) => p.floorXy));
  const ata = new Float64Array(81);
  for (const pair of pairs) {
    const [x, y] = apply(tImg, pair.imageXy);
    const [u, v] = apply(tFloor, pair.floorXy);
    const rows = [
      [x, y, 1, 0, 0, 0, -u * x, -u * y, -u],
      [0, 0, 0, x, y, 1, -v * x, -v * y, -v],
    ];
    for (const r of rows) for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) ata[i * 9 + j] = ata[i * 9 + j]! + r[i]! * r[j]!;
  }
  const { values, vectors } = symmetricEigen(ata, 9);
  // The null vector's eigenvalue is ~0; a second one near 0 means the points leave the solution free.
  const conditioning = values[1]! / Math.max(values[8]!, 1e-300);
  const hn = vectors[0]!;
  const matrix = multiply3(multiply3(invert3(tFloor)!, hn), tImg);
  // hn has unit norm, so its determinant is comparable across inputs: ~0 means a rank-deficient fit
  // (e.g. 3 collinear image points sent to a triangle), which maps the frame onto a line.
  const determinant = hn[0]! * (hn[4]! * hn[8]! - hn[5]! * hn[7]!) - hn[1]! * (hn[3]! * hn[8]! - hn[5]! * hn[6]!) + hn[2]! * (hn[3]! * hn[7]! - hn[4]! * hn[6]!);
  return { matrix, conditioning, determinant };
}

/** Gauss-Newton (Levenberg-damped) on the 8 free entries, minimising squared floor-space error. */
function refine(matrix: Float64Array, pairs: readonly PointPair[]): Float64Array {
  let h = matrix.map((v) => v / matrix[8]!);
  const cost = (m: Float64Array) => pairs.reduce((s, p) => {
    const [x, y] = apply(m, p.imageXy);
    return s + (x - p.floorXy[0]) ** 2 + (y - p.floorXy[1]) ** 2;
  }, 0);
  let current = cost(h);
  let lambda = 1e-3;
  for (let iter = 0; iter < 50 && current > 1e-20; iter++) {
    const jtj = new Float64Array(64);
    const jtr = new Float64Array(8);
    for (const p of pairs) {
      const [px, py] = p.imageXy;
      const w = h[6]! * px + h[7]! * py + 1;
      const fx = (h[0]! * px + h[1]! * py + h[2]!) / w;
      const fy = (h[3]! * px + h[4]! * py + h[5]!) / w;
      const jx = [px / w, py / w, 1 / w, 0, 0, 0, (-fx * px) / w, (-fx * py) / w];
      const jy = [0, 0, 0, px / w, py / w, 1 / w, (-fy * px) / w, (-fy * py) / w];
      const rx = fx - p.floorXy[0];
      const ry = fy - p.floorXy[1];
      for (let i = 0; i < 8; i++) {
        jtr[i] = jtr[i]! + jx[i]! * rx + jy[i]! * ry;
        for (let j = 0; j < 8; j++) jtj[i * 8 + j] = jtj[i * 8 + j]! + jx[i]! * jx[j]! + jy[i]! * jy[j]!;
      }
    }
    let improved = false;
    for (let attempt = 0; attempt < 10 && !improved; attempt++) {
      const damped = Float64Array.from(jtj);
      for (let i = 0; i < 8; i++) damped[i * 8 + i] = damped[i * 8 + i]! * (1 + lambda) + 1e-18;
      const step = solveLinear(damped, jtr.map((v) => -v), 8);
      if (!step) break;
      const next = Float64Array.from(h);
      for (let i = 0; i < 8; i++) next[i] = next[i]! + step[i]!;
      const nextCost = cost(next);
      if (nextCost < current) {
        const gain = current - nextCost;
        h = next;
        current = nextCost;
        lambda = Math.max(lambda / 10, 1e-12);
        if (gain <= 1e-12 * (current + gain)) return h;
        improved = true;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  return h;
}

function orientation(a: Xy, b: Xy, c: Xy): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** Twice the area of the convex hull of the points (monotone chain). */
function hullArea(points: readonly Xy[]): number {
  const pts = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (pts.length < 3) return 0;
  const half = (list: Xy[]) => {
    const out: Xy[] = [];
    for (const p of list) {
      while (out.length >= 2 && orientation(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  const hull = [...half(pts), ...half([...pts].reverse())];
  let area = 0;
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return Math.abs(area);
}

function layoutWarnings(pairs: readonly PointPair[], frameWh?: Xy): string[] {
  const warnings: string[] = [];
  const n = pairs.length;
  const collinear = (pts: readonly Xy[], label: string) => {
    const extent = Math.max(...pts.map((p) => Math.hypot(p[0] - pts[0]![0], p[1] - pts[0]![1])), 1e-9);
    for (let i = 0; i < n; i++)
      for (let j = i + 1; j < n; j++)
        for (let k = j + 1; k < n; k++) {
          // |cross| / |longest side| is the height of the triangle: near zero means one line.
          const sides = Math.max(Math.hypot(pts[j]![0] - pts[i]![0], pts[j]![1] - pts[i]![1]), Math.hypot(pts[k]![0] - pts[i]![0], pts[k]![1] - pts[i]![1]), 1e-12);
          if (Math.abs(orientation(pts[i]!, pts[j]!, pts[k]!)) / sides < 0.01 * extent) {
            warnings.push(`points ${i + 1}, ${j + 1} and ${k + 1} are almost on one line in the ${label}: spread the points out`);
            return;
          }
        }
  };
  collinear(pairs.map((p) => p.imageXy), 'camera frame');
  collinear(pairs.map((p) => p.floorXy), 'floor plan');
  let positive = 0;
  let negative = 0;
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++)
      for (let k = j + 1; k < n; k++) {
        const s = Math.sign(orientation(pairs[i]!.imageXy, pairs[j]!.imageXy, pairs[k]!.imageXy)) * Math.sign(orientation(pairs[i]!.floorXy, pairs[j]!.floorXy, pairs[k]!.floorXy));
        if (s > 0) positive++;
        else if (s < 0) negative++;
      }
  if (positive > 0 && negative > 0) warnings.push('the points are not in the same order on the floor as in the frame: a pair is probably mismatched');
  if (frameWh) {
    const share = hullArea(pairs.map((p) => p.imageXy)) / 2 / (frameWh[0] * frameWh[1]);
    if (share < 0.1) warnings.push(`the points cover ${(share * 100).toFixed(1)}% of the frame: positions far from them will be inaccurate; add points near the frame edges`);
  }
  if (n === 4) warnings.push('with exactly 4 pairs the fit is exact, so the errors cannot reveal a wrong click: add a 5th pair to check it');
  return warnings;
}

/**
 * Solves the image -> floor homography from at least 4 point pairs: normalised DLT, then, for more
 * than 4 pairs, least squares on the floor-space error. Throws {@link HomographyError} when the
 * pairs cannot determine one; returns per-point errors and layout warnings otherwise.
 * @example const h = solveHomography([{ imageXy: [0, 480], floorXy: [0, 0] }, ...three more]);
 */
export function solveHomography(pairs: readonly PointPair[], options: { frameWh?: Xy } = {}): HomographySolution {
  if (pairs.length < 4) throw new HomographyError(`a homography needs at least 4 point pairs, got ${pairs.length}: click more points`);
  for (const [i, p] of pairs.entries()) {
    if (![...p.imageXy, ...p.floorXy].every(Number.isFinite)) throw new HomographyError(`point pair ${i + 1} has a coordinate that is not a finite number`);
  }
  const { matrix: dlt, conditioning, determinant } = directLinearTransform(pairs);
  if (!(conditioning > 1e-10) || !(Math.abs(determinant) > 1e-6) || !Number.isFinite(dlt[8]!) || Math.abs(dlt[8]!) < 1e-15) {
    throw new HomographyError('the points do not determine a homography (duplicates, or 3 of 4 on one line): move them to 4 well-spread spots, no 3 in a line');
  }
  let matrix: Float64Array = dlt.map((v) => v / dlt[8]!);
  if (pairs.length > 4) matrix = refine(matrix, pairs);
  // Sign convention: w > 0 on the calibration points, so projectPoint can reject the far side of the horizon.
  const wSigns = pairs.map((p) => Math.sign(apply(matrix, p.imageXy)[2]));
  const warnings = layoutWarnings(pairs, options.frameWh);
  if (wSigns.some((s) => s <= 0)) {
    if (wSigns.every((s) => s <= 0)) matrix = matrix.map((v) => -v);
    else warnings.unshift('the fit puts some points beyond the horizon: at least one pair is wrong');
  }
  const errorsMeters = pairs.map((p) => {
    const [x, y] = apply(matrix, p.imageXy);
    return Math.hypot(x - p.floorXy[0], y - p.floorXy[1]);
  });
  return {
    matrix,
    errorsMeters,
    rmsErrorMeters: Math.sqrt(errorsMeters.reduce((s, e) => s + e * e, 0) / errorsMeters.length),
    maxErrorMeters: Math.max(...errorsMeters),
    warnings,
  };
}
