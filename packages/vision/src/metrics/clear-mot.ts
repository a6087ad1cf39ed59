// CLEAR MOT (Bernardin & Stiefelhagen 2008) with the event rules of py-motmetrics' MOTAccumulator,
// which agree with the MOTChallenge devkit and TrackEval on MOTChallenge data:
// per frame, a gt object keeps the hypothesis it was last matched to if their IoU is still >= 0.5;
// the rest are matched to maximise the number of pairs, then minimise total 1 - IoU. A match to a
// different hypothesis than the object's last one is an id switch. Fragmentations count, per
// object, the tracked -> missed transitions between its first and last tracked frame.
// Mostly tracked: matched in >= 80% of its frames; mostly lost: < 20%.
import { assignMaxCardinality } from '../tracking/linear-assignment.ts';
import type { EvalSequence } from './mot-sequence.ts';

/** Summable CLEAR MOT counts of one or more sequences. */
export interface ClearCounts {
  numObjects: number;
  matches: number;
  fp: number;
  fn: number;
  idsw: number;
  frag: number;
  mt: number;
  pt: number;
  ml: number;
  numGtIds: number;
  /** Sum of IoU over matches (MOTP numerator). */
  iouSum: number;
}

/** Distance threshold in 1 - IoU: pairs with IoU >= 0.5 may match. */
const maxDistance = 0.5;

/** CLEAR MOT counts for one sequence. */
export function clearCounts(seq: EvalSequence): ClearCounts {
  const last = new Int32Array(seq.numGtIds).fill(-1);
  const present = new Int32Array(seq.numGtIds);
  const tracked = new Int32Array(seq.numGtIds);
  // Per object: 0 = never tracked, 1 = tracked now, 2 = missed after having been tracked.
  const phase = new Uint8Array(seq.numGtIds);
  const pendingMiss = new Uint8Array(seq.numGtIds);
  const c: ClearCounts = { numObjects: 0, matches: 0, fp: 0, fn: 0, idsw: 0, frag: 0, mt: 0, pt: 0, ml: 0, numGtIds: seq.numGtIds, iouSum: 0 };
  for (const f of seq.frames) {
    const n = f.gtIds.length;
    const m = f.trIds.length;
    c.numObjects += n;
    const gtDone = new Uint8Array(n);
    const trDone = new Uint8Array(m);
    const matchedNow = new Uint8Array(n);
    const match = (i: number, j: number, isNew: boolean): void => {
      const o = f.gtIds[i]!;
      const h = f.trIds[j]!;
      if (isNew && last[o]! >= 0 && last[o] !== h) c.idsw++;
      last[o] = h;
      gtDone[i] = 1;
      trDone[j] = 1;
      matchedNow[i] = 1;
      c.matches++;
      c.iouSum += f.iou[i * m + j]!;
    };
    if (n > 0 && m > 0) {
      for (let i = 0; i < n; i++) {
        const prev = last[f.gtIds[i]!]!;
        if (prev < 0) continue;
        const j = f.trIds.indexOf(prev);
        if (j >= 0 && !trDone[j] && 1 - f.iou[i * m + j]! <= maxDistance) match(i, j, false);
      }
      const dist = new Float64Array(n * m);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < m; j++) {
          const d = 1 - f.iou[i * m + j]!;
          dist[i * m + j] = gtDone[i] || trDone[j] || d > maxDistance ? Number.NaN : d;
        }
      }
      assignMaxCardinality(dist, n, m).forEach((j, i) => {
        if (j >= 0) match(i, j, true);
      });
    }
    for (let i = 0; i < n; i++) {
      const o = f.gtIds[i]!;
      present[o] = present[o]! + 1;
      if (matchedNow[i]) {
        tracked[o] = tracked[o]! + 1;
        if (pendingMiss[o]) c.frag++;
        pendingMiss[o] = 0;
        phase[o] = 1;
      } else {
        c.fn++;
        if (phase[o] === 1) pendingMiss[o] = 1;
      }
    }
    for (let j = 0; j < m; j++) if (!trDone[j]) c.fp++;
  }
  for (let o = 0; o < seq.numGtIds; o++) {
    const ratio = present[o]! > 0 ? tracked[o]! / present[o]! : 0;
    if (ratio >= 0.8) c.mt++;
    else if (ratio >= 0.2) c.pt++;
    else c.ml++;
  }
  return c;
}
