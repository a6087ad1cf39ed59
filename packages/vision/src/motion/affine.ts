// A 2-D affine map of image points, as camera-motion compensation passes it from the motion
// estimate to the tracker: x' = a x + b y + tx, y' = c x + d y + ty, stored row-major
// [a, b, tx, c, d, ty] (OpenCV's 2x3 layout). Pixel coordinates with (0, 0) at the top-left
// corner of the first pixel, the convention of boxes (xyxy).

/** A 2x3 affine matrix, row-major: `[a, b, tx, c, d, ty]`. */
export type Affine = readonly [number, number, number, number, number, number];

/** The map that leaves every point where it is. */
export const IDENTITY_AFFINE: Affine = Object.freeze([1, 0, 0, 0, 1, 0]) as Affine;

/**
 * Where `m` takes the point (x, y).
 * @example applyAffine([1, 0, 5, 0, 1, -2], 10, 10) // [15, 8]
 */
export function applyAffine(m: Affine, x: number, y: number): [number, number] {
  return [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
}

/**
 * `second` after `first` (first maps frame k to k+1, second k+1 to k+2: the result maps k to k+2).
 * @example composeAffine([1, 0, 2, 0, 1, 0], [1, 0, 3, 0, 1, 0]) // [1, 0, 5, 0, 1, 0]
 */
export function composeAffine(first: Affine, second: Affine): Affine {
  const [a, b, tx, c, d, ty] = second;
  return [a * first[0] + b * first[3], a * first[1] + b * first[4], a * first[2] + b * first[5] + tx, c * first[0] + d * first[3], c * first[1] + d * first[4], c * first[2] + d * first[5] + ty];
}

/** How much `m` stretches the x and the y axis (lengths of its linear part's columns). */
export function axisScales(m: Affine): [number, number] {
  return [Math.hypot(m[0], m[3]), Math.hypot(m[1], m[4])];
}

/**
 * The box `xyxy[offset..offset+4]` carried by `m`, written to `out` at `outOffset`: its centre goes
 * where `m` takes it and its width and height scale by `m`'s axis scales (a box stays upright).
 */
export function warpBox(m: Affine, xyxy: ArrayLike<number>, offset: number, out: Float64Array, outOffset = 0): void {
  const [sx, sy] = axisScales(m);
  const [cx, cy] = applyAffine(m, (xyxy[offset]! + xyxy[offset + 2]!) / 2, (xyxy[offset + 1]! + xyxy[offset + 3]!) / 2);
  const hw = ((xyxy[offset + 2]! - xyxy[offset]!) * sx) / 2;
  const hh = ((xyxy[offset + 3]! - xyxy[offset + 1]!) * sy) / 2;
  out[outOffset] = cx - hw;
  out[outOffset + 1] = cy - hh;
  out[outOffset + 2] = cx + hw;
  out[outOffset + 3] = cy + hh;
}

/** True when `m` is the identity within `tolerance` (pixels of translation, and of the linear part). */
export function isIdentityAffine(m: Affine, tolerance = 1e-9): boolean {
  return Math.abs(m[0] - 1) <= tolerance && Math.abs(m[1]) <= tolerance && Math.abs(m[2]) <= tolerance && Math.abs(m[3]) <= tolerance && Math.abs(m[4] - 1) <= tolerance && Math.abs(m[5]) <= tolerance;
}
