// Detector quality against ground truth: greedy matching at an IoU threshold (best score first),
// ignore regions that neither count as misses nor as false positives, precision, recall and
// all-point interpolated average precision (the PASCAL VOC 2010+ definition).
import { boxIou } from '@sightline/vision';

export interface GtBox {
  xyxy: readonly [number, number, number, number];
  /** Ignored boxes (crowds, distractors, barely visible people) absorb detections without scoring. */
  ignore: boolean;
}

export interface ScoredBox {
  xyxy: readonly [number, number, number, number];
  score: number;
}

export interface EvalFrame {
  gt: readonly GtBox[];
  detections: readonly ScoredBox[];
}

export interface DetectionScores {
  /** Ground-truth boxes counted (not ignored). */
  positives: number;
  /** At `scoreThreshold`. */
  truePositives: number;
  falsePositives: number;
  precision: number;
  recall: number;
  /** Over every score. */
  averagePrecision: number;
}

// IoU is vision's, the one definition every TypeScript caller shares.
const iou = (a: readonly number[], b: readonly number[]): number => boxIou(a, 0, b, 0);

/**
 * Precision/recall at a score threshold and AP over all scores, matching per frame at `iouThreshold`.
 * @example scoreDetections([{ gt: [{ xyxy: [0, 0, 10, 10], ignore: false }], detections: [{ xyxy: [0, 0, 10, 10], score: 0.9 }] }]).averagePrecision // 1
 */
export function scoreDetections(frames: readonly EvalFrame[], options: { iouThreshold?: number; scoreThreshold?: number } = {}): DetectionScores {
  const iouThreshold = options.iouThreshold ?? 0.5;
  const scoreThreshold = options.scoreThreshold ?? 0;
  const outcomes: { score: number; tp: boolean }[] = [];
  let positives = 0;
  for (const frame of frames) {
    positives += frame.gt.filter((g) => !g.ignore).length;
    const used = new Array<boolean>(frame.gt.length).fill(false);
    const order = [...frame.detections].sort((a, b) => b.score - a.score);
    for (const d of order) {
      // Best unmatched counted box first; otherwise an ignore box swallows the detection.
      let best = -1;
      let bestIou = iouThreshold;
      frame.gt.forEach((g, k) => {
        if (g.ignore || used[k]) return;
        const v = iou(d.xyxy, g.xyxy);
        if (v >= bestIou) [best, bestIou] = [k, v];
      });
      if (best >= 0) {
        used[best] = true;
        outcomes.push({ score: d.score, tp: true });
      } else if (!frame.gt.some((g) => g.ignore && iou(d.xyxy, g.xyxy) >= iouThreshold)) {
        outcomes.push({ score: d.score, tp: false });
      }
    }
  }
  outcomes.sort((a, b) => b.score - a.score);
  const precisions: number[] = [];
  const recalls: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const o of outcomes) {
    if (o.tp) tp++;
    else fp++;
    precisions.push(tp / (tp + fp));
    recalls.push(positives ? tp / positives : 0);
  }
  // Precision envelope (monotone from the right), integrated over recall steps.
  for (let i = precisions.length - 2; i >= 0; i--) precisions[i] = Math.max(precisions[i]!, precisions[i + 1]!);
  let ap = 0;
  let lastRecall = 0;
  recalls.forEach((r, i) => {
    ap += (r - lastRecall) * precisions[i]!;
    lastRecall = r;
  });
  const kept = outcomes.filter((o) => o.score >= scoreThreshold);
  const keptTp = kept.filter((o) => o.tp).length;
  return {
    positives,
    truePositives: keptTp,
    falsePositives: kept.length - keptTp,
    precision: kept.length ? keptTp / kept.length : 0,
    recall: positives ? keptTp / positives : 0,
    averagePrecision: ap,
  };
}
