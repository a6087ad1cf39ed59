// Observation-centric pieces of OC-SORT (Cao et al., "Observation-Centric SORT: Rethinking SORT for
// Robust Multi-Object Tracking", CVPR 2023), for a tracker built on the box Kalman filter:
// - re-update (ORU): a track found again after a gap has spent the gap predicting, so its velocity
//   and covariance drifted. Restore the filter as it was at the last observation and replay the gap
//   with virtual observations on the straight line between the last and the new observation.
// - momentum (OCM): a detection that continues the direction the track's own observations moved
//   in (centre of the observation `deltaT` frames back -> last observation) is cheaper to match.
// - recovery (OCR): a track that the prediction lost is matched to detections at its last observed
//   box rather than its prediction (people who stopped, or whose prediction ran off during occlusion).

import { warpBox, type Affine } from '../motion/affine.ts';
import { warpBoxState, type BoxMotionModel } from './kalman-filter.ts';

/** The observations a track keeps for OC-SORT: the last box, a few before it, the filter then. */
export class ObservationHistory {
  /** Last observed xyxy box. */
  readonly last = new Float64Array(4);
  lastFrame = 0;
  /** Unit direction of the centre's motion over the last `deltaT` frames of observations (0,0 = unknown). */
  readonly direction = new Float64Array(2);
  /** Filter mean and covariance right after the last observation. */
  readonly mean = new Float64Array(8);
  readonly cov = new Float64Array(12);
  private readonly frames: number[] = [];
  /** The observations as made (what `before` hands back), and the same moved with the camera since (for the direction). */
  private readonly boxes: Float64Array[] = [];
  private readonly moved: Float64Array[] = [];
  private readonly scores: number[] = [];

  /** `deltaT`: frames spanned by the direction; `keep`: frames of observations kept (at least deltaT). */
  constructor(
    private readonly deltaT: number,
    private readonly keep = deltaT,
  ) {}

  /** Records the observation `xyxy[offset..offset+4]` (score `score`) made at `frame` and the filter after it. */
  observe(frame: number, xyxy: ArrayLike<number>, offset: number, kfMean: Float64Array, kfCov: Float64Array, score = 1): void {
    const box = Float64Array.from({ length: 4 }, (_, c) => xyxy[offset + c]!);
    // The observation deltaT frames back if there is one, else the nearest older one still kept.
    let previous: Float64Array | undefined;
    for (let k = this.frames.length - 1; k >= 0; k--) {
      if (frame - this.frames[k]! > this.deltaT) break;
      previous = this.moved[k];
      if (frame - this.frames[k]! === this.deltaT) break;
    }
    if (previous) {
      const [dx, dy] = centreDirection(previous, 0, box, 0);
      this.direction[0] = dx;
      this.direction[1] = dy;
    }
    this.frames.push(frame);
    this.boxes.push(box);
    this.moved.push(Float64Array.from(box));
    this.scores.push(score);
    const span = Math.max(this.deltaT, this.keep);
    while (this.frames.length > 0 && frame - this.frames[0]! > span) {
      this.frames.shift();
      this.boxes.shift();
      this.moved.shift();
      this.scores.shift();
    }
    this.last.set(box);
    this.lastFrame = frame;
    this.mean.set(kfMean);
    this.cov.set(kfCov);
  }

  /** The kept observations made before `frame`, oldest first. */
  before(frame: number): Array<{ frame: number; xyxy: Float64Array; score: number }> {
    const out = [];
    for (let k = 0; k < this.frames.length; k++) if (this.frames[k]! < frame) out.push({ frame: this.frames[k]!, xyxy: this.boxes[k]!, score: this.scores[k]! });
    return out;
  }

  /** Carries the kept observations and filter into the next frame's coordinates after the camera moved by `m` (as Deep OC-SORT does with CMC). */
  warp(m: Affine, model: BoxMotionModel): void {
    warpBox(m, this.last, 0, this.last);
    for (const box of this.moved) warpBox(m, box, 0, box);
    warpBoxState(model, this.mean, this.cov, m);
    const dx = m[0] * this.direction[0]! + m[1] * this.direction[1]!;
    const dy = m[3] * this.direction[0]! + m[4] * this.direction[1]!;
    const norm = Math.hypot(dx, dy);
    this.direction[0] = norm > 1e-9 ? dx / norm : 0;
    this.direction[1] = norm > 1e-9 ? dy / norm : 0;
  }

  get hasDirection(): boolean {
    return this.direction[0] !== 0 || this.direction[1] !== 0;
  }
}

/** Unit vector from the centre of box a to the centre of box b (0,0 when they coincide). */
export function centreDirection(a: ArrayLike<number>, ia: number, b: ArrayLike<number>, ib: number): [number, number] {
  const dx = (b[ib]! + b[ib + 2]! - a[ia]! - a[ia + 2]!) / 2;
  const dy = (b[ib + 1]! + b[ib + 3]! - a[ia + 1]! - a[ia + 3]!) / 2;
  const norm = Math.hypot(dx, dy);
  return norm > 1e-6 ? [dx / norm, dy / norm] : [0, 0];
}

/**
 * OC-SORT's direction consistency of a detection with a track: (pi/2 - angle) / pi, in -0.5..0.5,
 * where angle is between the track's observed direction and last observation -> detection.
 * 0 when either direction is unknown.
 */
export function directionConsistency(history: ObservationHistory, det: ArrayLike<number>, offset: number): number {
  if (!history.hasDirection) return 0;
  const [dx, dy] = centreDirection(history.last, 0, det, offset);
  if (dx === 0 && dy === 0) return 0;
  const cos = Math.max(-1, Math.min(1, dx * history.direction[0]! + dy * history.direction[1]!));
  return (Math.PI / 2 - Math.acos(cos)) / Math.PI;
}

/** The box filter operations the re-update needs. */
export interface ReplayableFilter {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
  predict(): void;
  update(xyxy: ArrayLike<number>, offset?: number): void;
}

/**
 * ORU: rewinds `kf` to the state after the last observation and replays the frames since with
 * virtual observations interpolated linearly to the new box, which is then applied as usual.
 * With no gap (the last observation was the frame before) it is a plain update.
 */
export function reupdate(kf: ReplayableFilter, history: ObservationHistory, frame: number, xyxy: ArrayLike<number>, offset: number): void {
  const gap = frame - history.lastFrame;
  if (history.lastFrame > 0 && gap > 1) {
    kf.mean.set(history.mean);
    kf.cov.set(history.cov);
    const virtual = new Float64Array(4);
    for (let k = 1; k < gap; k++) {
      for (let c = 0; c < 4; c++) virtual[c] = history.last[c]! + ((xyxy[offset + c]! - history.last[c]!) * k) / gap;
      kf.predict();
      kf.update(virtual, 0);
    }
    kf.predict();
  }
  kf.update(xyxy, offset);
}
