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

/** Greedy NMS: kept indices, highest score first. */
export function nmsReference(plan: NmsPlan): Int32Array {
  const kept: number[] = [];
  if (plan.maxDetections <= 0) return new Int32Array(0);
  const { boxes, classIds } = plan;
  // Kept boxes per class, packed so the scan reads them in order.
  const groups = new Map<number, { boxes: Float32Array; count: number }>();
  for (const idx of nmsCandidates(plan)) {
    const cls = classIds ? classIds[idx]! : 0;
    let group = groups.get(cls);
    if (!group) {
      group = { boxes: new Float32Array(64), count: 0 };
      groups.set(cls, group);
    }
    let suppressed = false;
    for (let j = 0; j < group.count; j++) {
      if (iouAt(group.boxes, j * 4, boxes, idx * 4) > plan.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    kept.push(idx);
    if (group.count * 4 === group.boxes.length) {
      const grown = new Float32Array(group.boxes.length * 2);
      grown.set(group.boxes);
      group.boxes = grown;
    }
    group.boxes.set(boxes.subarray(idx * 4, idx * 4 + 4), group.count * 4);
    group.count++;
    if (kept.length >= plan.maxDetections) break;
  }
  return Int32Array.from(kept);
}
