// TypeScript reference of cpp/nms.cc. IoU mirrors cpp/common.h `iou` including its
// comparison-based min/max (not Math.min/max), so NaN coordinates behave the same everywhere.
import type { NmsPlan } from '../plan.ts';

/** IoU of the higher-ranked box at `a` with the lower-ranked box at `b` (offsets into xyxy arrays). */
export function iouAt(boxesA: Float32Array, a: number, boxesB: Float32Array, b: number): number {
  const ax1 = boxesA[a]!, ay1 = boxesA[a + 1]!, ax2 = boxesA[a + 2]!, ay2 = boxesA[a + 3]!;
  const bx1 = boxesB[b]!, by1 = boxesB[b + 1]!, bx2 = boxesB[b + 2]!, by2 = boxesB[b + 3]!;
  const iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
  const ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
  if (iw <= 0 || ih <= 0) return 0;
  const aw = ax2 - ax1, ah = ay2 - ay1, bw = bx2 - bx1, bh = by2 - by1;
  const areaA = (aw > 0 ? aw : 0) * (ah > 0 ? ah : 0);
  const areaB = (bw > 0 ? bw : 0) * (bh > 0 ? bh : 0);
  const inter = iw * ih;
  const uni = areaA + areaB - inter;
  return uni > 0 ? inter / uni : 0;
}

/** Indices scoring at least the threshold, by score descending; equal scores keep index order. */
export function nmsCandidates(plan: NmsPlan): number[] {
  const { scores, scoreThreshold } = plan;
  const order: number[] = [];
  for (let i = 0; i < scores.length; i++) if (scores[i]! >= scoreThreshold) order.push(i);
  // Array.prototype.sort is stable, like std::stable_sort in the C++ path.
  return order.sort((a, b) => {
    const sa = scores[a]!, sb = scores[b]!;
    return sb > sa ? 1 : sb < sa ? -1 : 0;
  });
}

/** Kept boxes of one class as columns, with their areas, so the scan reads memory in order. */
class KeptBoxes {
  x1 = new Float64Array(64);
  y1 = new Float64Array(64);
  x2 = new Float64Array(64);
  y2 = new Float64Array(64);
  area = new Float64Array(64);
  count = 0;

  push(x1: number, y1: number, x2: number, y2: number, area: number): void {
    if (this.count === this.area.length) {
      for (const key of ['x1', 'y1', 'x2', 'y2', 'area'] as const) {
        const grown = new Float64Array(this.count * 2);
        grown.set(this[key]);
        this[key] = grown;
      }
    }
    this.x1[this.count] = x1;
    this.y1[this.count] = y1;
    this.x2[this.count] = x2;
    this.y2[this.count] = y2;
    this.area[this.count] = area;
    this.count++;
  }

  /** Whether a kept box overlaps the candidate by IoU > threshold: `iouAt` inlined, same operations. */
  overlaps(bx1: number, by1: number, bx2: number, by2: number, barea: number, threshold: number): boolean {
    const { x1, y1, x2, y2, area } = this;
    for (let j = 0; j < this.count; j++) {
      const ax2 = x2[j]!, ax1 = x1[j]!, ay2 = y2[j]!, ay1 = y1[j]!;
      const iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
      const ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
      if (iw <= 0 || ih <= 0) {
        if (0 > threshold) return true;
        continue;
      }
      const inter = iw * ih;
      const uni = area[j]! + barea - inter;
      if ((uni > 0 ? inter / uni : 0) > threshold) return true;
    }
    return false;
  }
}

const boxArea = (x1: number, y1: number, x2: number, y2: number): number => {
  const w = x2 - x1, h = y2 - y1;
  return (w > 0 ? w : 0) * (h > 0 ? h : 0);
};

/** Greedy NMS: kept indices, highest score first. */
export function nmsReference(plan: NmsPlan): Int32Array {
  const kept: number[] = [];
  if (plan.maxDetections <= 0) return new Int32Array(0);
  const { boxes, classIds } = plan;
  const groups = new Map<number, KeptBoxes>();
  for (const idx of nmsCandidates(plan)) {
    const cls = classIds ? classIds[idx]! : 0;
    let group = groups.get(cls);
    if (!group) {
      group = new KeptBoxes();
      groups.set(cls, group);
    }
    const x1 = boxes[idx * 4]!, y1 = boxes[idx * 4 + 1]!, x2 = boxes[idx * 4 + 2]!, y2 = boxes[idx * 4 + 3]!;
    const area = boxArea(x1, y1, x2, y2);
    if (group.overlaps(x1, y1, x2, y2, area, plan.iouThreshold)) continue;
    kept.push(idx);
    group.push(x1, y1, x2, y2, area);
    if (kept.length >= plan.maxDetections) break;
  }
  return Int32Array.from(kept);
}
