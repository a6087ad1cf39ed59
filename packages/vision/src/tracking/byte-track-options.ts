// ByteTrack's settings and their defaults (byte-tracker.ts is the tracker). The defaults were
// chosen once for all seven MOT15 train sequences with SORT's Faster R-CNN detections
// (`npm run bench -- tracker`; no per-sequence values), MOTA / IDF1 change against SORT mode:
// - trackThresh 0.8 (was the reference's 0.5) and newTrackThresh 0.8. Those detections are already
//   cut at 0.5 and most true people score over 0.9, so at 0.5 there were no low-score boxes at all
//   and every weak box could start or steal a track. At 0.8 the 0.5-0.8 boxes only rescue tracks
//   (ByteTrack's second association). 0.7 and 0.85 are within 0.4 MOTA points; 0.5 loses 2.
// - Lost tracks: kept trackBuffer 30 frames at 30 fps as in the reference, but they come back only
//   when the detection overlaps their prediction at IoU 0.3 (lostMinIou; the first association
//   alone takes IoU x score down to 0.2), and a lost xysr track's area stops changing (as the
//   reference stops xyah's height). A prediction carried for a second without observations lands
//   on whoever is near it: without the two, ETH-Bahnhof (moving camera) lost 1.8 IDF1 points to
//   SORT; a shorter buffer (12) fixed that too but cost PETS09 (static camera, people crossing)
//   10 IDF1 points.
// - Momentum (directionWeight 0.2) cost 0.4 MOTA points on average. Recovery (recoveryIou 0.3)
//   is level on MOTA but takes ETH-Bahnhof's IDF1 below SORT's (-1.7): with a moving camera a
//   person's last observed box is not where they are. On the static PETS09 camera it helps (IDF1
//   0.54 -> 0.59, identity switches 18 -> 12), so it is an option for fixed cameras, not the
//   default. Re-update is within 0.1 points here and kept on: it is what makes a re-found track's
//   velocity sane.
// - minHits 6 (SORT's 3) with the withheld frames handed back: a new track is reported from its 6th
//   consecutive match, and `confirmedEarlier()` then returns its first 5 matches, for consumers that
//   can write late (result files). Short-lived false positives are never written and a real
//   person's first frames are not lost (SORT's min_hits loses them): +1.1 MOTA points on average
//   over minHits 3 without the hand-back; 5 to 8 are within 0.3 points. A live consumer that must
//   report at once sets minHits itself (Scouter's live stage keeps 3).
// Result: MOTA above SORT on all seven (+3.3 points on average), IDF1 above SORT mode on all seven.
import type { TrackBoxes } from './tracker.ts';

/** The score that starts and continues a track when no detector calibration is given (trackThresh, newTrackThresh; see the header). */
export const BYTE_TRACK_DEFAULT_SCORE = 0.8;

/** ByteTrack settings; defaults are the reference implementation's MOT17 settings except where the header says. */
export interface ByteTrackOptions {
  /** Score splitting high from low detections (default 0.8; the reference's 0.5, see the header). */
  trackThresh?: number;
  /** Detections at or under this score are dropped (default 0.1). */
  lowThresh?: number;
  /** Least score for a detection to start a track (default the larger of trackThresh and 0.8). */
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
  /** Box filter: `xysr` (SORT's, default) or `xyah` (the ByteTrack/DeepSORT reference's). */
  motion?: 'xysr' | 'xyah';
  /** Consecutive matches before a track is first reported (default 6; SORT's min_hits is 3; 0 or 1 = as soon as confirmed). Its earlier frames come from `confirmedEarlier()`. */
  minHits?: number;
  /** Only score pairs of overlapping boxes (default true); false computes the full IoU matrix (same results, slower). */
  gating?: boolean;
  /** Appearance cue: name of the `Detections.data` column holding one embedding (number array) per box. */
  appearance?: { key: string; threshold?: number; proximity?: number; momentum?: number };
  boxes?: TrackBoxes;
  /** Least IoU between a lost track's prediction and a high-score detection for the track to come back (default 0.3, SORT's gate; 0 = the first association's limit alone). */
  lostMinIou?: number;
  /** OC-SORT's observation-centric re-update after a gap (default true). */
  reupdate?: boolean;
  /** OC-SORT's momentum: weight of direction consistency in the first association (default 0 = off; OC-SORT uses 0.2). */
  directionWeight?: number;
  /** Frames between the two observations that give a track's direction (default 3). */
  directionFrames?: number;
  /** OC-SORT's recovery: least IoU of a track's last observed box with a detection left over (default 0 = off; OC-SORT uses 0.3). */
  recoveryIou?: number;
}

/** Every setting with its default filled in (the appearance cue stays optional). */
export type ResolvedByteTrackOptions = Required<Omit<ByteTrackOptions, 'appearance'>> & { appearance: ByteTrackOptions['appearance'] };

/** `options` with the defaults above filled in. */
export function resolveByteTrackOptions(options: ByteTrackOptions): ResolvedByteTrackOptions {
  const trackThresh = options.trackThresh ?? BYTE_TRACK_DEFAULT_SCORE;
  return {
    trackThresh,
    lowThresh: options.lowThresh ?? 0.1,
    newTrackThresh: options.newTrackThresh ?? Math.max(trackThresh, BYTE_TRACK_DEFAULT_SCORE),
    matchThresh: options.matchThresh ?? 0.8,
    lowMatchThresh: options.lowMatchThresh ?? 0.5,
    unconfirmedMatchThresh: options.unconfirmedMatchThresh ?? 0.7,
    trackBuffer: options.trackBuffer ?? 30,
    frameRate: options.frameRate ?? 30,
    fuseScore: options.fuseScore ?? true,
    motion: options.motion ?? 'xysr',
    minHits: options.minHits ?? 6,
    gating: options.gating ?? true,
    appearance: options.appearance,
    boxes: options.boxes ?? 'filtered',
    reupdate: options.reupdate ?? true,
    lostMinIou: options.lostMinIou ?? 0.3,
    directionWeight: options.directionWeight ?? 0,
    directionFrames: options.directionFrames ?? 3,
    recoveryIou: options.recoveryIou ?? 0,
  };
}
