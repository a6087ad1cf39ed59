// Runs a tracker over a whole sequence into MOTChallenge rows: the one loop the CLI, the benchmarks
// and the tests share, so that all of them write what the tracker would write to a file,
// including the first frames of tracks that ByteTrack hands back once it confirms them.
import type { Detections } from '../detections.ts';
import type { Affine } from '../motion/affine.ts';
import { detectionsToMotRows, type MotRow } from '../formats/mot.ts';
import type { Tracker } from './tracker.ts';

/**
 * MOTChallenge rows (1-based pixels) of `tracker` over `frames` in order, sorted by frame then id.
 * `frameOf(k)` numbers the k-th frame given (0-based; default k + 1); the tracker is told how many
 * frames passed between two given (frames on a stride of 5: 5 each time). `motionOf(k)`: the camera's
 * motion from the frame before to the k-th, for trackers with camera-motion compensation.
 * @example const rows = trackedRows(new ByteTracker({ frameRate: 25 }), frames);
 */
export function trackedRows(tracker: Tracker, frames: Iterable<Detections>, frameOf: (k: number) => number = (k) => k + 1, motionOf?: (k: number) => Affine | undefined): MotRow[] {
  const rows: MotRow[] = [];
  let k = 0;
  for (const detections of frames) {
    const motion = k > 0 ? motionOf?.(k) : undefined;
    if (motion) tracker.compensate?.(motion);
    const elapsed = k > 0 ? Math.max(1, frameOf(k) - frameOf(k - 1)) : 1;
    rows.push(...detectionsToMotRows(frameOf(k), tracker.update(detections, elapsed)));
    // The tracker counts frames from 1 at the first frame given.
    for (const e of tracker.confirmedEarlier?.() ?? []) {
      const b = e.xyxy;
      rows.push({ frame: frameOf(0) + e.frame - 1, id: e.trackerId, x: b[0]! + 1, y: b[1]! + 1, w: b[2]! - b[0]!, h: b[3]! - b[1]!, conf: e.confidence, xOrClass: -1, yOrVisibility: -1, z: -1 });
    }
    k++;
  }
  return rows.sort((a, b) => a.frame - b.frame || a.id - b.id);
}
