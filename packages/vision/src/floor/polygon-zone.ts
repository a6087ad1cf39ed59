import type { Xy } from './homography.ts';

/**
 * A polygon on the floor (metres). `trigger` says which points are inside, for occupancy counts.
 * @example new PolygonZone([[0, 0], [4, 0], [4, 3], [0, 3]]).contains([1, 1]) // true
 */
export class PolygonZone {
  readonly polygonXy: readonly Xy[];

  constructor(polygonXy: readonly Xy[]) {
    if (polygonXy.length < 3) throw new RangeError(`a zone needs at least 3 corners, got ${polygonXy.length}`);
    if (!polygonXy.every((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]))) throw new RangeError('a zone corner is not a finite number');
    this.polygonXy = polygonXy.map((p) => [p[0], p[1]] as const);
  }

  /** Even-odd rule: a point exactly on an edge may fall either way. */
  contains(point: Xy): boolean {
    const poly = this.polygonXy;
    let inside = false;
    for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
      const [xi, yi] = poly[i]!;
      const [xj, yj] = poly[j]!;
      if (yi > point[1] !== yj > point[1] && point[0] < ((xj - xi) * (point[1] - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }

  /** One flag per point (`xy` interleaved as x0, y0, x1, y1...). */
  trigger(floorXyMeters: ArrayLike<number>): boolean[] {
    const out: boolean[] = [];
    for (let i = 0; i + 1 < floorXyMeters.length; i += 2) out.push(this.contains([floorXyMeters[i]!, floorXyMeters[i + 1]!]));
    return out;
  }

  /** Area in square metres (shoelace; self-intersecting polygons give the net area). */
  areaSquareMeters(): number {
    let a = 0;
    const poly = this.polygonXy;
    for (let i = 0; i < poly.length; i++) {
      const p = poly[i]!;
      const q = poly[(i + 1) % poly.length]!;
      a += p[0] * q[1] - q[0] * p[1];
    }
    return Math.abs(a) / 2;
  }
}
