// Offline stitching of written tracks: a track that ends and another that starts a little later
// where the first one was heading are joined under the first one's id. A person hidden inside a
// group for a second or two outlasts the tracker's lost-track gate (the predicted box has drifted
// or no longer overlaps), so the person comes back under a new id: an identity switch the tracker
// cannot avoid live, but a results file written after the fact can see both ends of the gap.
// Each ending track is carried forward at its last velocity and each starting track backward at
// its first, to the middle of the gap; the two feet points must meet within a fraction of the
// person's height and the heights must agree. Pairs are joined cheapest first, each track at most
// once each way. Only for results written after the fact, like the gap filling (track-gaps.ts).
// With each track's appearance (the mean of its centred embeddings) the two must also look alike:
// on motion alone, MOT15's crowds and moving cameras got joins between different people, so
// `sightline track` stitches by default only with the appearance cue. The defaults and the
// measurements behind them: packages/vision/README.md, "Stitching".
import { groupMotByTrack, type MotRow } from '../formats/mot.ts';
import { cosineDistance } from './appearance-cue.ts';
import { boxesBetween } from './track-gaps.ts';

/** Seconds: the longest gap between two tracks that stitching joins by default. */
export const TRACK_STITCH_SECONDS = 1.5;

/**
 * Defaults: the farthest apart the two ends may meet (in heights), the most the heights may differ
 * (a ratio), how many boxes at each end give its velocity, and the farthest apart (cosine distance)
 * the two tracks' appearances may be.
 */
export const TRACK_STITCH_DEFAULTS = { maxDistance: 0.5, maxHeightRatio: 1.3, velocityFrames: 5, maxAppearanceDistance: 0.8 } as const;

export interface StitchOptions extends Partial<typeof TRACK_STITCH_DEFAULTS> {
  /** Each track's appearance (unit vectors by track id): when given, both tracks of a join need one, within maxAppearanceDistance (cosine). */
  appearance?: ReadonlyMap<number, Float64Array>;
  /** The frames tracked are every `step`-th (detections on a stride): a join's gap is filled on those. */
  step?: number;
}

interface TrackEnd {
  id: number;
  first: MotRow;
  last: MotRow;
  /** Feet-point velocity (pixels a frame) over the track's first and last few boxes. */
  startVelocity: [number, number];
  endVelocity: [number, number];
}

/**
 * `rows` with tracks joined across gaps of at most `maxGapFrames` frames: the later track's rows
 * take the earlier one's id (chains join under the first id), and each join's gap is filled on a
 * straight line from the last box to the first. Returns the rows, sorted by frame then id, and the
 * number of joins. A gap of `maxGapFrames` under 1 joins nothing.
 * @example stitchTracks(rows, Math.round(TRACK_STITCH_SECONDS * fps))
 */
export function stitchTracks(rows: readonly MotRow[], maxGapFrames: number, options: StitchOptions = {}): { rows: MotRow[]; joined: number } {
  const step = options.step ?? 1;
  const joins = trackJoins(rows, maxGapFrames, options);
  const out = rows.map((row) => (joins.rootOf.has(row.id) ? { ...row, id: joins.rootOf.get(row.id)! } : row));
  for (const { id, last, first } of joins.gaps) out.push(...boxesBetween({ ...last, id }, first, step));
  return { rows: out.sort((p, q) => p.frame - q.frame || p.id - q.id), joined: joins.gaps.length };
}

/**
 * The joins stitching makes (see the top of this file): `rootOf` maps each joined later track's id
 * to the id it continues (the first of its chain); `gaps` lists each join's last box before the
 * gap and first box after it, with that id.
 */
export function trackJoins(rows: readonly MotRow[], maxGapFrames: number, options: StitchOptions = {}): { rootOf: Map<number, number>; gaps: { id: number; last: MotRow; first: MotRow }[] } {
  const { maxDistance, maxHeightRatio, velocityFrames, maxAppearanceDistance, appearance } = { ...TRACK_STITCH_DEFAULTS, ...options };
  if (!(maxGapFrames >= 1)) return { rootOf: new Map(), gaps: [] };
  const ends: TrackEnd[] = [...groupMotByTrack(rows)].map(([id, track]) => ({
    id,
    first: track[0]!,
    last: track.at(-1)!,
    startVelocity: feetVelocity(track.slice(0, velocityFrames)),
    endVelocity: feetVelocity(track.slice(-velocityFrames)),
  }));

  // Tracks by first frame: each ending track looks only at those starting within the span after it
  // (a long video holds thousands of tracks; all pairs would be millions).
  const byStart = [...ends].sort((p, q) => p.first.frame - q.first.frame);
  const pairs: { from: TrackEnd; to: TrackEnd; cost: number }[] = [];
  for (const from of ends) {
    for (let k = firstStartingAfter(byStart, from.last.frame); k < byStart.length; k++) {
      const to = byStart[k]!;
      if (to.first.frame - from.last.frame > maxGapFrames) break;
      const a = from.last;
      const b = to.first;
      if (Math.max(a.h, b.h) > maxHeightRatio * Math.min(a.h, b.h)) continue;
      if (appearance) {
        const p = appearance.get(from.id);
        const q = appearance.get(to.id);
        if (!p || !q || cosineDistance(p, q) > maxAppearanceDistance) continue;
      }
      const cost = meetDistance(a, from.endVelocity, b, to.startVelocity);
      if (cost <= maxDistance) pairs.push({ from, to, cost });
    }
  }

  // Cheapest first; a track is followed by at most one and follows at most one.
  const next = new Map<number, number>();
  const previous = new Map<number, number>();
  for (const { from, to } of pairs.sort((p, q) => p.cost - q.cost)) {
    if (next.has(from.id) || previous.has(to.id)) continue;
    next.set(from.id, to.id);
    previous.set(to.id, from.id);
  }
  const root = (id: number): number => {
    let r = id;
    while (previous.has(r)) r = previous.get(r)!;
    return r;
  };
  const byId = new Map(ends.map((e) => [e.id, e]));
  return {
    rootOf: new Map([...previous.keys()].map((id) => [id, root(id)])),
    gaps: [...next].map(([from, to]) => ({ id: root(from), last: byId.get(from)!.last, first: byId.get(to)!.first })),
  };
}

/** The index of the first track in `byStart` (sorted by first frame) that starts after `frame`. */
function firstStartingAfter(byStart: readonly TrackEnd[], frame: number): number {
  let lo = 0;
  let hi = byStart.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (byStart[mid]!.first.frame <= frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * How far apart (in heights) box `a` carried forward at `endVelocity` and box `b` carried back at
 * `startVelocity` stand at the middle of the gap between them.
 */
function meetDistance(a: MotRow, endVelocity: readonly [number, number], b: MotRow, startVelocity: readonly [number, number]): number {
  const half = (b.frame - a.frame) / 2;
  const [ax, ay] = feet(a);
  const [bx, by] = feet(b);
  const dx = ax + endVelocity[0] * half - (bx - startVelocity[0] * half);
  const dy = ay + endVelocity[1] * half - (by - startVelocity[1] * half);
  return Math.hypot(dx, dy) / ((a.h + b.h) / 2);
}

/** The bottom-centre point of a box: where the person stands. */
function feet(row: MotRow): [number, number] {
  return [row.x + row.w / 2, row.y + row.h];
}

/** Mean feet-point velocity over consecutive boxes of one track (0 for a single box). */
function feetVelocity(track: readonly MotRow[]): [number, number] {
  const a = track[0]!;
  const b = track.at(-1)!;
  const frames = b.frame - a.frame;
  if (frames <= 0) return [0, 0];
  const [ax, ay] = feet(a);
  const [bx, by] = feet(b);
  return [(bx - ax) / frames, (by - ay) / frames];
}
