// One entry point for MOT evaluation: preprocess a sequence, run CLEAR MOT, identity and HOTA,
// and combine several sequences the way py-motmetrics ("OVERALL") and TrackEval ("COMBINED") do:
// counts are summed, ratios recomputed from the sums.
import type { MotRow } from '../formats/mot.ts';
import { clearCounts, type ClearCounts } from './clear-mot.ts';
import { combineHota, hotaCounts, hotaScores, type HotaCounts } from './hota.ts';
import { identityCounts, type IdentityCounts } from './identity-metrics.ts';
import { prepareSequence, type MotBenchmark, type PrepareOptions } from './mot-sequence.ts';

/** Raw, summable results of one or more sequences. */
export interface MotCounts {
  clear: ClearCounts;
  identity: IdentityCounts;
  hota: HotaCounts;
}

/** Final metrics. Ratios are fractions (0.527, not 52.7); MOTP is the mean IoU of matches (higher is better). */
export interface MotMetrics {
  MOTA: number;
  MOTP: number;
  IDF1: number;
  IDP: number;
  IDR: number;
  HOTA: number;
  DetA: number;
  AssA: number;
  LocA: number;
  Recall: number;
  Precision: number;
  FP: number;
  FN: number;
  IDSW: number;
  Frag: number;
  MT: number;
  PT: number;
  ML: number;
  GT: number;
  numGtDets: number;
  numResDets: number;
}

/**
 * Counts for one sequence from its gt and result rows (MOTChallenge preprocessing applied).
 * @example const counts = evaluateSequence(await readMotFile('gt/gt.txt'), await readMotFile('res.txt'));
 */
export function evaluateSequence(gt: readonly MotRow[], res: readonly MotRow[], benchmark: MotBenchmark = 'auto', names?: { gt: string; res: string }, options: PrepareOptions = {}): MotCounts {
  const seq = prepareSequence(gt, res, benchmark, names, options);
  return { clear: clearCounts(seq), identity: identityCounts(seq), hota: hotaCounts(seq) };
}

/** Sums several sequences' counts. */
export function combineCounts(parts: readonly MotCounts[]): MotCounts {
  const clear: ClearCounts = { numObjects: 0, matches: 0, fp: 0, fn: 0, idsw: 0, frag: 0, mt: 0, pt: 0, ml: 0, numGtIds: 0, iouSum: 0 };
  const identity: IdentityCounts = { idtp: 0, idfp: 0, idfn: 0 };
  for (const p of parts) {
    for (const k of Object.keys(clear) as (keyof ClearCounts)[]) clear[k] += p.clear[k];
    for (const k of Object.keys(identity) as (keyof IdentityCounts)[]) identity[k] += p.identity[k];
  }
  return { clear, identity, hota: combineHota(parts.map((p) => p.hota)) };
}

/** Final metric values from counts. */
export function motMetrics(counts: MotCounts): MotMetrics {
  const c = counts.clear;
  const { idtp, idfp, idfn } = counts.identity;
  const h = hotaScores(counts.hota);
  const div = (a: number, b: number): number => (b > 0 ? a / b : 0);
  return {
    MOTA: 1 - div(c.fn + c.fp + c.idsw, c.numObjects),
    MOTP: div(c.iouSum, c.matches),
    IDF1: div(2 * idtp, 2 * idtp + idfp + idfn),
    IDP: div(idtp, idtp + idfp),
    IDR: div(idtp, idtp + idfn),
    HOTA: h.HOTA,
    DetA: h.DetA,
    AssA: h.AssA,
    LocA: h.LocA,
    Recall: div(c.matches, c.numObjects),
    Precision: div(c.matches, c.matches + c.fp),
    FP: c.fp,
    FN: c.fn,
    IDSW: c.idsw,
    Frag: c.frag,
    MT: c.mt,
    PT: c.pt,
    ML: c.ml,
    GT: c.numGtIds,
    numGtDets: c.numObjects,
    numResDets: c.matches + c.fp,
  };
}
