// Ground truth and tracker rows of one sequence, preprocessed the way the MOTChallenge devkit and
// TrackEval do before any metric runs:
// - MOT15 layout (no class column): gt rows with conf 0 are dropped; nothing else.
// - MOT16/17/20 layout (class column 1..13): per frame, tracker boxes are matched to all gt boxes
//   (IoU >= 0.5, maximum total IoU); tracker boxes matched to a distractor (person on vehicle 2,
//   static person 7, distractor 8, reflection 12; also non-MOT vehicle 6 for MOT20) are removed,
//   so they count neither as right nor wrong. Then only pedestrian (class 1) gt rows with conf != 0
//   are kept.
// Ids are relabelled 0..k-1 in order of first appearance; each frame gets its gt x tracker IoU matrix.
import { iouMatrix } from '../tracking/box-iou.ts';
import { assignBelowLimit } from '../tracking/linear-assignment.ts';
import type { MotRow } from '../formats/mot.ts';

/** Which preprocessing to apply; `auto` picks `mot16` when every gt row carries a class 1..13. */
export type MotBenchmark = 'auto' | 'mot15' | 'mot16' | 'mot20';

/** One preprocessed frame: contiguous ids and the gt x tracker IoU matrix (row-major). */
export interface EvalFrame {
  readonly frame: number;
  readonly gtIds: Int32Array;
  readonly trIds: Int32Array;
  readonly iou: Float64Array;
}

/** A sequence ready for the metrics. */
export interface EvalSequence {
  readonly frames: readonly EvalFrame[];
  readonly numGtIds: number;
  readonly numTrIds: number;
  readonly numGtDets: number;
  readonly numTrDets: number;
  readonly benchmark: Exclude<MotBenchmark, 'auto'>;
}

const distractors = new Set([2, 7, 8, 12]);

/** Whether gt rows use the MOT16+ layout (class id in column 8). */
export function hasClassColumn(gt: readonly MotRow[]): boolean {
  return gt.length > 0 && gt.every((r) => Number.isInteger(r.xOrClass) && r.xOrClass >= 1 && r.xOrClass <= 13);
}

export interface PrepareOptions {
  /**
   * Result boxes matching (IoU >= 0.5, the same one-to-one matching as the distractor removal) a
   * gt row marked conf 0 are removed before scoring instead of counting as false positives. Not
   * the MOTChallenge protocol (MOT15 counts them; MOT16+ removes only distractor classes): an
   * option for ground truth whose conf-0 rows mark people it chose not to score, such as PETS09
   * S2.L1's people leaving the annotated area.
   */
  ignoreMarked?: boolean;
}

/**
 * Preprocesses one sequence (see the file header). Throws when an id repeats within a frame, naming
 * the side ('gt' or 'res'), frame and id.
 * @example const seq = prepareSequence(await readMotFile('gt.txt'), await readMotFile('res.txt'));
 */
export function prepareSequence(gt: readonly MotRow[], res: readonly MotRow[], benchmark: MotBenchmark = 'auto', names = { gt: 'gt', res: 'res' }, options: PrepareOptions = {}): EvalSequence {
  const kind = benchmark === 'auto' ? (hasClassColumn(gt) ? 'mot16' : 'mot15') : benchmark;
  const gtBy = byFrame(gt, names.gt);
  const trBy = byFrame(res, names.res);
  const frameNos = [...new Set([...gtBy.keys(), ...trBy.keys()])].sort((a, b) => a - b);
  const gtMap = new Map<number, number>();
  const trMap = new Map<number, number>();
  const frames: EvalFrame[] = [];
  let numGtDets = 0;
  let numTrDets = 0;
  const extra = kind === 'mot20' ? new Set([...distractors, 6]) : distractors;
  for (const f of frameNos) {
    const g = gtBy.get(f) ?? [];
    let t = trBy.get(f) ?? [];
    if ((kind !== 'mot15' || options.ignoreMarked) && g.length > 0 && t.length > 0) {
      const iou = iouMatrix(boxes(g), boxes(t));
      // Maximum total IoU over pairs with IoU >= 0.5 (TrackEval zeroes the rest).
      const cost = iou.map((v) => (v >= 0.5 - Number.EPSILON ? -v : 0));
      const match = assignBelowLimit(cost, g.length, t.length, 0);
      const drop = new Set<number>();
      match.forEach((j, i) => {
        if (j < 0) return;
        const distractor = kind !== 'mot15' && extra.has(g[i]!.xOrClass);
        if (distractor || (options.ignoreMarked && Math.trunc(g[i]!.conf) === 0)) drop.add(j);
      });
      if (drop.size > 0) t = t.filter((_, j) => !drop.has(j));
    }
    const keep = kind === 'mot15' ? g.filter((r) => Math.trunc(r.conf) !== 0) : g.filter((r) => Math.trunc(r.conf) !== 0 && r.xOrClass === 1);
    const gtIds = Int32Array.from(keep, (r) => relabel(gtMap, r.id));
    const trIds = Int32Array.from(t, (r) => relabel(trMap, r.id));
    numGtDets += keep.length;
    numTrDets += t.length;
    frames.push({ frame: f, gtIds, trIds, iou: iouMatrix(boxes(keep), boxes(t)) });
  }
  return { frames, numGtIds: gtMap.size, numTrIds: trMap.size, numGtDets, numTrDets, benchmark: kind };
}

function byFrame(rows: readonly MotRow[], name: string): Map<number, MotRow[]> {
  const map = new Map<number, MotRow[]>();
  for (const r of rows) {
    let list = map.get(r.frame);
    if (!list) map.set(r.frame, (list = []));
    list.push(r);
  }
  for (const [frame, list] of map) {
    const seen = new Set<number>();
    for (const r of list) {
      if (seen.has(r.id)) throw new Error(`${name}: id ${r.id} appears twice in frame ${frame}; each id may have one box per frame`);
      seen.add(r.id);
    }
  }
  return map;
}

function relabel(map: Map<number, number>, id: number): number {
  let k = map.get(id);
  if (k === undefined) map.set(id, (k = map.size));
  return k;
}

function boxes(rows: readonly MotRow[]): Float64Array {
  const out = new Float64Array(rows.length * 4);
  rows.forEach((r, k) => out.set([r.x, r.y, r.x + r.w, r.y + r.h], k * 4));
  return out;
}
