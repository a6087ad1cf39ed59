// Exact linear assignment. The core is the shortest-augmenting-path method with dual potentials
// (the augmentation phase of Jonker-Volgenant's LAPJV): each row is added by a Dijkstra-like search
// over reduced costs, so the result is a true minimum, not a greedy approximation.
// Tracking cost matrices are sparse in practice (a box overlaps a handful of others), so
// `assignBelowLimit` splits the problem into connected components and solves each one densely:
// exact for its objective, and near-linear for 1000 scattered objects. `assignPairsBelowLimit` does
// the same from a sparse pair list (see box-overlap.ts), never touching the n x m matrix.
import type { BoxPairs } from './box-overlap.ts';

/** Row -> column for an `n x m` row-major cost matrix; every row is assigned when n <= m. */
export function solveDense(cost: Float64Array, n: number, m: number): Int32Array {
  if (cost.length !== n * m) throw new RangeError(`solveDense: cost holds ${cost.length} values, expected ${n}x${m}`);
  if (n === 0 || m === 0) return new Int32Array(n).fill(-1);
  if (n > m) {
    const t = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) t[j * n + i] = cost[i * m + j]!;
    const colToRow = solveDense(t, m, n);
    const rowToCol = new Int32Array(n).fill(-1);
    colToRow.forEach((row, col) => {
      if (row >= 0) rowToCol[row] = col;
    });
    return rowToCol;
  }
  // 1-based arrays: index 0 is the virtual column that starts each augmenting path.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j]: row assigned to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0]!;
      const rowBase = (i0 - 1) * m - 1;
      const ui0 = u[i0]!;
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = cost[rowBase + j]! - ui0 - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      if (!Number.isFinite(delta)) throw new RangeError('solveDense: costs must be finite numbers');
      for (let j = 0; j <= m; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else {
          minv[j] = minv[j]! - delta;
        }
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n).fill(-1);
  for (let j = 1; j <= m; j++) if (p[j]! > 0) rowToCol[p[j]! - 1] = j - 1;
  return rowToCol;
}

/**
 * Pairs (row, col) minimising the total of `cost - limit` over chosen pairs, using only pairs with
 * `cost < limit`. Leaving a row or column unmatched costs nothing, so a pair is taken only when it
 * pays: the same objective as LAPJV with `cost_limit` (as ByteTrack calls it).
 * @example assignBelowLimit(Float64Array.of(0.1, 0.9, 0.9, 0.2), 2, 2, 0.8) // rows [0, 1] -> cols [0, 1]
 */
export function assignBelowLimit(cost: Float64Array, n: number, m: number, limit: number): Int32Array {
  const rowToCol = new Int32Array(n).fill(-1);
  if (n === 0 || m === 0) return rowToCol;
  // Union-find over rows 0..n-1 and columns n..n+m-1, joined by usable pairs.
  const parent = new Int32Array(n + m);
  for (let k = 0; k < n + m; k++) parent[k] = k;
  const find = (k: number): number => {
    while (parent[k] !== k) {
      parent[k] = parent[parent[k]!]!;
      k = parent[k]!;
    }
    return k;
  };
  let edges = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (cost[i * m + j]! < limit) {
        edges++;
        const a = find(i);
        const b = find(n + j);
        if (a !== b) parent[a] = b;
      }
    }
  }
  if (edges === 0) return rowToCol;
  const rowsOf = new Map<number, number[]>();
  const colsOf = new Map<number, number[]>();
  for (let i = 0; i < n; i++) push(rowsOf, find(i), i);
  for (let j = 0; j < m; j++) push(colsOf, find(n + j), j);
  for (const [root, rows] of rowsOf) {
    const cols = colsOf.get(root);
    if (!cols) continue;
    if (rows.length === 1 && cols.length === 1) {
      const [i, j] = [rows[0]!, cols[0]!];
      if (cost[i * m + j]! < limit) rowToCol[i] = j;
      continue;
    }
    const sub = new Float64Array(rows.length * cols.length);
    rows.forEach((i, a) => cols.forEach((j, b) => (sub[a * cols.length + b] = Math.min(cost[i * m + j]! - limit, 0))));
    const local = solveDense(sub, rows.length, cols.length);
    local.forEach((b, a) => {
      if (b < 0) return;
      const i = rows[a]!;
      const j = cols[b]!;
      if (cost[i * m + j]! < limit) rowToCol[i] = j;
    });
  }
  return rowToCol;
}

/**
 * `assignBelowLimit` for a sparse cost: only the listed pairs (`pairs.values` holding their costs)
 * exist, every other pair costs at least `limit` (for IoU costs: boxes that do not overlap). Same
 * components, same sub-problems in the same row and column order, so the same answer as the dense
 * call on the full matrix, in time near-linear in the pairs.
 * @example const pairs = overlapPairs(tracks, dets); (costs into pairs.values); assignPairsBelowLimit(pairs, n, m, 0.8)
 */
export function assignPairsBelowLimit(pairs: BoxPairs, n: number, m: number, limit: number): Int32Array {
  const rowToCol = new Int32Array(n).fill(-1);
  if (n === 0 || m === 0 || pairs.count === 0) return rowToCol;
  const { rows, cols, values } = pairs;
  const w = workspace(n, m, pairs.count);
  const parent = w.parent;
  for (let k = 0; k < n + m; k++) parent[k] = k;
  let edges = 0;
  for (let e = 0; e < pairs.count; e++) {
    if (!(values[e]! < limit)) continue;
    edges++;
    const a = findRoot(parent, rows[e]!);
    const b = findRoot(parent, n + cols[e]!);
    if (a !== b) parent[a] = b;
  }
  if (edges === 0) return rowToCol;
  // Members of each component in ascending order (rows, then columns), as linked lists by root.
  const { size, local, nextRow, nextCol, headRow, tailRow, headCol, tailCol, rowCount, edgeNext, edgeHead } = w;
  size.fill(0, 0, n + m);
  rowCount.fill(0, 0, n + m);
  headRow.fill(-1, 0, n + m);
  tailRow.fill(-1, 0, n + m);
  headCol.fill(-1, 0, n + m);
  tailCol.fill(-1, 0, n + m);
  edgeHead.fill(-1, 0, n + m);
  for (let i = 0; i < n; i++) {
    const r = findRoot(parent, i);
    local[i] = rowCount[r]!;
    rowCount[r] = rowCount[r]! + 1;
    nextRow[i] = -1;
    if (tailRow[r]! < 0) headRow[r] = i;
    else nextRow[tailRow[r]!] = i;
    tailRow[r] = i;
  }
  for (let j = 0; j < m; j++) {
    const r = findRoot(parent, n + j);
    local[n + j] = size[r]!;
    size[r] = size[r]! + 1;
    nextCol[j] = -1;
    if (tailCol[r]! < 0) headCol[r] = j;
    else nextCol[tailCol[r]!] = j;
    tailCol[r] = j;
  }
  // Each component's usable pairs, gathered by root, then one dense solve per component.
  for (let e = pairs.count - 1; e >= 0; e--) {
    if (!(values[e]! < limit)) continue;
    const r = findRoot(parent, rows[e]!);
    edgeNext[e] = edgeHead[r]!;
    edgeHead[r] = e;
  }
  for (let r = 0; r < n + m; r++) {
    const nr = rowCount[r]!;
    const nc = size[r]!;
    if (edgeHead[r]! < 0 || nr === 0 || nc === 0) continue;
    if (nr === 1 && nc === 1) {
      const e = edgeHead[r]!;
      rowToCol[rows[e]!] = cols[e]!;
      continue;
    }
    const sub = new Float64Array(nr * nc);
    for (let e = edgeHead[r]!; e >= 0; e = edgeNext[e]!) sub[local[rows[e]!]! * nc + local[n + cols[e]!]!] = Math.min(values[e]! - limit, 0);
    const solved = solveDense(sub, nr, nc);
    const rowIds = new Int32Array(nr);
    const colIds = new Int32Array(nc);
    for (let i = headRow[r]!, a = 0; i >= 0; i = nextRow[i]!) rowIds[a++] = i;
    for (let j = headCol[r]!, b = 0; j >= 0; j = nextCol[j]!) colIds[b++] = j;
    for (let a = 0; a < nr; a++) {
      const b = solved[a]!;
      if (b >= 0 && sub[a * nc + b]! < 0) rowToCol[rowIds[a]!] = colIds[b]!;
    }
  }
  return rowToCol;
}

interface Workspace {
  parent: Int32Array; size: Int32Array; local: Int32Array; nextRow: Int32Array; nextCol: Int32Array; headRow: Int32Array;
  tailRow: Int32Array; headCol: Int32Array; tailCol: Int32Array; rowCount: Int32Array; edgeNext: Int32Array; edgeHead: Int32Array;
}
let shared: Workspace | null = null;

/** Scratch arrays reused across calls (the solver runs several times per frame; no per-frame garbage). */
function workspace(n: number, m: number, pairCount: number): Workspace {
  const need = Math.max(n + m, pairCount);
  if (!shared || shared.parent.length < need) {
    const len = need * 2;
    const a = (): Int32Array => new Int32Array(len);
    shared = { parent: a(), size: a(), local: a(), nextRow: a(), nextCol: a(), headRow: a(), tailRow: a(), headCol: a(), tailCol: a(), rowCount: a(), edgeNext: a(), edgeHead: a() };
  }
  return shared;
}

function findRoot(parent: Int32Array, k: number): number {
  while (parent[k] !== k) {
    parent[k] = parent[parent[k]!]!;
    k = parent[k]!;
  }
  return k;
}

/**
 * Maximum number of pairs among the allowed ones (finite cost), and among those the least total
 * cost: the matching py-motmetrics makes (forbidden pairs priced above any all-allowed solution).
 */
export function assignMaxCardinality(cost: Float64Array, n: number, m: number): Int32Array {
  let maxAbs = 0;
  let anyFinite = false;
  for (const c of cost) {
    if (Number.isFinite(c)) {
      anyFinite = true;
      maxAbs = Math.max(maxAbs, Math.abs(c));
    }
  }
  if (!anyFinite) return new Int32Array(n).fill(-1);
  const large = 2 * Math.min(n, m) * (maxAbs + 1) + 1;
  const dense = cost.map((c) => (Number.isFinite(c) ? c : large));
  const rowToCol = solveDense(dense, n, m);
  for (let i = 0; i < n; i++) if (rowToCol[i]! >= 0 && !Number.isFinite(cost[i * m + rowToCol[i]!]!)) rowToCol[i] = -1;
  return rowToCol;
}

function push(map: Map<number, number[]>, key: number, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
