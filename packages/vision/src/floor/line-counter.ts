import type { Xy } from './homography.ts';

/** +1 when the move a->b crosses the segment start->end from its right to its left side, -1 the other way, 0 when it does not cross. */
export function segmentCrossing(from: Xy, to: Xy, start: Xy, end: Xy): -1 | 0 | 1 {
  const side = (p: Xy) => (end[0] - start[0]) * (p[1] - start[1]) - (end[1] - start[1]) * (p[0] - start[0]);
  const s0 = side(from);
  const s1 = side(to);
  // Touching the line counts only once it is left: a track standing on it does not flicker.
  if (s0 === 0 || s1 === 0 || Math.sign(s0) === Math.sign(s1)) return 0;
  const moveSide = (p: Xy) => (to[0] - from[0]) * (p[1] - from[1]) - (to[1] - from[1]) * (p[0] - from[0]);
  if (Math.sign(moveSide(start)) === Math.sign(moveSide(end)) && moveSide(start) !== 0) return 0;
  return s0 > 0 ? 1 : -1;
}

/**
 * A directional tripwire on the floor. With x right and y down (image convention), "in" is a crossing
 * from the right of start->end to its left. Feed each track's successive positions to `update`.
 * @example const line = new LineCounter([0, 5], [10, 5]); line.update(7, [2, 6]); line.update(7, [2, 4]); line.inCount // 1
 */
export class LineCounter {
  inCount = 0;
  outCount = 0;
  private readonly last = new Map<number, Xy>();

  constructor(
    readonly start: Xy,
    readonly end: Xy,
  ) {
    if (start[0] === end[0] && start[1] === end[1]) throw new RangeError('a counting line needs two different end points');
  }

  /** Moves one track to `floorXy`; returns the crossing it made (+1 in, -1 out, 0 none). */
  update(trackId: number, floorXy: Xy): -1 | 0 | 1 {
    const prev = this.last.get(trackId);
    this.last.set(trackId, floorXy);
    if (!prev) return 0;
    const crossing = segmentCrossing(prev, floorXy, this.start, this.end);
    if (crossing > 0) this.inCount++;
    else if (crossing < 0) this.outCount++;
    return crossing;
  }
}
