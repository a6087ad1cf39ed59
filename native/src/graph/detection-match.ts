// One-to-one matching of two detection lists ([n, 6]: x1, y1, x2, y2, score, class) for parity
// checks. Comparing by rank fails when near-tied scores swap places (FP16 versus FP32), so the
// lists are matched by class and IoU instead, and the errors are measured on matched pairs.
import { boxIouAt } from '@sightline/vision';

export interface DetectionMatch {
  /** Index pairs [a, b] of matched detections. */
  pairs: [number, number][];
  unmatchedA: number[];
  unmatchedB: number[];
  /** Largest corner difference (px) and score difference over matched pairs. */
  boxPx: number;
  score: number;
  /** Highest score among unmatched detections of either list (0 when all matched). */
  unmatchedMaxScore: number;
}

/**
 * Greedy one-to-one matching: candidate pairs of the same class with IoU >= `minIou` are taken
 * highest IoU first (ties: smaller score difference, then lower indices). Degenerate boxes
 * (zero area, as CenterNet emits for padding) match only an identical box of the same class.
 * @example const m = matchDetections(fp16Dets, fp32Dets); assert.ok(m.boxPx < 1);
 */
export function matchDetections(a: Float32Array, b: Float32Array, minIou = 0.5): DetectionMatch {
  const na = Math.floor(a.length / 6);
  const nb = Math.floor(b.length / 6);
  const cand: { i: number; j: number; iou: number; ds: number }[] = [];
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      if (a[i * 6 + 5] !== b[j * 6 + 5]) continue;
      let o = boxIouAt(a, i * 6, b, j * 6);
      if (o === 0) {
        let same = true;
        for (let k = 0; k < 4; k++) same &&= a[i * 6 + k] === b[j * 6 + k];
        if (same) o = 1;
      }
      if (o >= minIou) cand.push({ i, j, iou: o, ds: Math.abs(a[i * 6 + 4]! - b[j * 6 + 4]!) });
    }
  }
  cand.sort((x, y) => y.iou - x.iou || x.ds - y.ds || x.i - y.i || x.j - y.j);
  const usedA = new Uint8Array(na);
  const usedB = new Uint8Array(nb);
  const pairs: [number, number][] = [];
  let boxPx = 0;
  let score = 0;
  for (const c of cand) {
    if (usedA[c.i] || usedB[c.j]) continue;
    usedA[c.i] = 1;
    usedB[c.j] = 1;
    pairs.push([c.i, c.j]);
    for (let k = 0; k < 4; k++) boxPx = Math.max(boxPx, Math.abs(a[c.i * 6 + k]! - b[c.j * 6 + k]!));
    score = Math.max(score, c.ds);
  }
  const unmatchedA = [...usedA.keys()].filter((i) => !usedA[i]);
  const unmatchedB = [...usedB.keys()].filter((j) => !usedB[j]);
  let unmatchedMaxScore = 0;
  for (const i of unmatchedA) unmatchedMaxScore = Math.max(unmatchedMaxScore, a[i * 6 + 4]!);
  for (const j of unmatchedB) unmatchedMaxScore = Math.max(unmatchedMaxScore, b[j * 6 + 4]!);
  pairs.sort((x, y) => x[1] - y[1]);
  return { pairs, unmatchedA, unmatchedB, boxPx, score, unmatchedMaxScore };
}

/** Score of the last (lowest-ranked) detection of a list sorted best first. */
export function lowestScore(d: Float32Array): number {
  return d.length >= 6 ? d[d.length - 2]! : 0;
}

/** Bounds on matched pairs of CenterNet's [100, 6] detections, and on unmatched ones per side. */
export const DETECTION_TOLERANCE = {
  fp32: { boxPx: 0.01, score: 1e-5, unmatched: 0 },
  fp16: { boxPx: 1.0, score: 2e-3, unmatched: 5 },
} as const;

/**
 * Parity of `out` with the reference `ref` (both sorted best first): matched pairs within the
 * box and score bounds, at most `unmatched` left over per side, and each of those at the list's
 * cut (score at most the reference's lowest plus the score bound): only a detection a near-tie
 * pushed past the cut may drop out. `problems` is empty when all hold.
 */
export function detectionParity(out: Float32Array, ref: Float32Array, precision: 'fp32' | 'fp16'): { match: DetectionMatch; problems: string[]; summary: string } {
  const tol = DETECTION_TOLERANCE[precision];
  const m = matchDetections(out, ref);
  const problems: string[] = [];
  if (m.boxPx > tol.boxPx) problems.push(`matched box diff ${m.boxPx} px > ${tol.boxPx}`);
  if (m.score > tol.score) problems.push(`matched score diff ${m.score} > ${tol.score}`);
  if (Math.max(m.unmatchedA.length, m.unmatchedB.length) > tol.unmatched) problems.push(`unmatched ${m.unmatchedA.length}/${m.unmatchedB.length} > ${tol.unmatched}`);
  const cut = lowestScore(ref) + tol.score;
  if (m.unmatchedMaxScore > cut) problems.push(`an unmatched detection scores ${m.unmatchedMaxScore} > ${cut}: not a near-tie at the cut`);
  const summary = `${m.pairs.length}/${ref.length / 6} matched by class+IoU, max box diff ${m.boxPx.toExponential(2)} px, score ${m.score.toExponential(2)}; unmatched ${m.unmatchedA.length}/${m.unmatchedB.length} (max score ${m.unmatchedMaxScore.toFixed(3)})`;
  return { match: m, problems, summary };
}
