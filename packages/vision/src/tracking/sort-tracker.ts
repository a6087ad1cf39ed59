// SORT (Bewley et al., "Simple Online and Realtime Tracking", 2016) as in its reference sort.py:
// predict every track, assign detections to predictions by maximum total IoU, drop pairs under the
// IoU threshold, start a track per unmatched detection, report tracks that matched this frame once
// they have `minHits` consecutive hits (or while the sequence is younger than `minHits` frames),
// and delete tracks unmatched for more than `maxAge` frames. The baseline ByteTrack is measured against.
import type { Detections } from '../detections.ts';
import { boxIou, iouMatrix } from './box-iou.ts';
import { BoxPairs, overlapPairs } from './box-overlap.ts';
import { BoxKalman, xysrModel } from './kalman-filter.ts';
import { assignBelowLimit, assignPairsBelowLimit } from './linear-assignment.ts';
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
  /** Only score pairs of overlapping boxes (default true); false computes the full IoU matrix (same results, slower). */
  gating?: boolean;
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
  private readonly gating: boolean;
  private readonly pairs = new BoxPairs();
  private predicted = new Float64Array(64);
  private tracks: SortTrack[] = [];
  private frameCount = 0;
  private nextId = 1;

  constructor(options: SortOptions = {}) {
    this.maxAge = options.maxAge ?? 1;
    this.minHits = options.minHits ?? 3;
    this.iouThreshold = options.iouThreshold ?? 0.3;
    this.minScore = options.minScore ?? 0;
    this.boxes = options.boxes ?? 'filtered';
    this.gating = options.gating ?? true;
  }

  reset(): void {
    this.tracks = [];
    this.frameCount = 0;
    this.nextId = 1;
  }

  update(input: Detections): Detections {
    this.frameCount++;
    const detections = this.minScore > 0 ? input.filter((i) => input.confidence[i]! >= this.minScore) : input;
    if (this.predicted.length < this.tracks.length * 4) this.predicted = new Float64Array(this.tracks.length * 8);
    const predicted = this.predicted;
    const alive: SortTrack[] = [];
    for (const track of this.tracks) {
      track.kf.predict();
      if (track.timeSinceUpdate > 0) track.hitStreak = 0;
      track.timeSinceUpdate++;
      const k = alive.length * 4;
      track.kf.xyxy(predicted, k);
      if (!(Number.isFinite(predicted[k]!) && Number.isFinite(predicted[k + 1]!) && Number.isFinite(predicted[k + 2]!) && Number.isFinite(predicted[k + 3]!))) continue;
      alive.push(track);
    }
    this.tracks = alive;

    const n = detections.length;
    const m = alive.length;
    const trackXyxy = predicted.subarray(0, m * 4);
    // Maximum total IoU over overlapping pairs (cost 1 - IoU below 1), then SORT's threshold.
    let detToTrack: Int32Array;
    if (this.gating) {
      const pairs = overlapPairs(detections.xyxy, trackXyxy, this.pairs);
      for (let e = 0; e < pairs.count; e++) pairs.values[e] = 1 - pairs.values[e]!;
      detToTrack = assignPairsBelowLimit(pairs, n, m, 1);
    } else {
      detToTrack = assignBelowLimit(iouMatrix(detections.xyxy, trackXyxy).map((v) => 1 - v), n, m, 1);
    }
    for (let d = 0; d < n; d++) {
      const t = detToTrack[d]!;
      if (t >= 0 && boxIou(detections.xyxy, d, trackXyxy, t) < this.iouThreshold) detToTrack[d] = -1;
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
    for (const track of this.tracks) {
      if (track.timeSinceUpdate < 1 && (track.hitStreak >= this.minHits || this.frameCount <= this.minHits)) {
        indices.push(track.det);
        ids.push(track.id);
      }
    }
    const boxes = new Float64Array(indices.length * 4);
    let k = 0;
    for (const track of this.tracks) if (track.timeSinceUpdate < 1 && (track.hitStreak >= this.minHits || this.frameCount <= this.minHits)) track.kf.xyxy(boxes, 4 * k++);
    this.tracks = this.tracks.filter((t) => t.timeSinceUpdate <= this.maxAge);
    return trackedOutput(detections, indices, ids, this.boxes, boxes);
  }
}
