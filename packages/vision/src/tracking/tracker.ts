import { Detections } from '../detections.ts';
import type { Affine } from '../motion/affine.ts';
import type { EarlierBox } from './byte-tracker.ts';

/** A multi-object tracker: one call per frame, in frame order. */
export interface Tracker {
  /**
   * Associates this frame's detections with the tracks and returns the detections that belong to
   * confirmed tracks, with `trackerId` set (ids start at 1 and never change for a track).
   * `elapsed`: frames since the previous call (default 1); more when the caller skipped frames,
   * so that motion is predicted and tracks age over the frames, not the calls (ByteTracker; SORT,
   * the reference, steps once per call).
   */
  update(detections: Detections, elapsed?: number): Detections;
  /**
   * Camera-motion compensation, where the tracker has it (ByteTracker; SORT, the reference, does
   * not): moves the tracks by the camera's motion `m` from the previous frame to the next, before
   * that frame's `update`.
   */
  compensate?(m: Affine): void;
  /**
   * Where the tracker withholds a new track's first matches until it confirms it (ByteTracker):
   * those matches, for the tracks the last `update` confirmed (consumers that can write late).
   */
  confirmedEarlier?(): readonly EarlierBox[];
  /** Forgets every track (ids restart at 1). */
  reset(): void;
}

/** Which box a tracker returns: its filtered estimate (as SORT/ByteTrack write results) or the detection's own. */
export type TrackBoxes = 'filtered' | 'detection';

/**
 * The matched detections of one frame as tracker output: `indices` into `detections`, their track
 * ids and (for `filtered`) the track boxes, in the same order.
 */
export function trackedOutput(detections: Detections, indices: readonly number[], ids: readonly number[], boxes: TrackBoxes, filteredXyxy: Float64Array): Detections {
  const picked = detections.select(indices);
  const trackerId = Int32Array.from(ids);
  if (boxes === 'detection') return picked.withTrackerIds(trackerId);
  return new Detections({ xyxy: Float32Array.from(filteredXyxy), confidence: picked.confidence, classId: picked.classId, trackerId, data: picked.data });
}
