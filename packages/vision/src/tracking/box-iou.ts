// Pairwise IoU of boxes given as flat xyxy arrays (continuous coordinates, no +1 on widths, the
// convention of TrackEval and py-motmetrics).

/**
 * IoU of every box in `a` with every box in `b`, row-major `a.length/4 x b.length/4`.
 * @example iouMatrix(Float64Array.of(0, 0, 2, 2), Float64Array.of(1, 0, 3, 2))[0] // 1/3
 */
export function iouMatrix(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const n = a.length >> 2;
  const m = b.length >> 2;
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ax1 = a[i * 4]!;
    const ay1 = a[i * 4 + 1]!;
    const ax2 = a[i * 4 + 2]!;
    const ay2 = a[i * 4 + 3]!;
    const areaA = (ax2 - ax1) * (ay2 - ay1);
    for (let j = 0; j < m; j++) {
      const bx1 = b[j * 4]!;
      const by1 = b[j * 4 + 1]!;
      const bx2 = b[j * 4 + 2]!;
      const by2 = b[j * 4 + 3]!;
      const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const union = areaA + (bx2 - bx1) * (by2 - by1) - inter;
      out[i * m + j] = union > 0 ? inter / union : 0;
    }
  }
  return out;
}

/**
 * IoU of box `i` of `a` with box `j` of `b` (flat xyxy), computed exactly as `iouMatrix` does.
 * @example boxIou(Float64Array.of(0, 0, 2, 2), 0, Float64Array.of(1, 0, 3, 2), 0) // 1/3
 */
export function boxIou(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number): number {
  return boxIouAt(a, i * 4, b, j * 4);
}

/**
 * IoU of the xyxy box starting at offset `offsetA` of `a` with the one at `offsetB` of `b`, for
 * rows wider than four values (e.g. detections laid out x1, y1, x2, y2, score, class). The same
 * arithmetic as `iouMatrix` and `boxIou`; boxes with no positive overlap give 0.
 * @example boxIouAt(Float32Array.of(0, 0, 2, 2, 0.9, 0), 0, Float32Array.of(1, 0, 3, 2, 0.8, 0), 0) // 1/3
 */
export function boxIouAt(a: ArrayLike<number>, offsetA: number, b: ArrayLike<number>, offsetB: number): number {
  const ax1 = a[offsetA]!;
  const ay1 = a[offsetA + 1]!;
  const ax2 = a[offsetA + 2]!;
  const ay2 = a[offsetA + 3]!;
  const bx1 = b[offsetB]!;
  const by1 = b[offsetB + 1]!;
  const bx2 = b[offsetB + 2]!;
  const by2 = b[offsetB + 3]!;
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}
