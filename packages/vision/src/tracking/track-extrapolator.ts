// Boxes for the frames a detector skipped. When a pipeline detects on every k-th frame only, the
// frames between still get each track's box, moved on at the velocity the track showed between its
// last two detected frames (constant velocity, as the tracker's own motion model assumes).
import { Detections } from '../detections.ts';

interface Seen {
  frame: number;
  box: [number, number, number, number];
  velocity: [number, number, number, number];
  confidence: number;
  classId: number;
}

export class TrackExtrapolator {
  private tracks = new Map<number, Seen>();

  /** Records the tracked boxes of a detected frame; tracks absent from it are forgotten. */
  observe(frame: number, tracked: Detections): void {
    const next = new Map<number, Seen>();
    for (let i = 0; i < tracked.length; i++) {
      const id = tracked.trackerId[i]!;
      if (id < 0) continue;
      const box = tracked.box(i) as [number, number, number, number];
      const before = this.tracks.get(id);
      const dt = before ? frame - before.frame : 0;
      const velocity: [number, number, number, number] = before && dt > 0 ? [0, 1, 2, 3].map((c) => (box[c]! - before.box[c]!) / dt) as [number, number, number, number] : [0, 0, 0, 0];
      next.set(id, { frame, box, velocity, confidence: tracked.confidence[i]!, classId: tracked.classId[i]! });
    }
    this.tracks = next;
  }

  /**
   * The tracks of the last detected frame, moved to `frame` (after it); the data columns are not
   * carried (a skipped frame had no detector output).
   * @example extrapolator.observe(10, tracked); const between = extrapolator.predict(11);
   */
  predict(frame: number): Detections {
    const rows = [...this.tracks].map(([trackerId, t]) => {
      const dt = frame - t.frame;
      const [x1, y1, x2, y2] = t.box.map((v, c) => v + t.velocity[c]! * dt) as [number, number, number, number];
      return { xyxy: [x1, y1, Math.max(x2, x1 + 1), Math.max(y2, y1 + 1)] as [number, number, number, number], confidence: t.confidence, classId: t.classId, trackerId };
    });
    return Detections.fromRows(rows);
  }
}
