// HOTA (Luiten et al., IJCV 2021) as TrackEval computes it: for each localisation threshold alpha
// in 0.05, 0.10, ..., 0.95, per frame a matching that maximises IoU weighted by how well the two ids
// align over the whole sequence; matches with IoU >= alpha count as TP. DetA = TP/(TP+FN+FP);
// AssA = TP-weighted mean over matches of TPA/(TPA+FNA+FPA) of the matched id pair; LocA = mean IoU
// of the matches; HOTA = sqrt(DetA*AssA). The reported values are means over the 19 alphas.
import { solveDense } from '../tracking/linear-assignment.ts';
import type { EvalSequence } from './mot-sequence.ts';

/** The 19 alpha thresholds, computed as numpy's arange(0.05, 0.99, 0.05) does (start + k * step). */
export const hotaAlphas: readonly number[] = Array.from({ length: 19 }, (_, k) => 0.05 + k * 0.05);

/** Per-alpha HOTA state of one or more sequences (sums and TP-weighted averages, combinable). */
export interface HotaCounts {
  tp: Float64Array;
  fn: Float64Array;
  fp: Float64Array;
  assA: Float64Array;
  locA: Float64Array;
}

const eps = Number.EPSILON;

/** HOTA counts for one sequence. */
export function hotaCounts(seq: EvalSequence): HotaCounts {
  const A = hotaAlphas.length;
  const ng = seq.numGtIds;
  const nt = seq.numTrIds;
  const res: HotaCounts = { tp: new Float64Array(A), fn: new Float64Array(A), fp: new Float64Array(A), assA: new Float64Array(A), locA: new Float64Array(A) };

  // Global alignment between ids: soft co-occurrence (IoU shared out within each frame).
  const potential = new Float64Array(ng * nt);
  const gtCount = new Float64Array(ng);
  const trCount = new Float64Array(nt);
  for (const f of seq.frames) {
    const n = f.gtIds.length;
    const m = f.trIds.length;
    const rowSum = new Float64Array(n);
    const colSum = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        rowSum[i] = rowSum[i]! + (f.iou[i * m + j]!);
        colSum[j] = colSum[j]! + (f.iou[i * m + j]!);
      }
    }
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        const s = f.iou[i * m + j]!;
        const denom = rowSum[i]! + colSum[j]! - s;
        if (denom > eps) potential[f.gtIds[i]! * nt + f.trIds[j]!] = potential[f.gtIds[i]! * nt + f.trIds[j]!]! + s / denom;
      }
    }
    for (const g of f.gtIds) gtCount[g] = gtCount[g]! + 1;
    for (const t of f.trIds) trCount[t] = trCount[t]! + 1;
  }
  const alignment = new Float64Array(ng * nt);
  for (let g = 0; g < ng; g++) {
    for (let t = 0; t < nt; t++) {
      const p = potential[g * nt + t]!;
      alignment[g * nt + t] = p / (gtCount[g]! + trCount[t]! - p);
    }
  }

  const matches = Array.from({ length: A }, () => new Float64Array(ng * nt));
  for (const f of seq.frames) {
    const n = f.gtIds.length;
    const m = f.trIds.length;
    if (n === 0 || m === 0) {
      for (let a = 0; a < A; a++) {
        res.fp[a] = res.fp[a]! + m;
        res.fn[a] = res.fn[a]! + n;
      }
      continue;
    }
    const cost = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) cost[i * m + j] = -alignment[f.gtIds[i]! * nt + f.trIds[j]!]! * f.iou[i * m + j]!;
    const rowToCol = solveDense(cost, n, m);
    for (let a = 0; a < A; a++) {
      const alpha = hotaAlphas[a]!;
      let count = 0;
      rowToCol.forEach((j, i) => {
        if (j < 0) return;
        const s = f.iou[i * m + j]!;
        if (s < alpha - eps) return;
        count++;
        res.locA[a] = res.locA[a]! + s;
        const mc = matches[a]!;
        const k = f.gtIds[i]! * nt + f.trIds[j]!;
        mc[k] = mc[k]! + 1;
      });
      res.tp[a] = res.tp[a]! + count;
      res.fn[a] = res.fn[a]! + (n - count);
      res.fp[a] = res.fp[a]! + (m - count);
    }
  }
  for (let a = 0; a < A; a++) {
    const mc = matches[a]!;
    let sum = 0;
    for (let g = 0; g < ng; g++) {
      for (let t = 0; t < nt; t++) {
        const c = mc[g * nt + t]!;
        if (c > 0) sum += (c * c) / Math.max(1, gtCount[g]! + trCount[t]! - c);
      }
    }
    res.assA[a] = sum / Math.max(1, res.tp[a]!);
    res.locA[a] = Math.max(1e-10, res.locA[a]!) / Math.max(1e-10, res.tp[a]!);
  }
  return res;
}

/** Combines sequences as TrackEval does: sums of TP/FN/FP, TP-weighted AssA and LocA. */
export function combineHota(parts: readonly HotaCounts[]): HotaCounts {
  const A = hotaAlphas.length;
  const out: HotaCounts = { tp: new Float64Array(A), fn: new Float64Array(A), fp: new Float64Array(A), assA: new Float64Array(A), locA: new Float64Array(A) };
  for (let a = 0; a < A; a++) {
    let assW = 0;
    let locW = 0;
    for (const p of parts) {
      out.tp[a] = out.tp[a]! + p.tp[a]!;
      out.fn[a] = out.fn[a]! + p.fn[a]!;
      out.fp[a] = out.fp[a]! + p.fp[a]!;
      assW += p.assA[a]! * p.tp[a]!;
      locW += p.locA[a]! * p.tp[a]!;
    }
    out.assA[a] = assW / Math.max(1, out.tp[a]!);
    out.locA[a] = Math.max(1e-10, locW) / Math.max(1e-10, out.tp[a]!);
  }
  return out;
}

/** Alpha-averaged HOTA, DetA, AssA, LocA. */
export function hotaScores(h: HotaCounts): { HOTA: number; DetA: number; AssA: number; LocA: number } {
  let hota = 0;
  let detA = 0;
  let assA = 0;
  let locA = 0;
  const A = hotaAlphas.length;
  for (let a = 0; a < A; a++) {
    const d = h.tp[a]! / Math.max(1, h.tp[a]! + h.fn[a]! + h.fp[a]!);
    hota += Math.sqrt(d * h.assA[a]!);
    detA += d;
    assA += h.assA[a]!;
    locA += h.locA[a]!;
  }
  return { HOTA: hota / A, DetA: detA / A, AssA: assA / A, LocA: locA / A };
}
