// What the tracker's output becomes in a pre-labeling result, after the whole range is detected:
// each track's first box (one frame before the tracker confirms it) and, across a gap of at most
// TRACK_GAP_SECONDS (a person missed for a moment), the boxes on the frames between, so Hawk gets
// one unbroken track for the annotator to check instead of pieces to join.
import type { HawkXyxy } from '@sightline/contracts';
import { boxIou } from '@sightline/vision';

export type ResultBox = { label: string; xyxy: HawkXyxy; score: number; trackId: number | null };
export type ResultFrame = { frame: number; boxes: ResultBox[] };

const round1 = (v: number) => Math.round(v * 10) / 10;

/** The first box of each track usually comes one frame before the tracker confirms it: attach it. */
export function attachTrackStarts(frames: ResultFrame[]): void {
  const seen = new Set<number>();
  for (let i = 1; i < frames.length; i++) {
    for (const box of frames[i]!.boxes) {
      if (box.trackId === null || seen.has(box.trackId)) continue;
      seen.add(box.trackId);
      const best = untrackedOverlapping(frames[i - 1]!.boxes, box.label, box.xyxy);
      if (best && !frames[i - 1]!.boxes.some((b) => b.trackId === box.trackId)) best.trackId = box.trackId;
    }
  }
}

/**
 * Fills each track's gaps of at most `maxGapFrames` frames between two of its boxes (`frames` are
 * consecutive): a box of no track that overlaps the straight line's box (IoU >= 0.5, same label)
 * joins the track, else a box on that line is added, its score the lower of the two ends. Returns
 * how many boxes joined or were added.
 */
export function fillPrelabelTrackGaps(frames: ResultFrame[], maxGapFrames: number): number {
  const last = new Map<number, { at: number; box: ResultBox }>();
  let filled = 0;
  frames.forEach(({ boxes }, at) => {
    for (const box of boxes) {
      if (box.trackId === null) continue;
      const before = last.get(box.trackId);
      last.set(box.trackId, { at, box });
      const gap = before ? at - before.at : 0;
      if (!before || gap <= 1 || gap > maxGapFrames) continue;
      for (let k = before.at + 1; k < at; k++) {
        const u = (k - before.at) / gap;
        const xyxy = before.box.xyxy.map((v, c) => round1(v + (box.xyxy[c]! - v) * u)) as HawkXyxy;
        const loose = untrackedOverlapping(frames[k]!.boxes, box.label, xyxy);
        if (loose) loose.trackId = box.trackId;
        else frames[k]!.boxes.push({ label: box.label, xyxy, score: Math.min(before.box.score, box.score), trackId: box.trackId });
        filled++;
      }
    }
  });
  return filled;
}

/** The box of no track with `label` that overlaps `xyxy` most, at IoU 0.5 or more. */
function untrackedOverlapping(boxes: readonly ResultBox[], label: string, xyxy: HawkXyxy): ResultBox | undefined {
  let best: ResultBox | undefined;
  let bestIou = 0.5;
  for (const b of boxes) {
    if (b.trackId !== null || b.label !== label) continue;
    const o = boxIou(b.xyxy, 0, xyxy, 0);
    if (o >= bestIou) [best, bestIou] = [b, o];
  }
  return best;
}
