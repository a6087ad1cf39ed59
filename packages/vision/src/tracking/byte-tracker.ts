// ByteTrack (Zhang et al., "ByteTrack: Multi-Object Tracking by Associating Every Detection Box",
// ECCV 2022), following its reference BYTETracker: high-score detections are matched first to
// confirmed and lost tracks, then low-score detections rescue the tracks still unmatched (occluded
// people score low but are still there), new tracks need one more match to be confirmed, and lost
// tracks are kept `trackBuffer` frames (scaled by frame rate) so they can come back with their id.
// An optional appearance cue (one embedding per detection in a data column) joins the first
// association as in BoT-SORT: cosine distance, gated by appearance and by proximity.
import type { Detections } from '../detections.ts';
import { iouMatrix } from './box-iou.ts';
import { BoxKalman, xyahModel } from './kalman-filter.ts';
import { assignBelowLimit } from './linear-assignment.ts';
import { trackedOutput, type TrackBoxes, type Tracker } from './tracker.ts';

/** ByteTrack settings; defaults are the reference implementation's MOT17 settings. */
export interface ByteTrackOptions {
  /** Score splitting high from low detections (default 0.5). */
  trackThresh?: number;
  /** Detections at or under this score are dropped (default 0.1). */
  lowThresh?: number;
  /** Least score for a detection to start a track (default trackThresh + 0.1). */
  newTrackThresh?: number;
  /** Largest cost (1 - IoU, score-fused) in the first association (default 0.8). */
  matchThresh?: number;
  /** Largest 1 - IoU when low-score detections rescue tracks (default 0.5). */
  lowMatchThresh?: number;
  /** Largest cost when a new track meets its second detection (default 0.7). */
  unconfirmedMatchThresh?: number;
  /** Frames a lost track is kept at 30 fps (default 30); scaled by `frameRate / 30`. */
  trackBuffer?: number;
  /** Video frame rate (default 30). */
  frameRate?: number;
  /** Multiply IoU by detection score in the first association (default true; MOT20 used false). */
  fuseScore?: boolean;
  /** Appearance cue: name of the `Detections.data` column holding one embedding (number array) per box. */
  appearance?: { key: string; threshold?: number; proximity?: number; momentum?: number };
  boxes?: TrackBoxes;
}

type TrackState = 'tracked' | 'lost' | 'removed';

interface ByteTrack {
  id: number;
  kf: BoxKalman;
  state: TrackState;
  activated: boolean;
  startFrame: number;
  endFrame: number;
  det: number;
  embedding: Float64Array | null;
}

/**
 * The ByteTrack tracker: `update(detections)` returns the detections of confirmed tracks with ids.
 * @example const tracker = new ByteTracker({ frameRate: 25 }); for (const d of frames) draw(tracker.update(d));
 */
export class ByteTracker implements Tracker {
  private readonly o: Required<Omit<ByteTrackOptions, 'appearance'>> & { appearance: ByteTrackOptions['appearance'] };
  private readonly maxTimeLost: number;
  private tracked: ByteTrack[] = [];
  private lost: ByteTrack[] = [];
  private frameId = 0;
  private nextId = 1;

  constructor(options: ByteTrackOptions = {}) {
    const trackThresh = options.trackThresh ?? 0.5;
    this.o = {
      trackThresh,
      lowThresh: options.lowThresh ?? 0.1,
      newTrackThresh: options.newTrackThresh ?? trackThresh + 0.1,
      matchThresh: options.matchThresh ?? 0.8,
      lowMatchThresh: options.lowMatchThresh ?? 0.5,
      unconfirmedMatchThresh: options.unconfirmedMatchThresh ?? 0.7,
      trackBuffer: options.trackBuffer ?? 30,
      frameRate: options.frameRate ?? 30,
      fuseScore: options.fuseScore ?? true,
      appearance: options.appearance,
      boxes: options.boxes ?? 'filtered',
    };
    this.maxTimeLost = Math.floor((this.o.frameRate / 30) * this.o.trackBuffer);
  }

  reset(): void {
    this.tracked = [];
    this.lost = [];
    this.frameId = 0;
    this.nextId = 1;
  }

  update(detections: Detections): Detections {
    const o = this.o;
    const frame = ++this.frameId;
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
      if (t.state !== 'tracked') t.kf.mean[7] = 0;
      t.kf.predict();
    }

    // 1. High-score detections against confirmed and lost tracks.
    const cost1 = this.costs(pool, high, detections, o.fuseScore, embeddings);
    const m1 = assignBelowLimit(cost1, pool.length, high.length, o.matchThresh);
    const highLeft = new Set(high.map((_, k) => k));
    const poolLeft: ByteTrack[] = [];
    m1.forEach((k, p) => {
      const track = pool[p]!;
      if (k < 0) return poolLeft.push(track);
      highLeft.delete(k);
      this.updateTrack(track, detections, high[k]!, frame, embeddings);
    });

    // 2. Low-score detections rescue tracks that were tracked last frame.
    const rTracked = poolLeft.filter((t) => t.state === 'tracked');
    const cost2 = this.costs(rTracked, low, detections, false, undefined);
    const m2 = assignBelowLimit(cost2, rTracked.length, low.length, o.lowMatchThresh);
    m2.forEach((k, r) => {
      const track = rTracked[r]!;
      if (k >= 0) this.updateTrack(track, detections, low[k]!, frame, embeddings);
      else track.state = 'lost';
    });

    // 3. Unconfirmed (one-frame-old) tracks against the high-score detections left.
    const rest = high.filter((_, k) => highLeft.has(k));
    const cost3 = this.costs(unconfirmed, rest, detections, o.fuseScore, undefined);
    const m3 = assignBelowLimit(cost3, unconfirmed.length, rest.length, o.unconfirmedMatchThresh);
    const restUsed = new Set<number>();
    m3.forEach((k, u) => {
      const track = unconfirmed[u]!;
      if (k < 0) return void (track.state = 'removed');
      restUsed.add(k);
      this.updateTrack(track, detections, rest[k]!, frame, embeddings);
    });

    // 4. New tracks from confident detections nobody claimed.
    const born: ByteTrack[] = [];
    rest.forEach((d, k) => {
      if (restUsed.has(k) || score[d]! < o.newTrackThresh) return;
      const track: ByteTrack = { id: this.nextId++, kf: new BoxKalman(xyahModel, detections.xyxy, d * 4), state: 'tracked', activated: frame === 1, startFrame: frame, endFrame: frame, det: d, embedding: null };
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

    const out = this.tracked.filter((t) => t.activated && t.det >= 0);
    const boxes = new Float64Array(out.length * 4);
    out.forEach((t, k) => t.kf.xyxy(boxes, k * 4));
    return trackedOutput(detections, out.map((t) => t.det), out.map((t) => t.id), o.boxes, boxes);
  }

  private updateTrack(track: ByteTrack, detections: Detections, d: number, frame: number, embeddings: readonly ArrayLike<number>[] | undefined): void {
    track.kf.update(detections.xyxy, d * 4);
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

  /** Cost matrix tracks x detections: 1 - IoU (optionally score-fused), lowered by appearance when given. */
  private costs(tracks: readonly ByteTrack[], dets: readonly number[], detections: Detections, fuse: boolean, embeddings: readonly ArrayLike<number>[] | undefined): Float64Array {
    const tb = new Float64Array(tracks.length * 4);
    tracks.forEach((t, k) => t.kf.xyxy(tb, k * 4));
    const db = new Float64Array(dets.length * 4);
    dets.forEach((d, k) => db.set(detections.xyxy.subarray(d * 4, d * 4 + 4), k * 4));
    const iou = iouMatrix(tb, db);
    const m = dets.length;
    const cost = new Float64Array(iou.length);
    const app = this.o.appearance;
    for (let i = 0; i < tracks.length; i++) {
      for (let j = 0; j < m; j++) {
        const v = iou[i * m + j]!;
        const iouCost = 1 - v;
        cost[i * m + j] = fuse ? 1 - v * detections.confidence[dets[j]!]! : iouCost;
        const te = tracks[i]!.embedding;
        const de = embeddings?.[dets[j]!];
        if (app && te && de && iouCost <= (app.proximity ?? 0.5)) {
          const emb = cosineDistance(te, de) / 2;
          if (emb <= (app.threshold ?? 0.25)) cost[i * m + j] = Math.min(cost[i * m + j]!, emb);
        }
      }
    }
    return cost;
  }

  /** A track present as both tracked and lost is the same person twice: keep the longer history. */
  private removeDuplicates(): void {
    if (this.tracked.length === 0 || this.lost.length === 0) return;
    const a = new Float64Array(this.tracked.length * 4);
    const b = new Float64Array(this.lost.length * 4);
    this.tracked.forEach((t, k) => t.kf.xyxy(a, k * 4));
    this.lost.forEach((t, k) => t.kf.xyxy(b, k * 4));
    const iou = iouMatrix(a, b);
    const dropTracked = new Set<ByteTrack>();
    const dropLost = new Set<ByteTrack>();
    const m = this.lost.length;
    for (let i = 0; i < this.tracked.length; i++) {
      for (let j = 0; j < m; j++) {
        if (1 - iou[i * m + j]! >= 0.15) continue;
        const p = this.tracked[i]!;
        const q = this.lost[j]!;
        if (p.endFrame - p.startFrame > q.endFrame - q.startFrame) dropLost.add(q);
        else dropTracked.add(p);
      }
    }
    this.tracked = this.tracked.filter((t) => !dropTracked.has(t));
    this.lost = this.lost.filter((t) => !dropLost.has(t));
  }
}

function normalised(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < out.length; k++) out[k]! /= norm;
  return out;
}

function cosineDistance(a: Float64Array, b: ArrayLike<number>): number {
  let dot = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * (b[k] ?? 0);
    nb += (b[k] ?? 0) ** 2;
  }
  return 1 - dot / (Math.sqrt(nb) || 1);
}
