// Gating for association: only boxes that overlap can ever be matched (IoU > 0), and in a crowd a
// box overlaps a handful of others, so the n x m IoU matrix is almost all zeros. A sort-and-sweep
// over x finds the overlapping pairs in O((n + m) log m + pairs) instead of O(n m), and writes them
// into reusable typed arrays (no per-pair objects). The IoU values are computed exactly as
// `iouMatrix` computes them, so a gated tracker makes the same decisions as a dense one.

/** Sparse list of box pairs (row in `a`, column in `b`) with a value each; arrays grow and are reused. */
export class BoxPairs {
  rows = new Int32Array(64);
  cols = new Int32Array(64);
  /** IoU of each pair on return from `overlapPairs`; callers may overwrite it with a cost. */
  values = new Float64Array(64);
  count = 0;

  /** Appends one pair, growing the arrays when full. */
  push(row: number, col: number, value: number): void {
    if (this.count === this.rows.length) this.grow();
    this.rows[this.count] = row;
    this.cols[this.count] = col;
    this.values[this.count] = value;
    this.count++;
  }

  private grow(): void {
    const size = this.rows.length * 2;
    const rows = new Int32Array(size);
    const cols = new Int32Array(size);
    const values = new Float64Array(size);
    rows.set(this.rows);
    cols.set(this.cols);
    values.set(this.values);
    this.rows = rows;
    this.cols = cols;
    this.values = values;
  }
}

let order = new Int32Array(64);
let startX = new Float64Array(64);

/**
 * Every pair of boxes (one of `a`, one of `b`, flat xyxy) with positive intersection, and its IoU,
 * ordered by row then column. The result is `out` (cleared first) or a new `BoxPairs`.
 * @example overlapPairs(Float64Array.of(0, 0, 2, 2), Float64Array.of(1, 0, 3, 2, 5, 5, 6, 6)).count // 1
 */
export function overlapPairs(a: ArrayLike<number>, b: ArrayLike<number>, out: BoxPairs = new BoxPairs()): BoxPairs {
  out.count = 0;
  const n = a.length >> 2;
  const m = b.length >> 2;
  if (n === 0 || m === 0) return out;
  if (order.length < m) {
    order = new Int32Array(m * 2);
    startX = new Float64Array(m * 2);
  }
  // b sorted by x1; a box of b can only reach back maxWidth from its x1.
  // Empty or NaN boxes of b overlap nothing and stay out of the sweep.
  let maxWidth = 0;
  let live = 0;
  for (let j = 0; j < m; j++) {
    const w = b[j * 4 + 2]! - b[j * 4]!;
    if (!(w > 0) || !(b[j * 4 + 3]! - b[j * 4 + 1]! > 0)) continue;
    order[live++] = j;
    if (w > maxWidth) maxWidth = w;
  }
  const sorted = order.subarray(0, live).sort((p, q) => b[p * 4]! - b[q * 4]! || p - q);
  for (let k = 0; k < live; k++) startX[k] = b[sorted[k]! * 4]!;
  for (let i = 0; i < n; i++) {
    const ax1 = a[i * 4]!;
    const ay1 = a[i * 4 + 1]!;
    const ax2 = a[i * 4 + 2]!;
    const ay2 = a[i * 4 + 3]!;
    if (!(ax2 > ax1) || !(ay2 > ay1)) continue; // empty or NaN box: overlaps nothing
    const areaA = (ax2 - ax1) * (ay2 - ay1);
    // First k with startX[k] > ax1 - maxWidth (anything earlier ends before ax1).
    let lo = 0;
    let hi = live;
    const from = ax1 - maxWidth;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (startX[mid]! > from) hi = mid;
      else lo = mid + 1;
    }
    const first = out.count;
    for (let k = lo; k < live && startX[k]! < ax2; k++) {
      const j = sorted[k]!;
      const bx1 = b[j * 4]!;
      const by1 = b[j * 4 + 1]!;
      const bx2 = b[j * 4 + 2]!;
      const by2 = b[j * 4 + 3]!;
      const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
      if (!(iw > 0)) continue;
      const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
      if (!(ih > 0)) continue;
      const inter = iw * ih;
      const union = areaA + (bx2 - bx1) * (by2 - by1) - inter;
      out.push(i, j, union > 0 ? inter / union : 0);
    }
    sortColumns(out, first, out.count);
  }
  return out;
}

/** Insertion sort of one row's pairs by column (a row holds a few pairs). */
function sortColumns(p: BoxPairs, from: number, to: number): void {
  for (let k = from + 1; k < to; k++) {
    const c = p.cols[k]!;
    const v = p.values[k]!;
    let q = k - 1;
    while (q >= from && p.cols[q]! > c) {
      p.cols[q + 1] = p.cols[q]!;
      p.values[q + 1] = p.values[q]!;
      q--;
    }
    p.cols[q + 1] = c;
    p.values[q + 1] = v;
  }
}
