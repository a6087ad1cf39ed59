// Offline smoothing of written tracks: each box of a track gets the mean vertical centre, width
// and height of the track's boxes within `radius` frames of it, over the frames the track was seen
// or filled, never across a gap; its horizontal centre is kept. A detector's boxes jitter from
// frame to frame by a few pixels, enough to drop a small person's box under IoU 0.5 with where
// they are; a filter running live can only look back, a file written after the fact can look both
// ways. People walk across the image far more than up or down it and keep their size from one
// frame to the next, so those three mostly carry jitter, while the horizontal centre carries the
// walk and any camera pan: averaging it too cost KITTI-13 (a camera on a moving car) 1.8 MOTA
// points at 0.1 s. Only for results written after the fact, like the gap filling (track-gaps.ts).
//
// The default span (TRACK_SMOOTH_SECONDS) was chosen as the gap filling's was, on MOT15 with
// SORT's detections, one value for all: the longest at which no sequence scored worse. 0.1 s
// raised MOTA on all seven (+0.4 to +1.1, combined +0.7) with IDF1 and HOTA level or higher; 0.2 s
// lowered TUD-Stadtmitte (-0.1), 0.3 s more (-0.3). PETS09 dev stretch: +0.4 to +0.6.
import { groupMotByTrack, type MotRow } from '../formats/mot.ts';

/** Seconds either side of a box that a written track's boxes are averaged over by default. */
export const TRACK_SMOOTH_SECONDS = 0.1;

/**
 * `rows` with each track's vertical centre, width and height averaged over the track's boxes at
 * most `radius` frames before or after (boxes `step` frames apart are consecutive: a stride's
 * frames), the horizontal centre kept, sorted by frame then id; other columns are kept. A radius
 * under `step` returns the rows sorted.
 * @example smoothTracks(rows, Math.round(TRACK_SMOOTH_SECONDS * fps))
 */
export function smoothTracks(rows: readonly MotRow[], radius: number, step = 1): MotRow[] {
  if (!(radius >= step)) return [...rows].sort((p, q) => p.frame - q.frame || p.id - q.id);
  const out: MotRow[] = [];
  for (const track of groupMotByTrack(rows).values()) {
    const at = new Map(track.map((r) => [r.frame, r]));
    for (const r of track) {
      let [cy, w, h, n] = [0, 0, 0, 0];
      // Out from the box both ways while the track is there: never across a gap.
      for (const dir of [-1, 1]) {
        for (let d = dir === -1 ? 0 : step; d <= radius; d += step) {
          const q = at.get(r.frame + dir * d);
          if (!q) break;
          cy += q.y + q.h / 2;
          w += q.w;
          h += q.h;
          n++;
        }
      }
      [cy, w, h] = [cy / n, w / n, h / n];
      out.push({ ...r, x: r.x + r.w / 2 - w / 2, y: cy - h / 2, w, h });
    }
  }
  return out.sort((p, q) => p.frame - q.frame || p.id - q.id);
}
