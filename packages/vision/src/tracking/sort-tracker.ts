// SORT (Bewley et al., "Simple Online and Realtime Tracking", 2016) as in its reference sort.py:
// predict every track, assign detections to predictions by maximum total IoU, drop pairs under the
// IoU threshold, start a track per unmatched detection, report tracks that matched this frame once
// they have `minHits` consecutive hits (or while the sequence is younger than `minHits` frames),
// and delete tracks unmatched for more than `maxAge` frames. The baseline ByteTrack is measured against.
import type { Detections } from '../detections.ts';
import { iouMatrix } from './box-iou.ts';
import { BoxKalman, xysrModel } from './kalman-filter.ts';
import { assignBelowLimit } from './linear-assignment.ts';
import { trackedOutput, type TrackBoxes, type Tracker } from './tracker.ts';

/** SORT settings; defaults are those of the published MOT15 results. */
export interface SortOptions {
  /** Frames a track survives without a match (default 1). */
  maxAge?: number;
  /** Consecutive matches before a track is reported (default 3). */
  minHits?: number;
  /** Least IoU for a detection to continue a track (default 0.3). */
  iouThreshold?: number;
  /** Detections under this score are ignored (default 0: SORT takes every detection). */
  minScore?: number;
  boxes?: TrackBoxes;
}

interface SortTrack {
  id: number;
  kf: BoxKalman;
  timeSinceUpdate: number;
  hitStreak: number;
  /** Index of the detection matched in the current frame, -1 if none. */
  det: number;
}

/**
 * The SORT tracker.
 * @example const tracker = new SortTracker(); const tracked = tracker.update(detections);
 */
export class SortTracker implements Tracker {
  private readonly maxAge: number;
  private readonly minHits: number;
  private readonly iouThreshold: number;
  private readonly minScore: number;
  private readonly boxes: TrackBoxes;
  private tracks: SortTrack[] = [];
  private frameCount = 0;
  private nextId = 1;

  constructor(options: SortOptions = {}) {
    this.maxAge = options.maxAge ?? 1;
    this.minHits = options.minHits ?? 3;
    this.iouThreshold = options.iouThreshold ?? 0.3;
    this.minScore = options.minScore ?? 0;
    this.boxes = options.boxes ?? 'filtered';
  }

  reset(): void {
    this.tracks = [];
    this.frameCount = 0;
    this.nextId = 1;
  }

  update(input: Detections): Detections {
    this.frameCount++;
    const detections = this.minScore > 0 ? input.filter((i) => input.confidence[i]! >= this.minScore) : input;
    const predicted = new Float64Array(this.tracks.length * 4);
    const alive: SortTrack[] = [];
    for (const track of this.tracks) {
      track.kf.predict();
      if (track.timeSinceUpdate > 0) track.hitStreak = 0;
      track.timeSinceUpdate++;
      const box = track.kf.xyxy();
      if (box.some((v) => !Number.isFinite(v))) continue;
      predicted.set(box, alive.length * 4);
      alive.push(track);
    }
    this.tracks = alive;

    const n = detections.length;
    const m = alive.length;
    const iou = iouMatrix(detections.xyxy, predicted.subarray(0, m * 4));
    // Maximum total IoU over overlapping pairs (cost 1 - IoU below 1), then SORT's threshold.
    const cost = iou.map((v) => 1 - v);
    const detToTrack = assignBelowLimit(cost, n, m, 1);
    for (let d = 0; d < n; d++) {
      const t = detToTrack[d]!;
      if (t >= 0 && iou[d * m + t]! < this.iouThreshold) detToTrack[d] = -1;
    }
    for (const track of alive) track.det = -1;
    for (let d = 0; d < n; d++) {
      const t = detToTrack[d]!;
      if (t < 0) continue;
      const track = alive[t]!;
      track.kf.update(detections.xyxy, d * 4);
      track.timeSinceUpdate = 0;
      track.hitStreak++;
      track.det = d;
    }
    for (let d = 0; d < n; d++) {
      if (detToTrack[d]! >= 0) continue;
      this.tracks.push({ id: this.nextId++, kf: new BoxKalman(xysrModel, detections.xyxy, d * 4), timeSinceUpdate: 0, hitStreak: 0, det: d });
    }

    const indices: number[] = [];
    const ids: number[] = [];
    const boxes: number[] = [];
    const out = new Float64Array(4);
    for (const track of this.tracks) {
      if (track.timeSinceUpdate < 1 && (track.hitStreak >= this.minHits || this.frameCount <= this.minHits)) {
        indices.push(track.det);
        ids.push(track.id);
        track.kf.xyxy(out);
        boxes.push(out[0]!, out[1]!, out[2]!, out[3]!);
      }
    }
    this.tracks = this.tracks.filter((t) => t.timeSinceUpdate <= this.maxAge);
    return trackedOutput(detections, indices, ids, this.boxes, Float64Array.from(boxes));
  }
}
