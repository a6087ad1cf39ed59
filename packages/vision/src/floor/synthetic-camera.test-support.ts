// A pinhole camera looking at the floor plane z = 0, for tests: it gives the true pixel of any floor
// point independently of the homography code under test.
import type { Xy } from './homography.ts';

export interface SyntheticCamera {
  readonly name: string;
  readonly frameWh: Xy;
  /** Pixel where the floor point (metres) appears, or undefined behind the camera. */
  toImage(floorXy: Xy): Xy | undefined;
}

/** Camera at `positionXyz` (metres, z up) looking at `targetXy` on the floor, focal length in pixels. */
export function syntheticCamera(name: string, options: { positionXyz: [number, number, number]; targetXy: Xy; focalPx: number; frameWh: Xy }): SyntheticCamera {
  const [cx, cy, cz] = options.positionXyz;
  const f = [options.targetXy[0] - cx, options.targetXy[1] - cy, -cz];
  const norm = (v: number[]) => {
    const l = Math.hypot(...v);
    return v.map((x) => x / l);
  };
  const forward = norm(f);
  // Image x to the right of the view direction, image y downwards (towards the floor).
  const right = norm([forward[1]!, -forward[0]!, 0]);
  const down = [forward[1]! * right[2]! - forward[2]! * right[1]!, forward[2]! * right[0]! - forward[0]! * right[2]!, forward[0]! * right[1]! - forward[1]! * right[0]!];
  return {
    name,
    frameWh: options.frameWh,
    toImage([x, y]) {
      const d = [x - cx, y - cy, -cz];
      const zc = d[0]! * forward[0]! + d[1]! * forward[1]! + d[2]! * forward[2]!;
      if (zc <= 0) return undefined;
      const xc = d[0]! * right[0]! + d[1]! * right[1]! + d[2]! * right[2]!;
      const yc = d[0]! * down[0]! + d[1]! * down[1]! + d[2]! * down[2]!;
      return [options.focalPx * (xc / zc) + options.frameWh[0] / 2, options.focalPx * (yc / zc) + options.frameWh[1] / 2];
    },
  };
}

/** Deterministic pseudo-random numbers (mulberry32) so noisy cases are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample (Box-Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
