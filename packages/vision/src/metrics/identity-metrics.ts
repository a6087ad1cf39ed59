// Identity metrics (Ristani et al. 2016): one global one-to-one mapping of gt ids to tracker ids that
// maximises the number of frames where mapped pairs overlap with IoU >= 0.5 (IDTP). IDFN and IDFP are
// the gt and tracker boxes left over.
import { solveDense } from '../tracking/linear-assignment.ts';
import type { EvalSequence } from './mot-sequence.ts';

/** Summable identity counts. */
export interface IdentityCounts {
  idtp: number;
  idfp: number;
  idfn: number;
}

/** IDTP/IDFP/IDFN of one sequence. */
export function identityCounts(seq: EvalSequence): IdentityCounts {
  const ng = seq.numGtIds;
  const nt = seq.numTrIds;
  if (ng === 0 || nt === 0) return { idtp: 0, idfp: seq.numTrDets, idfn: seq.numGtDets };
  const together = new Float64Array(ng * nt);
  for (const f of seq.frames) {
    const m = f.trIds.length;
    for (let i = 0; i < f.gtIds.length; i++) {
      for (let j = 0; j < m; j++) {
        if (1 - f.iou[i * m + j]! <= 0.5) together[f.gtIds[i]! * nt + f.trIds[j]!] = together[f.gtIds[i]! * nt + f.trIds[j]!]! + 1;
      }
    }
  }
  const cost = together.map((v) => -v);
  let idtp = 0;
  solveDense(cost, ng, nt).forEach((t, g) => {
    if (t >= 0) idtp += together[g * nt + t]!;
  });
  return { idtp, idfp: seq.numTrDets - idtp, idfn: seq.numGtDets - idtp };
}
