import { trackBoxAt, type HawkBox, type HawkTrack } from '@sightline/contracts';

/** The shared rule (packages/contracts), re-exported for Hawk's services and tests. */
export { trackBoxAt };

/** Boxes of one frame plus every track's box there, the track's id in `trackId`. */
export interface FrameBox extends HawkBox {
  readonly trackId: string | null;
}

/** Per-frame boxes of [from, to]: plain boxes and tracks expanded by interpolation. */
export function expandFrames(frames: Record<string, HawkBox[]>, tracks: readonly HawkTrack[], from: number, to: number): Map<number, FrameBox[]> {
  const out = new Map<number, FrameBox[]>();
  for (const [key, boxes] of Object.entries(frames)) {
    const f = Number(key);
    if (f >= from && f <= to && boxes.length > 0) out.set(f, boxes.map((b) => ({ ...b, trackId: null })));
  }
  for (const track of tracks) {
    const kfs = [...track.keyframes].sort((a, b) => a.frame - b.frame);
    const start = Math.max(from, kfs[0]!.frame);
    for (let f = start; f <= to; f++) {
      const xyxy = trackBoxAt(kfs, f);
      if (!xyxy) {
        if (f > kfs[kfs.length - 1]!.frame) break;
        continue;
      }
      const list = out.get(f) ?? [];
      list.push({ id: `${track.id}@${f}`, label: track.label, xyxy, attributes: track.attributes, trackId: track.id });
      out.set(f, list);
    }
  }
  return out;
}

/** Sorts keyframes and rejects duplicates frames; returns the problem or null. */
export function keyframeProblem(track: HawkTrack): string | null {
  const frames = track.keyframes.map((k) => k.frame);
  for (let i = 1; i < frames.length; i++) {
    if (frames[i]! <= frames[i - 1]!) return `track ${track.id}: keyframes must be sorted by frame without repeats (frame ${frames[i]! + 1} after ${frames[i - 1]! + 1})`;
  }
  return null;
}
