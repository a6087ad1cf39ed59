// ByteTrack (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection Box",
// ECCV 2022), following its reference BYTETracker: high-score detections are matched first to
// confirmed and lost tracks, then low-score detections rescue the tracks still unmatched (occluded
// people score low but are still there), new tracks need one more match to be confirmed, and lost
// tracks are kept `trackBuffer` frames (scaled by frame rate) so they can come back with their id.
// An optional appearance cue (one embedding per detection in a data column) joins the first
// association as in BoT-SORT: cosine distance, gated by appearance and by proximity.
//
// Departures from the reference, all measured on MOT15 with SORT's Faster R-CNN detections
// (see bench/tracker.bench.ts) and switchable back:
// - Motion model `xysr` (SORT's filter) by default. The reference's xyah filter gives the aspect
//   ratio a process noise of 0.01 per frame against a measurement noise of 0.1, so a track's width
//   stays close to its first detection's; real detectors' widths swing with limbs and pose, and the
//   frozen width made boxes that miss the person at IoU 0.5 (false positive plus miss) and weaker
//   matches. xysr lets the aspect ratio follow the detections (gain ~0.27).
// - An output policy: a track is reported only after `minHits` consecutive matches (SORT's
//   min_hits, 3; all tracks during the first `minHits` frames), then whenever it is matched. A
//   track is still created, associated and kept exactly as before; the policy only stops
//   short-lived detector false positives from being written out after two frames.
//
// OC-SORT's observation-centric pieces (observation-centric.ts) are here too: re-update after a
// gap (on by default), momentum and recovery (off by default). The defaults, and why they differ
// from the reference as measured, are in byte-track-options.ts.
import type { Detections } from '../detections.ts';
import { isIdentityAffine, type Affine } from '../motion/affine.ts';
import { cosineDistance, normalised } from './appearance-cue.ts';
import { boxIou, iouMatrix } from './box-iou.ts';
import { BoxPairs, overlapPairs } from './box-overlap.ts';
import { resolveByteTrackOptions, type ByteTrackOptions, type ResolvedByteTrackOptions } from './byte-track-options.ts';
import { BoxKalman, xyahModel, xysrModel } from './kalman-filter.ts';
import { assignBelowLimit, assignPairsBelowLimit } from './linear-assignment.ts';
import { directionConsistency, ObservationHistory, reupdate } from './observation-centric.ts';
import { trackedOutput, type Tracker } from './tracker.ts';

export { BYTE_TRACK_DEFAULT_SCORE, type ByteTrackOptions } from './byte-track-options.ts';

type TrackState = 'tracked' | 'lost' | 'removed';

/** A detection of an earlier frame that belongs to a track first reported in the latest frame. */
export interface EarlierBox {
  /** The frame as counted by the tracker: 1 for the first `update` call since construction or reset, then on by each call's `elapsed`. */
  frame: number;
  trackerId: number;
  /** The detection's own box (x1, y1, x2, y2). */
  xyxy: Float64Array;
  confidence: number;
}

interface ByteTrack {
  id: number;
  kf: BoxKalman;
  state: TrackState;
  activated: boolean;
  startFrame: number;
  endFrame: number;
  det: number;
  embedding: Float64Array | null;
  history: ObservationHistory;
  /** Consecutive updates matched, up to this one. */
  streak: number;
  /** The frame the current streak began. */
  streakStart: number;
  /** Reached `minHits` consecutive matches once: reported whenever matched from then on. */
  reported: boolean;
  /** Has been in an output: its withheld first matches were handed back then. */
  written: boolean;
}

/**
 * The ByteTrack tracker: `update(detections)` returns the detections of confirmed tracks with ids.
 * @example const tracker = new ByteTracker({ frameRate: 25 }); for (const d of frames) draw(tracker.update(d));
 */
export class ByteTracker implements Tracker {
  private readonly o: ResolvedByteTrackOptions;
  private readonly maxTimeLost: number;
  private tracked: ByteTrack[] = [];
  private lost: ByteTrack[] = [];
  private frameId = 0;
  /** `update` calls since construction or reset (SORT's rule reports every track during the first minHits). */
  private calls = 0;
  private earlier: EarlierBox[] = [];
  private nextId = 1;
  private trackXyxy = new Float64Array(64);
  private detXyxy = new Float64Array(64);
  private readonly pairs = new BoxPairs();

  constructor(options: ByteTrackOptions = {}) {
    this.o = resolveByteTrackOptions(options);
    this.maxTimeLost = Math.floor((this.o.frameRate / 30) * this.o.trackBuffer);
  }

  /**
   * The detections of earlier frames that belong to the tracks the latest `update` reported for the
   * first time: the matches of their first `minHits - 1` frames, which were withheld while the track
   * might still have been a false positive. A consumer that can write late (a results file) adds
   * them and loses no recall to the confirmation wait; a live one can ignore them.
   */
  confirmedEarlier(): readonly EarlierBox[] {
    return this.earlier;
  }

  /**
   * Camera-motion compensation: `m` maps the previous frame's pixels to the next frame's (from
   * `CameraMotionEstimator.estimate`); called before that frame's `update`, it moves every track's
   * filter and observations with the camera, so association compares like with like.
   */
  compensate(m: Affine): void {
    if (isIdentityAffine(m)) return;
    const model = this.o.motion === 'xyah' ? xyahModel : xysrModel;
    for (const t of [...this.tracked, ...this.lost]) {
      t.kf.warp(m);
      t.history.warp(m, model);
    }
  }

  reset(): void {
    this.earlier = [];
    this.tracked = [];
    this.lost = [];
    this.frameId = 0;
    this.calls = 0;
    this.nextId = 1;
  }

  /**
   * `elapsed`: frames since the previous call, 1 unless the caller skipped or lost frames (a live
   * camera that detects only some frames): the tracks' motion is predicted over all of them, and
   * lost tracks age by frames, not by calls.
   */
  update(detections: Detections, elapsed = 1): Detections {
    const o = this.o;
    const steps = this.frameId === 0 ? 1 : Math.max(1, Math.round(elapsed));
    const previous = this.frameId;
    const frame = (this.frameId += steps);
    this.calls++;
    this.earlier = [];
    const score = detections.confidence;
    const embeddings = o.appearance ? (detections.data[o.appearance.key] as readonly ArrayLike<number>[] | undefined) : undefined;
    const high: number[] = [];
    const low: number[] = [];
    for (let i = 0; i < detections.length; i++) {
      if (score[i]! >= o.trackThresh) high.push(i);
      else if (score[i]! > o.lowThresh) low.push(i);
    }
    for (const t of this.tracked) t.det = -1;
    for (const t of this.lost) t.det = -1;

    const unconfirmed = this.tracked.filter((t) => !t.activated);
    const pool = [...this.tracked.filter((t) => t.activated), ...this.lost];
    for (const t of pool) {
      // The reference stops a lost track's height change (xyah's state 7); xysr has no such entry.
      if (t.state !== 'tracked' && o.motion === 'xyah') t.kf.mean[7] = 0;
      // Likewise xysr's area velocity: a lost track's box should not keep growing or shrinking.
      if (t.state !== 'tracked' && o.motion === 'xysr') t.kf.mean[6] = 0;
      for (let k = 0; k < steps; k++) t.kf.predict();
    }

    // 1. High-score detections against confirmed and lost tracks.
    const m1 = this.associate(pool, high, detections, o.fuseScore, embeddings, o.matchThresh, 'predicted', o.directionWeight);
    const highUsed = new Uint8Array(high.length);
    const poolLeft: ByteTrack[] = [];
    m1.forEach((k, p) => {
      const track = pool[p]!;
      // A lost track comes back only on a real overlap with its prediction (see lostMinIou).
      if (k >= 0 && track.state === 'lost' && o.lostMinIou > 0 && boxIou(track.kf.xyxy(), 0, detections.xyxy, high[k]!) < o.lostMinIou) k = -1;
      if (k < 0) return poolLeft.push(track);
      highUsed[k] = 1;
      this.updateTrack(track, detections, high[k]!, frame, previous, embeddings);
    });

    // 2. Low-score detections rescue tracks that were tracked last frame.
    const rTracked = poolLeft.filter((t) => t.state === 'tracked');
    const m2 = this.associate(rTracked, low, detections, false, undefined, o.lowMatchThresh, 'predicted', 0);
    m2.forEach((k, r) => {
      const track = rTracked[r]!;
      if (k >= 0) this.updateTrack(track, detections, low[k]!, frame, previous, embeddings);
      else track.state = 'lost';
    });

    // 2b. Recovery (OC-SORT's OCR): tracks still unmatched against the high-score detections left,
    // at their last observed box instead of a prediction that may have run off.
    let rest = high.filter((_, k) => highUsed[k] === 0);
    if (o.recoveryIou > 0) {
      const unmatched = poolLeft.filter((t) => t.det < 0);
      const mr = this.associate(unmatched, rest, detections, false, undefined, 1 - o.recoveryIou, 'observed', 0);
      const recovered = new Uint8Array(rest.length);
      mr.forEach((k, u) => {
        if (k < 0) return;
        recovered[k] = 1;
        this.updateTrack(unmatched[u]!, detections, rest[k]!, frame, previous, embeddings);
      });
      rest = rest.filter((_, k) => recovered[k] === 0);
    }

    // 3. Unconfirmed (one-frame-old) tracks against the high-score detections left.
    const m3 = this.associate(unconfirmed, rest, detections, o.fuseScore, undefined, o.unconfirmedMatchThresh, 'predicted', 0);
    const restUsed = new Uint8Array(rest.length);
    m3.forEach((k, u) => {
      const track = unconfirmed[u]!;
      if (k < 0) return void (track.state = 'removed');
      restUsed[k] = 1;
      this.updateTrack(track, detections, rest[k]!, frame, previous, embeddings);
    });

    // 4. New tracks from confident detections nobody claimed.
    const born: ByteTrack[] = [];
    rest.forEach((d, k) => {
      if (restUsed[k] === 1 || score[d]! < o.newTrackThresh) return;
      const kf = new BoxKalman(o.motion === 'xyah' ? xyahModel : xysrModel, detections.xyxy, d * 4);
      const history = new ObservationHistory(o.directionFrames, o.minHits);
      history.observe(frame, detections.xyxy, d * 4, kf.mean, kf.cov, score[d]!);
      const track: ByteTrack = { id: this.nextId++, kf, state: 'tracked', activated: frame === 1, startFrame: frame, endFrame: frame, det: d, embedding: null, history, streak: 1, streakStart: frame, reported: false, written: false };
      if (embeddings?.[d]) track.embedding = normalised(embeddings[d]);
      born.push(track);
    });

    // 5. Bookkeeping: expire lost tracks, move tracks between lists, drop duplicates.
    const all = [...this.tracked, ...this.lost, ...born];
    for (const t of all) if (t.state === 'lost' && frame - t.endFrame > this.maxTimeLost) t.state = 'removed';
    const uniq = [...new Set(all)];
    this.tracked = uniq.filter((t) => t.state === 'tracked');
    this.lost = uniq.filter((t) => t.state === 'lost');
    this.removeDuplicates();

    const out: ByteTrack[] = [];
    for (const t of this.tracked) {
      if (t.det < 0) continue;
      if (!t.reported && (t.streak >= o.minHits || this.calls <= o.minHits)) t.reported = true;
      if (!t.reported || !t.activated) continue;
      if (!t.written) {
        t.written = true;
        for (const e of t.history.before(frame)) if (e.frame >= t.streakStart) this.earlier.push({ frame: e.frame, trackerId: t.id, xyxy: e.xyxy, confidence: e.score });
      }
      out.push(t);
    }
    const boxes = new Float64Array(out.length * 4);
    out.forEach((t, k) => t.kf.xyxy(boxes, k * 4));
    return trackedOutput(detections, out.map((t) => t.det), out.map((t) => t.id), o.boxes, boxes);
  }

  private updateTrack(track: ByteTrack, detections: Detections, d: number, frame: number, previous: number, embeddings: readonly ArrayLike<number>[] | undefined): void {
    if (this.o.reupdate) reupdate(track.kf, track.history, frame, detections.xyxy, d * 4);
    else track.kf.update(detections.xyxy, d * 4);
    track.history.observe(frame, detections.xyxy, d * 4, track.kf.mean, track.kf.cov, detections.confidence[d]!);
    if (track.endFrame === previous) track.streak++;
    else {
      track.streak = 1;
      track.streakStart = frame;
    }
    track.state = 'tracked';
    track.activated = true;
    track.endFrame = frame;
    track.det = d;
    const e = embeddings?.[d];
    if (e) {
      const next = normalised(e);
      const m = this.o.appearance?.momentum ?? 0.9;
      if (track.embedding && track.embedding.length === next.length) {
        for (let k = 0; k < next.length; k++) next[k] = m * track.embedding[k]! + (1 - m) * next[k]!;
        track.embedding = normalised(next);
      } else track.embedding = next;
    }
  }

  /**
   * Matches `tracks` (at their predicted or last observed boxes) to the detections `dets` (cost
   * 1 - IoU, optionally score-fused, lowered by appearance when given) by `assignBelowLimit`;
   * returns track -> index into `dets` or -1. With `directionWeight`, a pair under the limit is
   * made cheaper the more the detection continues the track's direction (OC-SORT's momentum), and
   * the pairs over it stay out. Gated: only overlapping pairs are scored. That is exact whenever a
   * pair that does not overlap cannot be under the limit: its cost is 1, and appearance needs
   * proximity (IoU) to apply.
   */
  private associate(tracks: readonly ByteTrack[], dets: readonly number[], detections: Detections, fuse: boolean, embeddings: readonly ArrayLike<number>[] | undefined, limit: number, at: 'predicted' | 'observed', directionWeight: number): Int32Array {
    const n = tracks.length;
    const m = dets.length;
    if (this.trackXyxy.length < n * 4) this.trackXyxy = new Float64Array(n * 8);
    if (this.detXyxy.length < m * 4) this.detXyxy = new Float64Array(m * 8);
    const tb = this.trackXyxy.subarray(0, n * 4);
    const db = this.detXyxy.subarray(0, m * 4);
    for (let k = 0; k < n; k++) {
      if (at === 'observed') tb.set(tracks[k]!.history.last, k * 4);
      else tracks[k]!.kf.xyxy(tb, k * 4);
    }
    const xyxy = detections.xyxy;
    for (let k = 0; k < m; k++) for (let c = 0; c < 4; c++) db[k * 4 + c] = xyxy[dets[k]! * 4 + c]!;
    const app = this.o.appearance;
    const proximity = app?.proximity ?? 0.5;
    const cost = (t: number, d: number, iou: number): number => {
      const iouCost = 1 - iou;
      let c = fuse ? 1 - iou * detections.confidence[dets[d]!]! : iouCost;
      const te = tracks[t]!.embedding;
      const de = embeddings?.[dets[d]!];
      if (app && te && de && iouCost <= proximity) {
        const emb = cosineDistance(te, de) / 2;
        if (emb <= (app.threshold ?? 0.25)) c = Math.min(c, emb);
      }
      if (directionWeight > 0 && c < limit) {
        const k = dets[d]!;
        c -= directionWeight * directionConsistency(tracks[t]!.history, xyxy, k * 4) * detections.confidence[k]!;
        // Kept inside the limit: the direction reorders admissible pairs, it never admits one.
        c = Math.min(c, limit - 1e-9);
      }
      return c;
    };
    if (this.o.gating && limit <= 1 && !(app && proximity >= 1)) {
      const pairs = overlapPairs(tb, db, this.pairs);
      for (let e = 0; e < pairs.count; e++) pairs.values[e] = cost(pairs.rows[e]!, pairs.cols[e]!, pairs.values[e]!);
      return assignPairsBelowLimit(pairs, n, m, limit);
    }
    const iou = iouMatrix(tb, db);
    const dense = new Float64Array(iou.length);
    for (let t = 0; t < n; t++) for (let d = 0; d < m; d++) dense[t * m + d] = cost(t, d, iou[t * m + d]!);
    return assignBelowLimit(dense, n, m, limit);
  }

  /** A track present as both tracked and lost is the same person twice: keep the longer history. */
  private removeDuplicates(): void {
    const n = this.tracked.length;
    const m = this.lost.length;
    if (n === 0 || m === 0) return;
    const a = new Float64Array(n * 4);
    const b = new Float64Array(m * 4);
    this.tracked.forEach((t, k) => t.kf.xyxy(a, k * 4));
    this.lost.forEach((t, k) => t.kf.xyxy(b, k * 4));
    const dropTracked = new Set<ByteTrack>();
    const dropLost = new Set<ByteTrack>();
    const visit = (i: number, j: number, iou: number): void => {
      if (1 - iou >= 0.15) return;
      const p = this.tracked[i]!;
      const q = this.lost[j]!;
      if (p.endFrame - p.startFrame > q.endFrame - q.startFrame) dropLost.add(q);
      else dropTracked.add(p);
    };
    if (this.o.gating) {
      const pairs = overlapPairs(a, b, this.pairs);
      for (let e = 0; e < pairs.count; e++) visit(pairs.rows[e]!, pairs.cols[e]!, pairs.values[e]!);
    } else {
      const iou = iouMatrix(a, b);
      for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) visit(i, j, iou[i * m + j]!);
    }
    if (dropTracked.size > 0) this.tracked = this.tracked.filter((t) => !dropTracked.has(t));
    if (dropLost.size > 0) this.lost = this.lost.filter((t) => !dropLost.has(t));
  }
}

